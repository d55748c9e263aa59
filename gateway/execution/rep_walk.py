"""An entity fetch's representation loop as a precomputed loop, for the compiled build.

``rep_codegen.py`` generates the loop's Python source per fetch: the fastest a pure-Python
install can have, but bytecode whatever the build. In the compiled build (docs/compiled.md)
this module is C: ``FlatFill`` holds what ``rep_codegen.generate`` would have written inline
for the usual selection (one entity type, its key fields as leaves) and runs it with native
attribute reads; objects outside that case take ``rep_codegen.one``, as in the generated
loop. Same representations, owners and order (``tests/execution/test_rep_walk.py`` compares
the two). ``rep_choice.py`` picks this loop when this module is compiled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, cast

from gateway.planner.plan import FetchRewrite

from .rep_codegen import add, dedupe_key, one
from .representations import RepBuilder, apply_value_setters
from .typematch import TypeMatcher

__all__ = ["FlatFill", "flat_fill"]

_UNSEEN: Final[Any] = object()
_TYPENAME: Final = "__typename"


class FlatFill:
    """``fill(values, reps, typenames, owners, index, seen, other)`` for a one-type flat
    selection: appends to the first three (``rep_codegen.Filler``)."""

    def __init__(
        self,
        builder: RepBuilder,
        rewrites: Sequence[FetchRewrite],
        matcher: TypeMatcher,
        cond: str,
        fields: Sequence[tuple[str, str, bool]],
    ) -> None:
        self.builder = builder
        self.rewrites = rewrites
        self.has_rewrites = bool(rewrites)
        self.matcher = matcher
        self.cond = cond
        # the fast key: the values of the fields not read from __typename (that one equals
        # the condition here), in field order; one value is the key itself, else a tuple
        self.reads: list[str] = [key for _, key, _ in fields if key != _TYPENAME]
        self.count = len(self.reads)
        self.k0 = self.reads[0] if self.count > 0 else ""
        self.k1 = self.reads[1] if self.count > 1 else ""
        self.k2 = self.reads[2] if self.count > 2 else ""
        # per field: where its value is in the fast key (-1: the type name)
        slots: list[int] = []
        for _, key, _ in fields:
            slots.append(-1 if key == _TYPENAME else len([s for s in slots if s >= 0]))
        names = [name for name, _, _ in fields]
        # nothing but __typename names no entity: no representation, as generated
        self.never = not (len(set(names)) > 1 or names[0] != _TYPENAME)
        # the key values that must not be null (a null __typename cannot get here)
        self.non_null: list[int] = [
            slot for slot, (_, _, ok) in zip(slots, fields, strict=True) if not ok and slot >= 0
        ]
        # the representation: the last of a repeated name, as the generated dict display
        last = {name: i for i, name in enumerate(names)}
        self.names: list[str] = list(last)
        self.slots: list[int] = [slots[i] for i in last.values()]
        self.typename_slot = slots[last[_TYPENAME]] if _TYPENAME in last else -2

    def __call__(
        self,
        values: list[Any],
        reps: list[dict[str, Any]],
        typenames: list[str | None],
        owners: list[list[dict[str, Any]]],
        index: dict[Any, int],
        seen: dict[Any, Any],
        other: dict[Any, int | None],
    ) -> None:
        self.fill(values, reps, typenames, owners, index, seen, other)

    def fill(
        self,
        values: list[Any],
        reps: list[dict[str, Any]],
        typenames: list[str | None],
        owners: list[list[dict[str, Any]]],
        index: dict[Any, int],
        seen: dict[Any, Any],
        other: dict[Any, int | None],
    ) -> None:
        cond = self.cond
        for obj in values:
            if type(obj) is not dict:
                if type(obj) is list:
                    self.fill(obj, reps, typenames, owners, index, seen, other)
                continue
            t = obj.get(_TYPENAME)
            if type(t) is not str or t != cond:
                self._slow(obj, reps, typenames, owners, index, other)
                continue
            fast = self._fast(obj)
            if fast is _UNSEEN:  # a key field missing
                self._slow(obj, reps, typenames, owners, index, other)
                continue
            try:
                known = seen.get(fast, _UNSEEN)
            except TypeError:  # an unhashable key value
                self._slow(obj, reps, typenames, owners, index, other)
                continue
            if known is not _UNSEEN:
                if known is not None:
                    owners[cast(int, known)].append(obj)
                continue
            if self.never or self._null_key(fast):
                seen[fast] = None
                continue
            seen[fast] = self._new(obj, t, fast, reps, typenames, owners, index)

    def _fast(self, obj: dict[str, Any]) -> Any:
        """The fast key (``_UNSEEN`` when a key field is missing)."""
        count = self.count
        if count == 1:
            return obj.get(self.k0, _UNSEEN)
        if count == 0:
            return ()
        a = obj.get(self.k0, _UNSEEN)
        b = obj.get(self.k1, _UNSEEN)
        if a is _UNSEEN or b is _UNSEEN:
            return _UNSEEN
        if count == 2:
            return (a, b)
        c = obj.get(self.k2, _UNSEEN)
        if c is _UNSEEN:
            return _UNSEEN
        if count == 3:
            return (a, b, c)
        more: list[Any] = [a, b, c]
        for key in self.reads[3:]:
            v = obj.get(key, _UNSEEN)
            if v is _UNSEEN:
                return _UNSEEN
            more.append(v)
        return tuple(more)

    def _slot(self, t: str, fast: Any, slot: int) -> Any:
        """A field's value by its slot (``__init__``): the type name or a key value."""
        if slot < 0:
            return t
        if self.count == 1:
            return fast
        return fast[slot]

    def _null_key(self, fast: Any) -> bool:
        return any(self._slot("", fast, slot) is None for slot in self.non_null)

    def _new(
        self,
        obj: dict[str, Any],
        t: str,
        fast: Any,
        reps: list[dict[str, Any]],
        typenames: list[str | None],
        owners: list[list[dict[str, Any]]],
        index: dict[Any, int],
    ) -> int:
        """A fast key not seen before: its representation, new or equal to one built."""
        rep: dict[str, Any] = {}
        slots = self.slots
        for j, name in enumerate(self.names):
            rep[name] = self._slot(t, fast, slots[j])
        typename = self._slot(t, fast, self.typename_slot) if self.typename_slot > -2 else None
        if self.has_rewrites:
            apply_value_setters([rep], self.rewrites, self.matcher)
            key: Any = dedupe_key(rep)
        else:  # the values hashed already (``fast``): the items tuple is the key
            key = tuple(rep.items())
        return add(rep, key, typename, obj, reps, typenames, owners, index)

    def _slow(
        self,
        obj: dict[str, Any],
        reps: list[dict[str, Any]],
        typenames: list[str | None],
        owners: list[list[dict[str, Any]]],
        index: dict[Any, int],
        other: dict[Any, int | None],
    ) -> None:
        one(self.builder, self.rewrites, self.matcher, obj, reps, typenames, owners, index, other)


def flat_fill(
    builder: RepBuilder, rewrites: Sequence[FetchRewrite], matcher: TypeMatcher
) -> FlatFill | None:
    """The loop of one entity fetch; None when its selection is not the usual one-type flat
    form (``rep_codegen``'s generic loop serves it)."""
    single = builder.single_fields
    if single is None:
        return None
    cond, fields = single
    return FlatFill(builder, rewrites, matcher, cond, fields)
