"""The context the planning walk carries down the operation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .fetch_group import FetchGroup, SelTree
from .operation import Cond, Field, Fragment, Selection

__all__ = ["Ctx", "RootRouter", "Up"]


@dataclass(frozen=True, slots=True)
class Up:
    """Where to re-enter a selection that cannot be reached from here: ``ctx`` is the nearest
    level a jump can start from (None: the operation root), ``chain`` the selections leading
    from there down to here (outermost first; their own sub-selections are ignored)."""

    ctx: Ctx | None
    chain: tuple[Field | Fragment, ...]


@dataclass(frozen=True, slots=True)
class Ctx:
    group: FetchGroup
    type_name: str
    path: tuple[str, ...]
    target: SelTree
    provided: tuple[Selection, ...] | None = None
    # the client's selections at this level (response keys a requirement must not take)
    client_sels: tuple[Selection, ...] = ()
    up: Up | None = None
    avoid: frozenset[str] = field(default_factory=frozenset)
    escalations: int = 0
    # variable conditions (@skip/@include) on the way from the operation root to here
    conds: tuple[Cond, ...] = ()
    # the whole selection set of the current object in this group (across its fragments):
    # where response keys must not clash
    level: SelTree | None = None
    # the object this object was selected under (None at the root), and the same object in
    # the group the walk jumped here from: where @fromContext arguments look for their context
    parent: Ctx | None = None
    origin: Ctx | None = None
    # the object types this (abstract) object may have when several subgraphs serve the field
    # it came from (``Metadata.shared_runtime_types``); None: as the current subgraph says
    runtime: frozenset[str] | None = None


RootRouter = Callable[[Field, frozenset[str]], None]
