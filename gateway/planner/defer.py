"""@defer in the planning walk: the deferred fragment's fields get fetch groups of their own.

Apollo Router plans a deferred fragment on an entity as a follow-up entity fetch, keyed on
what the enclosing part fetched, so that the enclosing part's response never waits for it
(``DeferNode``: a primary block and deferred blocks). We do the same in the walk:

* on an entity type with a key the current subgraph resolves, the fragment is entered again
  through that key, in a fetch group of the deferred block (``walker.current_defer``): its
  fields this subgraph has are one ``_entities`` fetch to it, the others jump from there as
  usual; the key fields are added to the enclosing part's fetch;
* on the root type (``{ a ... @defer { b } }``), its fields get root fetches of their own
  (``roots.py``);
* elsewhere (a value type without a key), the fields are fetched with the enclosing part and
  only delivered later, as Apollo Router does when it cannot defer a fetch.

Every group made while a block is walked belongs to it (``FetchGroup.defer``) and is never
shared with another block or the primary part; ``build_plan`` then builds one plan node per
block (``DeferredBlock``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .defer_marks import DeferMark
from .operation import Fragment
from .routes import Route

if TYPE_CHECKING:
    from .context import Ctx
    from .walker import Walker

__all__ = ["BlockInfo", "DeferBlocks", "enter_defer"]


@dataclass(frozen=True, slots=True)
class BlockInfo:
    """What the walk learnt about one deferred block: its enclosing block (None: the primary
    part) and the query path of the object it is deferred on (``@``: every list item)."""

    mark: DeferMark
    parent: int | None
    path: tuple[str, ...]
    fragment: Fragment


class DeferBlocks:
    """The deferred blocks met in one walk, by ``DeferMark.index``."""

    __slots__ = ("blocks",)

    def __init__(self) -> None:
        self.blocks: dict[int, BlockInfo] = {}

    def record(
        self, mark: DeferMark, parent: int | None, path: tuple[str, ...], frag: Fragment
    ) -> None:
        # a fragment walked again (once per object type of an abstract field) is one block
        self.blocks.setdefault(mark.index, BlockInfo(mark, parent, path, frag))


def enter_defer(walker: Walker, ctx: Ctx, frag: Fragment) -> None:
    """Walk deferred fragment ``frag`` at ``ctx`` in groups of its own block."""
    mark = frag.defer
    assert mark is not None
    if frag.type_condition is not None and frag.type_condition != ctx.type_name:
        # ``... on Book @defer`` on a Media: narrow to the type first, then defer there
        narrowed = replace(frag, type_condition=None, conditions=())
        walker.fragment(ctx, Fragment(frag.type_condition, (narrowed,), frag.conditions))
        return
    enclosing = walker.current_defer
    inner = replace(frag, defer=None)
    walker.defers.record(mark, enclosing, ctx.path, inner)
    walker.current_defer = mark.index
    try:
        route = _entry(walker, ctx, inner)
        if route is None:
            walker.fragment(ctx, inner)  # fetched with the enclosing part, delivered later
        else:
            walker.enter(ctx, inner, route)
    finally:
        walker.current_defer = enclosing


def _entry(walker: Walker, ctx: Ctx, frag: Fragment) -> Route | None:
    """The way back into the object through a key the current subgraph resolves (a fetch
    that only needs what the enclosing part already fetched); None where there is none."""
    meta = walker.meta
    t, here = ctx.type_name, ctx.group.subgraph
    if meta.is_abstract(t) or meta.is_interface_object(t, here):
        return None
    for text in meta.keys(t, here):
        key = meta.field_set(t, text)
        if all(walker.is_local(ctx, name) for name in key.top_level_names()):
            return Route(here, key, t, None)
    return None
