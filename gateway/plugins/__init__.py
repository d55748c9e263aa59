"""Plugins: the Python plugin API (``api.py``), hooks found once at start-up (``hooks.py``),
subgraph hooks as a client wrapper (``client.py``) and Apollo Router's coprocessor protocol as
a built-in plugin (``coprocessor.py``). See docs/plugins.md and docs/coprocessor.md."""

from .api import (
    CONTEXT_ENTRIES,
    HOOK_NAMES,
    Operation,
    PlanInfo,
    PluginRejection,
    RouterRequest,
    RouterResponse,
    SubgraphCall,
    SubgraphResult,
    context_entries,
)
from .hooks import NO_HOOKS, Hooks, PluginFailure, hooks_for, load_plugin, run_hooks

__all__ = [
    "CONTEXT_ENTRIES",
    "HOOK_NAMES",
    "NO_HOOKS",
    "Hooks",
    "Operation",
    "PlanInfo",
    "PluginFailure",
    "PluginRejection",
    "RouterRequest",
    "RouterResponse",
    "SubgraphCall",
    "SubgraphResult",
    "context_entries",
    "hooks_for",
    "load_plugin",
    "run_hooks",
]
