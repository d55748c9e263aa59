"""Loading plugins and calling their hooks.

Which hooks each plugin defines is found once, at start-up: ``Hooks`` holds one tuple of
bound methods per hook point, so a request pays only for hooks that exist, and with no plugin
every tuple is empty and every check is one falsy test.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from gateway.errors import ConfigError

from .api import HOOK_NAMES, PluginRejection

__all__ = ["NO_HOOKS", "Hook", "Hooks", "PluginFailure", "hooks_for", "load_plugin", "run_hooks"]

log = logging.getLogger("fedgate.plugins")

Hook = Callable[[Any], Awaitable[None]]


class PluginFailure(Exception):
    """A hook raised something other than ``PluginRejection``: a bug in the plugin (or an
    unreachable coprocessor). The client gets ``code`` (``PLUGIN_ERROR``), the log the rest."""

    def __init__(self, plugin: str, hook: str, code: str = "PLUGIN_ERROR") -> None:
        super().__init__(f"{plugin}.{hook} failed")
        self.plugin = plugin
        self.hook = hook
        self.code = code

    def response_body(self) -> dict[str, Any]:
        message = "A gateway plugin failed while handling the request"
        return {"data": None, "errors": [{"message": message, "extensions": {"code": self.code}}]}


class Hooks:
    """The hooks of every plugin, per hook point, in plugin order."""

    __slots__ = ("_closers", *HOOK_NAMES)

    on_request: tuple[Hook, ...]
    on_operation: tuple[Hook, ...]
    on_plan: tuple[Hook, ...]
    on_subgraph_request: tuple[Hook, ...]
    on_subgraph_response: tuple[Hook, ...]
    on_response: tuple[Hook, ...]

    def __init__(self, plugins: Iterable[object] = ()) -> None:
        plugins = list(plugins)
        for name in HOOK_NAMES:
            found = []
            for plugin in plugins:
                wanted = getattr(plugin, "fedgate_hooks", None)
                method = getattr(plugin, name, None)
                if callable(method) and (wanted is None or name in wanted):
                    found.append(_guarded(plugin, name, method))
            setattr(self, name, tuple(found))
        self._closers = [c for p in plugins if callable(c := getattr(p, "close", None))]

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in HOOK_NAMES)

    async def close(self) -> None:
        """Plugins with a ``close`` method (sync or async) are closed on shutdown."""
        for close in self._closers:
            result = close()
            if inspect.isawaitable(result):
                await result


NO_HOOKS = Hooks()


def _guarded(plugin: object, name: str, method: Callable[[Any], Any]) -> Hook:
    """``method``, awaited when async, with a failure turned into ``PluginFailure``."""
    label = type(plugin).__name__
    code = getattr(plugin, "fedgate_error_code", "PLUGIN_ERROR")
    is_async = inspect.iscoroutinefunction(method)

    async def call(arg: Any) -> None:
        try:
            result = method(arg)
            if is_async:
                await result
        except (PluginRejection, PluginFailure):
            raise
        except Exception as exc:
            context = getattr(arg, "context", None)
            request_id = getattr(context, "request_id", "-")
            log.exception("plugin %s.%s failed (request %s)", label, name, request_id)
            raise PluginFailure(label, name, code) from exc

    return call


async def run_hooks(hooks: tuple[Hook, ...], arg: Any) -> None:
    for hook in hooks:
        await hook(arg)


def load_plugin(path: str, config: Mapping[str, Any]) -> object:
    """``package.module:Class`` built with its config; a clear ``ConfigError`` otherwise."""
    module_name, _, attr = path.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"fedgate.plugins: cannot load {path!r}: {exc}") from exc
    if not isinstance(target, type):
        raise ConfigError(f"fedgate.plugins: {path!r} is not a class")
    try:
        plugin = target(dict(config))
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(f"fedgate.plugins: {path!r} refused its config: {exc}") from exc
    if not any(callable(getattr(plugin, name, None)) for name in HOOK_NAMES):
        raise ConfigError(f"fedgate.plugins: {path!r} defines none of {', '.join(HOOK_NAMES)}")
    return plugin


def hooks_for(config: Any, sdl: str | None = None) -> Hooks:
    """The configured plugins (``fedgate.plugins``, in order), then the coprocessor."""
    from .coprocessor import Coprocessor  # aiohttp only where a coprocessor is configured

    plugins: list[object] = [load_plugin(spec.path, spec.config) for spec in config.plugins]
    if config.coprocessor is not None:
        plugins.append(Coprocessor(config.coprocessor, sdl))
    return Hooks(plugins) if plugins else NO_HOOKS
