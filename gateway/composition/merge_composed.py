"""@composeDirective: custom directives kept in the supergraph, with their definition and link."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from graphql.language.print_string import print_string

from .context import MergeContext
from .links import FEDERATION_URL
from .merge_directives import print_value
from .model import Argument, Directive, DirectiveDef, Subgraph, TypeKind


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


def _check(ctx: MergeContext, sg: Subgraph, name: str, use: Directive) -> DirectiveDef | None:
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
        locations=(definition.loc if definition else use.loc,),
        fix="Define the directive and import it from a @link'd specification (not the "
        "federation one) before composing it.",
    )
    return None


def _merged_definition(definitions: list[DirectiveDef]) -> DirectiveDef:
    """Locations every subgraph accepts; repeatable only if repeatable everywhere."""
    first = definitions[0]
    locations = tuple(
        loc for loc in first.locations if all(loc in d.locations for d in definitions)
    )
    repeatable = all(d.repeatable for d in definitions)
    return replace(first, locations=locations, repeatable=repeatable)


def composed_directives(ctx: MergeContext) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Merge the definitions of composed directives into ``ctx.composed``.

    Returns the printed definitions and the printed ``@link`` applications importing them.
    """
    found: dict[str, list[DirectiveDef]] = {}
    links: dict[str, str] = {}
    for sg in ctx.subgraphs:
        for use in sg.composed_directives:
            name = str(use.args.get("name", "")).lstrip("@")
            definition = _check(ctx, sg, name, use)
            link = _link_for(sg, name)
            if definition is None or link is None:
                continue
            found.setdefault(name, []).append(definition)
            url = print_string(str(link.args.get("url", "")))
            links.setdefault(name, f"@link(url: {url}, import: {print_value([f'@{name}'])})")
    ctx.composed = {name: _merged_definition(defs) for name, defs in found.items()}
    for sg in ctx.subgraphs:
        _check_locations(ctx, sg)
    printed = tuple(print_directive_def(d) for d in ctx.composed.values())
    return printed, tuple(links.values())


TYPE_LOCATIONS = {
    TypeKind.OBJECT: "OBJECT",
    TypeKind.INTERFACE: "INTERFACE",
    TypeKind.UNION: "UNION",
    TypeKind.ENUM: "ENUM",
    TypeKind.INPUT: "INPUT_OBJECT",
    TypeKind.SCALAR: "SCALAR",
}


def _applications(sg: Subgraph) -> Iterator[tuple[str, tuple[Directive, ...]]]:
    """(location, directives) of every element of the subgraph's types."""
    for td in sg.types.values():
        yield TYPE_LOCATIONS[td.kind], td.directives
        is_input = td.kind is TypeKind.INPUT
        for f in td.fields:
            yield "INPUT_FIELD_DEFINITION" if is_input else "FIELD_DEFINITION", f.directives
            for a in f.args:
                yield "ARGUMENT_DEFINITION", a.directives
        for v in td.values:
            yield "ENUM_VALUE", v.directives


def _check_locations(ctx: MergeContext, sg: Subgraph) -> None:
    reported: set[tuple[str, str]] = set()
    for location, directives in _applications(sg):
        for d in directives:
            definition = ctx.composed.get(d.name)
            if definition is None or location in definition.locations:
                continue
            if (d.name, location) in reported:
                continue
            reported.add((d.name, location))
            ctx.error(
                "DIRECTIVE_COMPOSITION_ERROR",
                f'Directive "@{d.name}" may not be used on {location}.',
                element=f"@{d.name}",
                subgraphs=(sg.name,),
                locations=(d.loc,),
                fix="Declare the same locations for the directive in every subgraph, or do not "
                "use it there.",
            )
