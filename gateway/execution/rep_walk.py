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
from typing import Any, Final

from gateway.planner.plan import FetchRewrite

from .rep_codegen import dedupe_key, one
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
        # per field: its key in the object ("" for __typename: the condition's type name)
        self.keys: list[str] = ["" if key == _TYPENAME else key for _, key, _ in fields]
        self.varying: list[int] = [i for i, (_, key, _) in enumerate(fields) if key != _TYPENAME]
        # the one key field of the usual selection (__typename and an id): no list per object
        self.only: str = fields[self.varying[0]][1] if len(self.varying) == 1 else ""
        self.one_varying = len(self.varying) == 1
        names = [name for name, _, _ in fields]
        identifies = len(set(names)) > 1 or names[0] != _TYPENAME
        # a null where the schema does not allow it, or nothing but __typename: none
        self.never = not identifies
        self.non_null: list[int] = [i for i, (_, _, ok) in enumerate(fields) if not ok]
        # the representation: the last of a repeated name, as the generated dict display
        last = {name: i for i, name in enumerate(names)}
        self.names: list[str] = list(last)
        self.sources: list[int] = list(last.values())
        self.typename_at = last.get(_TYPENAME, -1)

    def __call__(
        self,
        values: list[Any],
        reps: list[dict[str, Any]],
        typenames: list[str | None],
        owners: list[list[dict[str, Any]]],
        index: dict[Any, int],
        seen: dict[Any, int | None],
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
        seen: dict[Any, int | None],
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
            found: list[Any] | None = None
            if self.one_varying:
                fast: Any = obj.get(self.only, _UNSEEN)
                if fast is _UNSEEN:
                    self._slow(obj, reps, typenames, owners, index, other)
                    continue
            else:
                found = self._values(obj, t)
                if found is None:
                    self._slow(obj, reps, typenames, owners, index, other)
                    continue
                fast = tuple([found[i] for i in self.varying])
            try:
                known = seen.get(fast, _UNSEEN)
            except TypeError:  # an unhashable key value
                self._slow(obj, reps, typenames, owners, index, other)
                continue
            if known is not _UNSEEN:
                if known is not None:
                    owners[known].append(obj)
                continue
            vals = [t, fast] if found is None else found
            if self._no_rep(vals):
                seen[fast] = None
                continue
            self._new(obj, vals, fast, reps, typenames, owners, index, seen)

    def _values(self, obj: dict[str, Any], t: str) -> list[Any] | None:
        """Each field's value (the type name for __typename), None when one is missing."""
        out: list[Any] = []
        for key in self.keys:
            if not key:
                out.append(t)
                continue
            v = obj.get(key, _UNSEEN)
            if v is _UNSEEN:
                return None
            out.append(v)
        return out

    def _value(self, vals: list[Any], i: int) -> Any:
        """Field ``i``'s value: ``vals`` is [type name, the one key value] or every field's."""
        if not self.one_varying:
            return vals[i]
        return vals[0] if not self.keys[i] else vals[1]

    def _no_rep(self, vals: list[Any]) -> bool:
        if self.never:
            return True
        return any(self._value(vals, i) is None for i in self.non_null)

    def _new(
        self,
        obj: dict[str, Any],
        vals: list[Any],
        fast: Any,
        reps: list[dict[str, Any]],
        typenames: list[str | None],
        owners: list[list[dict[str, Any]]],
        index: dict[Any, int],
        seen: dict[Any, int | None],
    ) -> None:
        """A fast key not seen before: its representation, new or equal to one built."""
        rep: dict[str, Any] = {}
        sources = self.sources
        for j, name in enumerate(self.names):
            rep[name] = self._value(vals, sources[j])
        typename = self._value(vals, self.typename_at) if self.typename_at >= 0 else None
        if self.has_rewrites:
            apply_value_setters([rep], self.rewrites, self.matcher)
            key: Any = dedupe_key(rep)
        else:  # the values hashed already (``fast``): the items tuple is the key
            key = tuple(rep.items())
        i = index.get(key)
        if i is None:
            i = len(reps)
            index[key] = i
            reps.append(rep)
            typenames.append(typename if isinstance(typename, str) else None)
            owners.append([obj])
        else:
            owners[i].append(obj)
        seen[fast] = i

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
