"""Print a query plan in Apollo's text format (``QueryPlan { Sequence { Fetch(...) ... } }``).

The text is for people and golden tests; it is derived from the plan's subgraph operations so
that what is printed is exactly what is sent.
"""

from __future__ import annotations

from typing import assert_never

from graphql import (
    FieldNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
)

from .defer_format import format_defer
from .plan import (
    BatchFetch,
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    ReqField,
    ReqFragment,
    ReqSelection,
    Sequence,
)

__all__ = ["format_plan", "format_selection_set"]

_INDENT = "  "


def format_plan(plan: QueryPlan) -> str:
    if plan.deferred:
        lines = ["QueryPlan {"]
        format_defer(plan, _node, lines)  # @defer (defer_format.py)
        lines.append("}")
        return "\n".join(lines)
    if plan.node is None:
        return "QueryPlan {\n}"
    lines = ["QueryPlan {"]
    split = subscription_parts(plan.node)
    if split is not None:
        _subscription(*split, lines)
    else:
        _node(plan.node, 1, lines)
    lines.append("}")
    return "\n".join(lines)


def subscription_parts(node: PlanNode) -> tuple[Fetch, PlanNode | None] | None:
    """(the subgraph stream's fetch, the rest) of a subscription plan; None for others."""
    first = node.nodes[0] if isinstance(node, Sequence) and node.nodes else node
    if not isinstance(first, Fetch) or first.operation_kind != "subscription":
        return None
    if not isinstance(node, Sequence):
        return first, None
    rest = node.nodes[1:]
    return first, (rest[0] if len(rest) == 1 else Sequence(rest)) if rest else None


def _subscription(primary: Fetch, rest: PlanNode | None, out: list[str]) -> None:
    """Apollo's ``Subscription { Primary: {...}, Rest: {...} }``."""
    pad = _INDENT
    out.append(f"{pad}Subscription {{")
    out.append(f"{pad}{_INDENT}Primary: {{")
    _fetch(primary, 3, out)
    out.append(f"{pad}{_INDENT}}},")
    if rest is not None:
        out.append(f"{pad}{_INDENT}Rest: {{")
        _node(rest, 3, out)
        out.append(f"{pad}{_INDENT}}},")
    out.append(f"{pad}}},")


def _node(node: PlanNode, depth: int, out: list[str]) -> None:
    pad = _INDENT * depth
    match node:
        case Fetch():
            _fetch(node, depth, out)
        case Flatten(path=path, node=inner):
            out.append(f'{pad}Flatten(path: "{".".join(path)}") {{')
            _node(inner, depth + 1, out)
            out.append(f"{pad}}},")
        case Sequence(nodes=nodes) | Parallel(nodes=nodes):
            out.append(f"{pad}{type(node).__name__} {{")
            for child in nodes:
                _node(child, depth + 1, out)
            out.append(f"{pad}}},")
        case BatchFetch():
            _batch(node, depth, out)
        case Condition():
            _condition(node, depth, out)
        case _:
            assert_never(node)


def _condition(node: Condition, depth: int, out: list[str]) -> None:
    """``Include(if: $v)`` / ``Skip(if: $v)`` for one branch, as Apollo prints them;
    ``Condition(if: $v) { Then { } Else { } }`` when both branches are there."""
    pad = _INDENT * depth
    if node.else_clause is None or node.if_clause is None:
        word, branch = (
            ("Include", node.if_clause) if node.else_clause is None else ("Skip", node.else_clause)
        )
        out.append(f"{pad}{word}(if: ${node.condition}) {{")
        if branch is not None:
            _node(branch, depth + 1, out)
        out.append(f"{pad}}},")
        return
    out.append(f"{pad}Condition(if: ${node.condition}) {{")
    out.append(f"{pad}{_INDENT}Then {{")
    _node(node.if_clause, depth + 2, out)
    out.append(f"{pad}{_INDENT}}} Else {{")
    _node(node.else_clause, depth + 2, out)
    out.append(f"{pad}{_INDENT}}}")
    out.append(f"{pad}}},")


def _batch(node: BatchFetch, depth: int, out: list[str]) -> None:
    pad = _INDENT * depth
    out.append(f'{pad}BatchFetch(service: "{node.service}") {{')
    for i, entry in enumerate(node.entries):
        out.append(f'{pad}{_INDENT}_{i}: Flatten(path: "{".".join(entry.path)}") {{')
        _fetch_body(entry.node, depth + 2, out)
        out.append(f"{pad}{_INDENT}}},")
    out.append(f"{pad}}},")


def _fetch(node: Fetch, depth: int, out: list[str]) -> None:
    pad = _INDENT * depth
    out.append(f'{pad}Fetch(service: "{node.service}") {{')
    _fetch_body(node, depth + 1, out)
    out.append(f"{pad}}},")


def _fetch_body(node: Fetch, depth: int, out: list[str]) -> None:
    inner = _INDENT * depth
    op = _operation(node.operation)
    if node.requires is not None:
        out.extend(inner + line for line in _requires_lines(node.requires))
        out[-1] += " =>"
        entities = op.selection_set.selections[0]
        assert isinstance(entities, FieldNode) and entities.selection_set is not None
        body = format_selection_set(entities.selection_set)
    else:
        body = format_selection_set(op.selection_set)
        if op.operation.value == "mutation":
            body = "mutation " + body
    out.extend(inner + line for line in body.split("\n"))


def _operation(text: str) -> OperationDefinitionNode:
    definition = parse(text, no_location=True).definitions[0]
    assert isinstance(definition, OperationDefinitionNode)
    return definition


def format_selection_set(selection_set: SelectionSetNode) -> str:
    """Pretty-print a selection set the way Apollo's plans show it."""
    return print_ast(selection_set)


def _requires_lines(selections: tuple[ReqSelection, ...]) -> list[str]:
    lines = ["{"]
    _req(selections, 1, lines)
    lines.append("}")
    return lines


def _req(selections: tuple[ReqSelection, ...], depth: int, out: list[str]) -> None:
    pad = _INDENT * depth
    for sel in selections:
        match sel:
            case ReqField(name=name, response_key=key, selections=sub):
                label = name if key == name else f"{key}: {name}"
                if sub:
                    out.append(f"{pad}{label} {{")
                    _req(sub, depth + 1, out)
                    out.append(f"{pad}}}")
                else:
                    out.append(f"{pad}{label}")
            case ReqFragment(type_condition=tc, selections=sub):
                out.append(f"{pad}... on {tc} {{")
                _req(sub, depth + 1, out)
                out.append(f"{pad}}}")
            case _:
                assert_never(sel)
