"""The objects collected at a fetch path, carried from one wave of entity fetches to the next.

``collect_object_list`` keeps the values it walked at each path prefix (``_Run.walked``). A
merge used to drop them all; the next wave then walked the tree again from the root, though
a merge at path Q changes only what is read from the objects at Q: the keys its fetch
selects. So a merge drops only the prefixes whose walk read one of those keys (or below
them), and the next wave's fetches at the same paths start from the objects already found.

Why this is sound: a merge changes the tree only in place, in the objects at its path (keys
set, replaced or merged into). A dict can sit at two places of the tree (one entity answer
merged into every object that asked for it), but both places have the same field path: the
keys from the root with ``@`` and ``... on T`` left out (``canonical``). So a walk is affected
by a merge at Q exactly when it reads, from a container at a field path extending Q's, a key
the merge may have written; type conditions (``... on T``) read ``__typename``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, OperationDefinitionNode

from gateway.planner.plan import Fetch, KeyRenamer

__all__ = ["Known", "Walked", "canonical", "forget", "prefix_key", "written_keys"]

_ON = "... on "
# The values at each path prefix walked, by ``prefix_key``: a string caches its hash, a
# tuple hashes all its elements at every lookup (and a merge's ``forget`` looks up them all)
Walked = dict[str, list[Any]]
_SEP = "/"  # in no GraphQL name


def prefix_key(prefix: tuple[str, ...]) -> str:
    """The ``Walked`` key of a path prefix."""
    return _SEP.join(prefix)


# What a merge writes when the fetch's selection is not known key by key: anything
Written = frozenset[str] | None


@lru_cache(maxsize=4096)
def canonical(path: tuple[str, ...]) -> tuple[str, ...]:
    """The field path: the response keys of ``path`` without ``@`` and type conditions."""
    return tuple(e for e in path if e != "@" and not e.startswith(_ON))


class Known:
    """One entity fetch's merges: what they may write, and the answers so far per walked
    prefix (decided, and those the merge changes) for the path they merge at. The plan's
    paths are a bounded set; the fetch's path is put in canonical form once."""

    __slots__ = ("at", "decided", "path", "stale", "written")

    def __init__(self, written: Written) -> None:
        self.written = written
        self.path: tuple[str, ...] | None = None
        self.at: tuple[str, ...] = ()
        self.decided: set[str] = set()
        self.stale: set[str] = set()

    def merged_at(self, path: tuple[str, ...]) -> None:
        """Where the merge is (the same path object every request: compared by identity)."""
        if path is not self.path:
            if path != self.path:
                self.at = canonical(path)
                self.decided.clear()
                self.stale.clear()
            self.path = path


def forget(memo: Walked, path: tuple[str, ...], known: Known) -> None:
    """Drop the walked prefixes a merge at ``path`` (a fetch path) affects. Set operations
    on the keys (in C): after the first request every prefix is decided."""
    if not memo:
        return
    known.merged_at(path)
    decided = known.decided
    if not memo.keys() <= decided:
        for key in memo.keys() - decided:
            decided.add(key)
            if _reads(tuple(key.split(_SEP)), known.at, known.written):
                known.stale.add(key)
    for key in memo.keys() & known.stale:
        del memo[key]


def _reads(key: tuple[str, ...], at: tuple[str, ...], written: Written) -> bool:
    """Whether walking ``key`` reads something a merge into the objects at ``at`` wrote."""
    n = len(at)
    if not key:
        return False
    before = canonical(key[:-1])  # where each element of the walk reads from
    if before[:n] != at:
        return False  # the walk never reads from the merged objects or below them
    if len(before) > n:
        read = before[n]  # the key read from the merged objects on the way down
    elif key[-1] == "@":
        return False  # the items of lists at ``at``: the merged objects themselves
    elif key[-1].startswith(_ON):
        read = "__typename"
    else:
        read = key[-1]
    return written is None or read in written


def written_keys(fetch: Fetch, operation: OperationDefinitionNode) -> Written:
    """The response keys an entity fetch's merge may set in its objects: the selection of
    ``_entities`` (through inline fragments) and the output rewrites' new keys; None where
    that is not known (a fragment spread): then any."""
    keys: set[str] = set()
    found = False
    for sel in operation.selection_set.selections:
        if isinstance(sel, FieldNode) and sel.name.value == "_entities":
            found = True
            if sel.selection_set is None or not _collect(sel.selection_set.selections, keys):
                return None
    if not found:
        return None
    for rewrite in fetch.output_rewrites:
        if isinstance(rewrite, KeyRenamer):
            keys.add(rewrite.rename_key_to)
    return frozenset(keys)


def _collect(selections: Any, keys: set[str]) -> bool:
    for sel in selections:
        if isinstance(sel, FieldNode):
            keys.add(sel.alias.value if sel.alias else sel.name.value)
        elif isinstance(sel, InlineFragmentNode):
            if not _collect(sel.selection_set.selections, keys):
                return False
        elif isinstance(sel, FragmentSpreadNode):
            return False
    return True
