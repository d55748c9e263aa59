"""Merging of object and interface types: fields by union, with their @join__field."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .context import MergeContext
from .fieldset import top_level_fields
from .merge_auth import field_order
from .merge_directives import applied_directives, join_directives
from .merge_fields import merge_arguments, merge_field_type
from .model import Directive, Field, Subgraph, TypeDef, TypeKind, find_directive
from .supergraph import JoinField, JoinType, MergedField, MergedType

Defs = Sequence[tuple[Subgraph, TypeDef]]


def type_joins(ctx: MergeContext, defs: Defs) -> tuple[JoinType, ...]:
    joins: list[JoinType] = []
    for sg, td in defs:
        graph = ctx.graph(sg)
        extension = td.has("extends") if sg.fed1 else td.extension
        interface_object = td.has("interfaceObject")
        keys = td.all_directives("key")
        if not keys:
            joins.append(JoinType(graph, extension=extension, interface_object=interface_object))
        for key in keys:
            joins.append(
                JoinType(
                    graph,
                    key=str(key.args.get("fields", "")),
                    extension=extension,
                    resolvable=key.args.get("resolvable", True) is not False,
                    interface_object=interface_object,
                )
            )
    return tuple(joins)


def merge_composite(ctx: MergeContext, name: str, defs: Defs) -> MergedType:
    """Merge an object or interface type defined in one or more subgraphs."""
    is_interface = any(td.kind is TypeKind.INTERFACE for _, td in defs)
    kind = TypeKind.INTERFACE if is_interface else TypeKind.OBJECT
    joins = type_joins(ctx, defs)
    if name == "Query":
        joins = _with_every_graph(ctx, joins)
    type_graphs = [j.graph for j in joins]
    field_names = list(dict.fromkeys(f.name for _, td in defs for f in td.fields))
    fields = []
    for field_name in field_names:
        merged = merge_object_field(ctx, name, field_name, set(type_graphs))
        if merged is not None:
            fields.append(merged)
    return MergedType(
        name=name,
        kind=kind,
        description=ctx.description(name, [(sg, td.description) for sg, td in defs]),
        joins=joins,
        implements=tuple((ctx.graph(sg), i) for sg, td in defs for i in td.interfaces),
        interfaces=tuple(dict.fromkeys(i for _, td in defs for i in td.interfaces)),
        fields=tuple(fields),
        applied=applied_directives(ctx, [(sg, td.directives) for sg, td in defs]),
        join_directives=join_directives(ctx, [(sg, td.directives) for sg, td in defs]),
    )


def _with_every_graph(ctx: MergeContext, joins: tuple[JoinType, ...]) -> tuple[JoinType, ...]:
    """Every subgraph has a query root (it serves ``_entities`` and ``_service``)."""
    result: list[JoinType] = []
    for sg in ctx.subgraphs:
        graph = ctx.graph(sg)
        own = [j for j in joins if j.graph == graph]
        result.extend(own or [JoinType(graph)])
    return tuple(result)


def merge_object_field(
    ctx: MergeContext, type_name: str, field_name: str, type_graphs: set[str]
) -> MergedField | None:
    coordinate = f"{type_name}.{field_name}"
    defs = [(sg, _without_context_args(f)) for sg, f in ctx.field_defs(type_name, field_name)]
    joins = field_joins(ctx, type_name, ctx.field_defs(type_name, field_name))
    resolving = [(sg, f) for sg, f in defs if not f.has("external")] or list(defs)
    field_type = merge_field_type(ctx, coordinate, resolving, is_input=False)
    if field_type is None:
        return None
    graphs = {ctx.graph(sg) for sg, _ in defs}
    simple = all(_is_plain(j) for j in joins) and len(joins) == len(defs)
    if simple and graphs == type_graphs and len({f.type for _, f in defs}) == 1:
        joins = ()
    return MergedField(
        name=field_name,
        type=field_type,
        description=ctx.description(coordinate, [(sg, f.description) for sg, f in defs]),
        args=merge_arguments(ctx, coordinate, resolving),
        joins=joins,
        applied=field_order(applied_directives(ctx, [(sg, f.directives) for sg, f in defs])),
        join_directives=join_directives(ctx, [(sg, f.directives) for sg, f in defs]),
    )


def _is_plain(join: JoinField) -> bool:
    """Nothing but the graph (an @override alone does not call for @join__field, as Apollo)."""
    return replace(join, override=None) == JoinField(join.graph)


def overrides_of(defs: Sequence[tuple[Subgraph, Field]]) -> dict[str, str | None]:
    """Subgraph names whose field is overridden -> the override's label (None without)."""
    result: dict[str, str | None] = {}
    overriding = {sg.name for sg, f in defs if f.has("override")}
    for sg, f in defs:
        directive = f.directive("override")
        source = str(directive.args.get("from")) if directive is not None else None
        if directive is not None and source != sg.name and source not in overriding:
            label = directive.args.get("label")
            result[str(directive.args.get("from"))] = str(label) if label else None
    return result


def used_in_subgraph(td: TypeDef, field_name: str) -> bool:
    """Whether the subgraph uses the field in a @key or a @requires of its type."""
    sets = [str(k.args.get("fields", "")) for k in td.all_directives("key")]
    for f in td.fields:
        requires = f.directive("requires")
        if requires is not None:
            sets.append(str(requires.args.get("fields", "")))
    return any(field_name in top_level_fields(s) for s in sets)


def field_joins(
    ctx: MergeContext, type_name: str, defs: Sequence[tuple[Subgraph, Field]]
) -> tuple[JoinField, ...]:
    defining = {sg.name for sg, f in defs if not f.has("external")}
    overridden = {k: v for k, v in overrides_of(defs).items() if k in defining}
    differ = len({f.type for _, f in defs}) > 1
    joins = []
    for sg, f in defs:
        label = overridden.get(sg.name)
        used = False
        if sg.name in overridden and label is None:
            used = used_in_subgraph(sg.types[type_name], f.name)
            if not used:
                continue
        override = f.directive("override")
        source = _override_source(override, sg.name)
        own_label = override.args.get("label") if override is not None else None
        own_label = own_label if source in defining else None
        joins.append(
            JoinField(
                graph=ctx.graph(sg),
                requires=_fields_arg(f, "requires"),
                provides=_fields_arg(f, "provides"),
                type=f.type if differ else None,
                external=f.has("external"),
                override=source,
                used_overridden=used,
                override_label=str(own_label) if own_label else label,
                context_arguments=context_arguments(sg, f),
            )
        )
    return tuple(joins)


def _without_context_args(f: Field) -> Field:
    return replace(
        f, args=tuple(a for a in f.args if find_directive(a.directives, "fromContext") is None)
    )


def context_arguments(sg: Subgraph, f: Field) -> tuple[tuple[str, str, str, str], ...]:
    """(context, name, type, selection) of each argument set by @fromContext."""
    result = []
    for arg in f.args:
        directive = find_directive(arg.directives, "fromContext")
        if directive is None:
            continue
        match = re.match(r"^\s*\$(\w+)(.*)$", str(directive.args.get("field", "")), re.DOTALL)
        if match is not None:
            context = f"{sg.name}__{match.group(1)}"
            result.append((context, arg.name, arg.type, match.group(2)))
    return tuple(result)


def _fields_arg(f: Field, directive_name: str) -> str | None:
    directive = f.directive(directive_name)
    return str(directive.args.get("fields", "")) if directive is not None else None


def _override_source(override: Directive | None, own: str) -> str | None:
    """The overridden subgraph (a self-override is an error reported elsewhere)."""
    if override is None or str(override.args.get("from")) == own:
        return None
    return str(override.args.get("from"))
