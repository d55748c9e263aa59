"""SATISFIABILITY_ERROR messages: an example query that cannot be planned, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .satisfiability_context import missing_context

if TYPE_CHECKING:
    from .satisfiability import Explorer, PathState, State


def example_query(explorer: Explorer, state: PathState, field_name: str) -> str:
    """The query reaching ``field_name`` at ``state``, printed like Apollo's examples."""
    steps: list[tuple[str, str | None]] = []
    current: PathState | None = state
    while current is not None:
        step = explorer.paths[current]
        if step.parent is None:
            root = step.field
            break
        steps.append((step.field, step.condition))
        current = step.parent
    else:  # pragma: no cover - every path starts at a root
        root = "Query"
    lines: list[str] = []
    depth = 1
    for name, condition in reversed(steps):
        lines.append("  " * depth + name + " {")
        depth += 1
        if condition is not None:
            lines.append("  " * depth + f"... on {condition} {{")
            depth += 1
    lines.append("  " * depth + field_name)
    for level in range(depth - 1, 0, -1):
        lines.append("  " * level + "}")
    prefix = "" if root == "Query" else root.lower() + " "
    return prefix + "{\n" + "\n".join(lines) + "\n}"


def option_reasons(explorer: Explorer, state: State, field_name: str) -> list[str]:
    coordinate = f"{state.type}.{field_name}"
    own = explorer.type_def(state)
    here = own.field(field_name) if own is not None else None
    if here is not None and missing_context(state, here):
        return [
            f'- from subgraph "{state.subgraph}": could not find a match for required context '
            f'for field "{coordinate}".'
        ]
    lines = [f'- from subgraph "{state.subgraph}":', f'  - cannot find field "{coordinate}".']
    for sg, f in explorer.ctx.field_defs(state.type, field_name):
        if sg.name == state.subgraph or f.has("external"):
            continue
        keys = sg.types[state.type].all_directives("key")
        if not keys:
            lines.append(
                f'  - cannot move to subgraph "{sg.name}", which has field "{coordinate}", '
                f'because type "{state.type}" has no @key defined in subgraph "{sg.name}".'
            )
        for key in keys:
            lines.append(
                f'  - cannot move to subgraph "{sg.name}" using @key(fields: '
                f'"{key.args.get("fields")}") of "{state.type}", the key field(s) cannot be '
                f'resolved from subgraph "{state.subgraph}".'
            )
    return lines


def report_unsatisfiable(explorer: Explorer, path: PathState, field_name: str) -> None:
    coordinate = f"{path.type}.{field_name}"
    if coordinate in explorer.failed:
        return
    explorer.failed.add(coordinate)
    options = sorted(path.options, key=lambda o: (o.subgraph, o.type))
    reasons = [line for o in options for line in option_reasons(explorer, o, field_name)]
    message = (
        f"The following supergraph API query:\n{example_query(explorer, path, field_name)}\n"
        "cannot be satisfied by the subgraphs because:\n" + "\n".join(reasons)
    )
    defs = explorer.ctx.field_defs(path.type, field_name)
    names = [o.subgraph for o in options] + [sg.name for sg, _ in defs]
    where = " or ".join(f'"{o.subgraph}"' for o in options)
    explorer.ctx.error(
        "SATISFIABILITY_ERROR",
        message,
        element=coordinate,
        subgraphs=tuple(dict.fromkeys(names)),
        locations=tuple(f.loc for _, f in defs),
        fix=f'Add a @key to "{path.type}" in the subgraphs defining "{coordinate}" whose fields '
        f"subgraph {where} can resolve, or define the field (@shareable) there.",
    )
