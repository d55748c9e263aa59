"""@inaccessible rules: what is hidden from the API schema must not be needed by it."""

from __future__ import annotations

from .context import MergeContext
from .model import TypeKind, is_root, named_type
from .supergraph import MergedType, Supergraph

INACCESSIBLE = "@inaccessible"


def hidden_types(supergraph: Supergraph) -> set[str]:
    return {t.name for t in supergraph.types if INACCESSIBLE in t.applied}


def _check_references(ctx: MergeContext, t: MergedType, hidden: set[str]) -> None:
    for f in t.fields:
        if INACCESSIBLE in f.applied:
            continue
        refs = [(f"{t.name}.{f.name}", f.type)]
        refs += [
            (f"{t.name}.{f.name}({a.name}:)", a.type)
            for a in f.args
            if INACCESSIBLE not in a.applied
        ]
        for coordinate, type_ref in refs:
            if named_type(type_ref) in hidden:
                ctx.error(
                    "REFERENCED_INACCESSIBLE",
                    f'Type "{named_type(type_ref)}" is @inaccessible but is referenced by '
                    f'"{coordinate}", which is in the API schema.',
                    element=coordinate,
                    fix=f'Mark "{coordinate}" @inaccessible too, or make the type accessible.',
                )
        for a in f.args:
            if INACCESSIBLE in a.applied and a.type.endswith("!") and a.default is None:
                coordinate = f"{t.name}.{f.name}({a.name}:)"
                ctx.error(
                    "REQUIRED_INACCESSIBLE",
                    f'Argument "{coordinate}" is @inaccessible but is a required argument of '
                    "its field.",
                    element=coordinate,
                    fix="Make the argument optional (nullable or with a default), or accessible.",
                )


def _check_children(ctx: MergeContext, t: MergedType) -> None:
    children = (
        [f.applied for f in t.fields]
        if t.kind is not TypeKind.ENUM
        else [v.applied for v in t.values]
    )
    if children and all(INACCESSIBLE in applied for applied in children):
        what = "values" if t.kind is TypeKind.ENUM else "fields"
        ctx.error(
            "ONLY_INACCESSIBLE_CHILDREN",
            f'Type "{t.name}" is in the API schema but all of its {what} are @inaccessible.',
            element=t.name,
            fix=f"Leave at least one of its {what} accessible, or mark the type @inaccessible.",
        )


def _check_implementations(ctx: MergeContext, t: MergedType, supergraph: Supergraph) -> None:
    for iface_name in t.interfaces:
        iface = supergraph.type(iface_name)
        for f in iface.fields if iface is not None and INACCESSIBLE not in iface.applied else ():
            own = t.field(f.name)
            if INACCESSIBLE in f.applied or own is None or INACCESSIBLE not in own.applied:
                continue
            ctx.error(
                "IMPLEMENTED_BY_INACCESSIBLE",
                f'Field "{t.name}.{f.name}" is @inaccessible but implements the interface field '
                f'"{iface_name}.{f.name}", which is in the API schema.',
                element=f"{t.name}.{f.name}",
                fix=f'Mark "{iface_name}.{f.name}" @inaccessible too, or make the field '
                "accessible.",
            )


def validate_inaccessible(ctx: MergeContext, supergraph: Supergraph) -> None:
    hidden = hidden_types(supergraph)
    for t in supergraph.types:
        if t.name not in hidden:
            _check_implementations(ctx, t, supergraph)
        if t.name in hidden:
            if is_root(t.name):
                ctx.error(
                    "QUERY_ROOT_TYPE_INACCESSIBLE",
                    f'Type "{t.name}" is @inaccessible but is the root {t.name.lower()} type, '
                    "which must be in the API schema.",
                    element=t.name,
                    fix="Remove @inaccessible from the root type.",
                )
            continue
        _check_references(ctx, t, hidden)
        if t.kind in (TypeKind.OBJECT, TypeKind.INTERFACE, TypeKind.INPUT, TypeKind.ENUM):
            _check_children(ctx, t)
