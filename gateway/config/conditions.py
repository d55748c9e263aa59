"""Apollo Router's ``condition`` language (telemetry conditions, also on coprocessor stages):
``eq``/``gt``/``lt`` over two values or selectors, ``exists`` over a selector, ``not``,
``all``, ``any``, and ``true``/``false``.

A condition is parsed once, at config time, into a frozen tree whose selectors are checked
against the stage they are on (a ``response_header`` cannot be read before there is a
response): a selector fedgate does not support, or one the stage cannot see, is a
``ConfigError`` naming ``file:line``. At request time ``evaluate`` reads the selectors from a
``Facts`` the stage builds, only when a condition is configured.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from gateway.errors import ConfigError

__all__ = ["Condition", "Facts", "Selector", "evaluate", "parse_condition"]

Where = Callable[[tuple[str | int, ...]], str]


class Facts(Protocol):
    """What one stage can tell a selector. ``None`` means "not there" (``exists`` is false,
    the selector's ``default`` applies)."""

    def fact(self, name: str, argument: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class Selector:
    name: str
    argument: Any
    default: Any = None


Operand = Selector | str | int | float | bool


@dataclass(frozen=True, slots=True)
class Condition:
    """``op`` is one of eq, gt, lt, exists, not, all, any, true, false."""

    op: str
    operands: tuple[Operand, ...] = ()
    children: tuple[Condition, ...] = ()


# selector → (the argument values it accepts, or None for any string; its stages)
_REQUEST = ("request",)
_RESPONSE = ("response",)
_BOTH = ("request", "response")
_ROUTER: dict[str, tuple[tuple[Any, ...] | None, tuple[str, ...]]] = {
    "request_header": (None, _BOTH),
    "request_method": ((True,), _BOTH),
    "request_context": (None, _BOTH),
    "response_header": (None, _RESPONSE),
    "response_status": (("code", "reason"), _RESPONSE),
    "response_context": (None, _RESPONSE),
    "on_graphql_error": ((True, False), _RESPONSE),
}
_SUPERGRAPH: dict[str, tuple[tuple[Any, ...] | None, tuple[str, ...]]] = {
    "request_header": (None, _BOTH),
    "request_context": (None, _BOTH),
    "operation_name": (("string",), _REQUEST),
    "query": (("string",), _REQUEST),
    "query_variable": (None, _REQUEST),
    "response_header": (None, _RESPONSE),
    "response_context": (None, _RESPONSE),
    "is_primary_response": ((True, False), _RESPONSE),
    "on_graphql_error": ((True, False), _RESPONSE),
}
_SUBGRAPH: dict[str, tuple[tuple[Any, ...] | None, tuple[str, ...]]] = {
    "subgraph_name": ((True, False), _BOTH),
    "supergraph_request_header": (None, _BOTH),
    "request_context": (None, _BOTH),
    "subgraph_request_header": (None, _REQUEST),
    "subgraph_operation_name": (("string",), _REQUEST),
    "subgraph_query": (("string",), _REQUEST),
    "subgraph_query_variable": (None, _REQUEST),
    "subgraph_response_header": (None, _RESPONSE),
    "subgraph_response_status": (("code", "reason"), _RESPONSE),
    "subgraph_on_graphql_error": ((True, False), _RESPONSE),
    "response_context": (None, _RESPONSE),
}
_ANYWHERE: dict[str, tuple[tuple[Any, ...] | None, tuple[str, ...]]] = {
    "env": (None, _BOTH),
    "static": (None, _BOTH),
}
SELECTORS = {"router": _ROUTER, "supergraph": _SUPERGRAPH, "subgraph": _SUBGRAPH}
_VALUES = (str, int, float, bool)


def parse_condition(
    raw: Any, service: str, side: str, path: tuple[str | int, ...], where: Where
) -> Condition:
    """``raw`` from the config at ``path``; ``service`` is router, supergraph or subgraph,
    ``side`` request or response."""

    def fail(at: tuple[str | int, ...], problem: str) -> ConfigError:
        return ConfigError(f"{where(at)}: {'.'.join(map(str, at))}: {problem}")

    def condition(value: Any, at: tuple[str | int, ...]) -> Condition:
        if value is True or value is False:
            return Condition("true" if value else "false")
        if value in ("true", "false"):
            return Condition(str(value))
        if not isinstance(value, dict) or len(value) != 1:
            raise fail(at, "a condition is one of eq, gt, lt, exists, not, all, any, true, false")
        op, arg = next(iter(value.items()))
        here = (*at, op)
        if op in ("eq", "gt", "lt"):
            if not isinstance(arg, list) or len(arg) != 2:
                raise fail(here, f"{op} takes a list of two values or selectors")
            return Condition(op, (operand(arg[0], (*here, 0)), operand(arg[1], (*here, 1))))
        if op == "exists":
            return Condition(op, (selector(arg, here),))
        if op == "not":
            return Condition(op, children=(condition(arg, here),))
        if op in ("all", "any"):
            if not isinstance(arg, list):
                raise fail(here, f"{op} takes a list of conditions")
            return Condition(
                op, children=tuple(condition(c, (*here, i)) for i, c in enumerate(arg))
            )
        raise fail(here, "unknown condition; use eq, gt, lt, exists, not, all, any, true, false")

    def operand(value: Any, at: tuple[str | int, ...]) -> Operand:
        if isinstance(value, dict):
            return selector(value, at)
        if isinstance(value, _VALUES):
            return value
        raise fail(at, "a value must be a string, a number, a boolean or a selector")

    def selector(value: Any, at: tuple[str | int, ...]) -> Selector:
        if not isinstance(value, dict):
            raise fail(at, "a selector is an object such as {request_header: x-name}")
        default = value.get("default")
        names = [k for k in value if k != "default"]
        if len(names) != 1:
            raise fail(at, "a selector has exactly one selector key (and an optional default)")
        name = names[0]
        known = {**SELECTORS[service], **_ANYWHERE}
        if name not in known:
            supported = ", ".join(sorted(known))
            raise fail(
                (*at, name),
                f"selector {name!r} is not supported by fedgate on {service} stages "
                f"(supported: {supported})",
            )
        accepted, sides = known[name]
        if side not in sides:
            raise fail((*at, name), f"{name} is not known yet at the {service} {side} stage")
        argument = value[name]
        if accepted is not None and argument not in accepted:
            allowed = " or ".join(map(str, accepted))
            raise fail((*at, name), f"{name} takes {allowed} (fedgate supports only these)")
        if accepted is None and not isinstance(argument, str):
            raise fail((*at, name), f"{name} takes a name (a string)")
        if default is not None and not isinstance(default, _VALUES):
            raise fail((*at, "default"), "default must be a string, a number or a boolean")
        return Selector(name, argument, default)

    return condition(raw, path)


def evaluate(condition: Condition, facts: Facts) -> bool:
    op = condition.op
    if op == "true":
        return True
    if op == "false":
        return False
    if op == "not":
        return not evaluate(condition.children[0], facts)
    if op == "all":
        return all(evaluate(c, facts) for c in condition.children)
    if op == "any":
        return any(evaluate(c, facts) for c in condition.children)
    if op == "exists":
        return _value(condition.operands[0], facts) is not None
    left, right = (_value(o, facts) for o in condition.operands)
    if left is None or right is None:
        return False
    left, right = _comparable(left, right)
    if op == "eq":
        return bool(left == right)
    try:
        return bool(left > right) if op == "gt" else bool(left < right)
    except TypeError:
        return False


def _value(operand: Operand, facts: Facts) -> Any:
    if not isinstance(operand, Selector):
        return operand
    if operand.name == "static":
        return operand.argument
    if operand.name == "env":
        found: Any = os.environ.get(operand.argument)
    else:
        found = facts.fact(operand.name, operand.argument)
    return operand.default if found is None else found


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    """Header values are text: ``gt: [{request_header: content-length}, 100]`` compares
    numbers when one side is a number and the other reads as one."""
    number = (int, float)
    if isinstance(left, number) and not isinstance(left, bool) and isinstance(right, str):
        return left, _number(right, right)
    if isinstance(right, number) and not isinstance(right, bool) and isinstance(left, str):
        return _number(left, left), right
    return left, right


def _number(text: str, fallback: Any) -> Any:
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return fallback
