"""@composeDirective: custom directives kept in the supergraph, with their definition and link."""

from __future__ import annotations

from graphql.language.print_string import print_string

from .context import MergeContext
from .links import FEDERATION_URL
from .merge_directives import print_value
from .model import Argument, Directive, DirectiveDef, Subgraph


def _print_args(args: tuple[Argument, ...]) -> str:
    if not args:
        return ""
    parts = [f"{a.name}: {a.type}" + (f" = {a.default}" if a.default else "") for a in args]
    return "(" + ", ".join(parts) + ")"


def print_directive_def(d: DirectiveDef) -> str:
    repeatable = " repeatable" if d.repeatable else ""
    return f"directive @{d.name}{_print_args(d.args)}{repeatable} on {' | '.join(d.locations)}"


def _link_for(sg: Subgraph, name: str) -> Directive | None:
    for link in sg.links:
        imports = link.args.get("import")
        items = imports if isinstance(imports, list) else []
        listed = [i.get("name") if isinstance(i, dict) else i for i in items]
        url = str(link.args.get("url", ""))
        if f"@{name}" in listed and not url.startswith(FEDERATION_URL):
            return link
    return None


def _check(ctx: MergeContext, sg: Subgraph, name: str) -> DirectiveDef | None:
    definition = sg.directive_defs.get(name)
    problem = None
    if definition is None:
        problem = (
            "Could not find matching directive definition for argument to @composeDirective "
            f'"@{name}" in subgraph "{sg.name}".'
        )
    elif _link_for(sg, name) is None:
        problem = (
            f'Directive "@{name}" in subgraph "{sg.name}" cannot be composed because it is not a '
            "member of a core feature"
        )
    if problem is None:
        return definition
    ctx.error(
        "DIRECTIVE_COMPOSITION_ERROR",
        problem,
        element=f"@{name}",
        subgraphs=(sg.name,),
        locations=(definition.loc,) if definition else (),
        fix="Define the directive and import it from a @link'd specification (not the "
        "federation one) before composing it.",
    )
    return None


def composed_directives(ctx: MergeContext) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Printed definitions and printed ``@link`` applications of composed directives."""
    definitions: dict[str, str] = {}
    links: dict[str, str] = {}
    for sg in ctx.subgraphs:
        for name in sg.composed_directives:
            definition = _check(ctx, sg, name)
            link = _link_for(sg, name)
            if definition is None or link is None or name in definitions:
                continue
            definitions[name] = print_directive_def(definition)
            url = print_string(str(link.args.get("url", "")))
            links[name] = f"@link(url: {url}, import: {print_value([f'@{name}'])})"
    return tuple(definitions.values()), tuple(links.values())
