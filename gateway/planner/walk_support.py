"""Small pure helpers of the planning walk: selections, representation trees, messages."""

from __future__ import annotations

from dataclasses import replace

from .fetch_group import FetchGroup, FieldItem, FragmentItem, SelTree
from .metadata import Metadata
from .operation import Cond, Field, Fragment, Selection, print_arguments
from .plan import ReqField, ReqFragment, ReqSelection
from .routes import Route, fields_of, provided_field

__all__ = [
    "ClientKeys",
    "add_reqs",
    "and_conditions",
    "client_keys",
    "fits",
    "key_in_representation",
    "level_keys",
    "mirror",
    "provided_field",
    "unreachable",
    "wrap",
]


def level_keys(tree: SelTree, used: dict[str, tuple[str, str]]) -> None:
    """Response keys of one object's selection set, through its inline fragments."""
    for item in tree.items.values():
        if isinstance(item, FieldItem):
            used.setdefault(item.response_key, (item.name, print_arguments(item.arguments)))
        else:
            level_keys(item.sub, used)


def fits(target: SelTree, reps: tuple[ReqSelection, ...]) -> bool:
    """Can ``reps`` join the representation already in ``target`` (no field twice)?"""
    for r in reps:
        if isinstance(r, ReqField):
            for item in target.items.values():
                if (
                    isinstance(item, FieldItem)
                    and item.name == r.name
                    and item.response_key != r.response_key
                ):
                    return False
    return True


def wrap(chain: tuple[Field | Fragment, ...], sel: Field | Fragment) -> Field:
    inner: Field | Fragment = sel
    for shell in reversed(chain):
        inner = replace(shell, selections=(inner,))
    assert isinstance(inner, Field)
    return inner


def add_reqs(target: SelTree, reqs: tuple[ReqSelection, ...]) -> None:
    for r in reqs:
        if isinstance(r, ReqField):
            alias = r.response_key if r.response_key != r.name else None
            item = target.field(r.name, alias)
            if r.selections:
                add_reqs(item.subtree(), r.selections)
        else:
            add_reqs(target.fragment(r.type_condition), r.selections)


def mirror(sels: tuple[Selection, ...]) -> tuple[ReqSelection, ...]:
    out: list[ReqSelection] = []
    for s in sels:
        if isinstance(s, Field):
            out.append(ReqField(s.name, s.response_key, mirror(s.selections)))
        elif s.type_condition is None:
            out.extend(mirror(s.selections))
        else:
            out.append(ReqFragment(s.type_condition, mirror(s.selections)))
    return tuple(out)


def client_keys(sels: tuple[Selection, ...]) -> dict[str, tuple[str, str]]:
    return {f.response_key: (f.name, f.arguments_text) for f in fields_of(sels)}


class ClientKeys:
    """``client_keys`` per level, computed once: every requirement added at a level asks, and
    a level of many fields (1,000 aliases) would otherwise cost a scan per requirement."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[tuple[Selection, ...], dict[str, tuple[str, str]]]] = {}

    def of(self, sels: tuple[Selection, ...]) -> dict[str, tuple[str, str]]:
        cached = self._cache.get(id(sels))
        if cached is None or cached[0] is not sels:  # the tuple is kept: its id stays its own
            cached = self._cache[id(sels)] = (sels, client_keys(sels))
        return cached[1]


def unreachable(type_name: str, sel: Field | Fragment, graph: str, meta: Metadata) -> str:
    if isinstance(sel, Fragment):
        return (
            f"Cannot plan '... on {sel.type_condition}' on {type_name} from subgraph {graph!r}: "
            f"no subgraph that knows the types behind {type_name} can be reached from there."
        )
    owners = meta.field_graphs(type_name, sel.name)
    if not owners:
        return f"Cannot plan {type_name}.{sel.name}: no subgraph can resolve it."
    return (
        f"Cannot plan {type_name}.{sel.name} from subgraph {graph!r}: it is resolved by "
        f"{', '.join(repr(o) for o in owners)}, but no resolvable @key of {type_name} there "
        f"can be fetched from {graph!r}."
    )


def and_conditions(outer: tuple[Cond, ...], inner: tuple[Cond, ...]) -> tuple[Cond, ...]:
    """Both sets of conditions, each once."""
    return outer + tuple(c for c in inner if c not in outer)


def key_in_representation(
    group: FetchGroup, path: tuple[str, ...], type_name: str, route: Route
) -> tuple[ReqSelection, ...] | None:
    """The key of ``route`` as the representation of entity fetch ``group`` already carries
    it, when the jump starts at the entity that fetch was entered at: the parent fetch has
    those values. None when a field is missing there (or the key is nested, or the route
    has @requires, which the parent may not have)."""
    if not group.is_entity or group.parent is None or path != group.path or route.requires:
        return None
    rep = group.requires.items.get(("t", type_name))
    if not isinstance(rep, FragmentItem):
        return None
    have = {r.name: r for r in rep.sub.to_requires() if isinstance(r, ReqField)}
    out: list[ReqSelection] = []
    for sel in route.key.selections:
        if not isinstance(sel, Field) or sel.selections or sel.name not in have:
            return None
        out.append(have[sel.name])
    return tuple(out)
