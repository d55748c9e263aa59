"""Entity interfaces (@key on an interface): implementations and their keys."""

from __future__ import annotations

from .context import MergeContext, quote_list
from .errors import subgraph_error
from .model import CompositionError, Subgraph, TypeKind


def validate_interface_keys(sg: Subgraph) -> list[CompositionError]:
    """Within a subgraph: every key of an interface is also a key of each implementation."""
    errors: list[CompositionError] = []
    for iface in sg.types.values():
        if iface.kind is not TypeKind.INTERFACE:
            continue
        for key in iface.all_directives("key"):
            fields = str(key.args.get("fields", ""))
            for impl in sg.types.values():
                if iface.name not in impl.interfaces:
                    continue
                if any(str(k.args.get("fields")) == fields for k in impl.all_directives("key")):
                    continue
                errors.append(
                    subgraph_error(
                        sg,
                        "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                        f'Key @key(fields: "{fields}") on interface type "{iface.name}" is '
                        f'missing on implementation type "{impl.name}".',
                        element=impl.name,
                        loc=impl.loc,
                        fix=f'Add @key(fields: "{fields}") to type "{impl.name}".',
                    )
                )
    return errors


def check_interface_key_implementations(ctx: MergeContext) -> None:
    """A subgraph with a resolvable interface key must define every implementation."""
    for sg in ctx.subgraphs:
        for iface in sg.types.values():
            keys = [k for k in iface.all_directives("key") if k.args.get("resolvable", True)]
            if iface.kind is not TypeKind.INTERFACE or not keys:
                continue
            missing = sorted(
                t
                for t in ctx.implementations.get(iface.name, ())
                if iface.name not in (sg.types[t].interfaces if t in sg.types else ())
            )
            if not missing:
                continue
            plural = "types" if len(missing) > 1 else "type"
            them = "them" if len(missing) > 1 else "it"
            ctx.error(
                "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
                f'[{sg.name}] Interface type "{iface.name}" has a resolvable key (@key(fields: '
                f'"{keys[0].args.get("fields")}")) in subgraph "{sg.name}" but that subgraph is '
                f'missing some of the supergraph implementation types of "{iface.name}". '
                f'Subgraph "{sg.name}" should define {plural} {quote_list(missing)} (and have '
                f'{them} implement "{iface.name}").',
                element=iface.name,
                subgraphs=(sg.name,),
                locations=(iface.loc,),
                fix=f'Define the missing {plural} in subgraph "{sg.name}", or use @interfaceObject '
                "there.",
            )
