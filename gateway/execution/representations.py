"""Entity fetch inputs and outputs: collecting objects at a Flatten path, building
representations from a ``requires`` selection, and the plan's input/output rewrites."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, assert_never

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from gateway.planner.plan import (
    FetchRewrite,
    KeyRenamer,
    ReqField,
    ReqFragment,
    ReqSelection,
    ValueSetter,
)

from .merge import deep_merge
from .typematch import TypeMatcher
from .walked import Walked, prefix_key

__all__ = [
    "RepBuilder",
    "ResponsePath",
    "apply_output_rewrites",
    "apply_value_setters",
    "collect_object_list",
    "collect_objects",
    "collect_values",
    "flatten_list",
]

ResponsePath = tuple[str | int, ...]
_ON = "... on "


def collect_object_list(
    data: Any,
    path: Sequence[str],
    matcher: TypeMatcher,
    memo: Walked | None = None,
) -> list[Any]:
    """The objects at ``path`` (the hot path: no response paths; see ``collect_objects``).

    ``memo`` keeps the values at each path prefix walked, for the next fetches at those
    paths (the entries of a batch, the fetches of a wave and of the next); the caller drops
    the prefixes a merge changes (``walked.py``)."""
    out: list[Any] = []
    flatten_list(collect_values(data, path, matcher, memo), out)
    return out


def collect_values(
    data: Any,
    path: Sequence[str],
    matcher: TypeMatcher,
    memo: Walked | None = None,
) -> list[Any]:
    """The values at ``path`` before lists at its end are flattened (``collect_object_list``
    keeps their dicts): what a generated representation loop (``rep_codegen.py``) walks."""
    steps = _steps(tuple(path))
    start = len(steps)
    current: list[Any] | None = None
    if memo is not None:
        while start:  # the longest prefix walked already
            current = memo.get(steps[start - 1][2])
            if current is not None:
                break
            start -= 1
    if current is None:
        current, start = [data], 0
    for kind, element, prefix in steps[start:]:
        if kind is _ITEMS:
            current = [v for value in current if type(value) is list for v in value]
        elif kind is _TYPE:
            current = [
                v
                for v in current
                if type(v) is dict and matcher.matches(v.get("__typename"), element)
            ]
        else:
            current = [v[element] for v in current if type(v) is dict and element in v]
        if memo is not None:
            memo[prefix] = current
    return current


_ITEMS, _TYPE, _KEY = "@", "on", "key"  # the kinds of path element (compared by identity)
_Step = tuple[str, str, str]


@lru_cache(maxsize=4096)
def _steps(path: tuple[str, ...]) -> tuple[_Step, ...]:
    """Per element of a fetch path (a bounded set: the plans'): its kind, the key or type
    condition it names, and the ``prefix_key`` through it (``collect_values``'s memo key),
    made once rather than sliced, joined and parsed per walk."""
    steps: list[_Step] = []
    for depth, element in enumerate(path):
        if element == "@":
            steps.append((_ITEMS, element, prefix_key(path[: depth + 1])))
        elif element.startswith(_ON):
            steps.append((_TYPE, element[len(_ON) :], prefix_key(path[: depth + 1])))
        else:
            steps.append((_KEY, element, prefix_key(path[: depth + 1])))
    return tuple(steps)


def flatten_list(values: list[Any], out: list[Any]) -> None:
    for value in values:
        if type(value) is dict:
            out.append(value)
        elif type(value) is list:
            flatten_list(value, out)


def collect_objects(
    data: Any, path: Sequence[str], matcher: TypeMatcher
) -> list[tuple[dict[str, Any], ResponsePath]]:
    """The objects at ``path`` with their response paths; nulls and missing values skipped."""
    current: list[tuple[Any, ResponsePath]] = [(data, ())]
    for element in path:
        found: list[tuple[Any, ResponsePath]] = []
        if element == "@":
            for value, at in current:
                if isinstance(value, list):
                    found.extend((v, (*at, i)) for i, v in enumerate(value) if v is not None)
        elif element.startswith(_ON):
            cond = element[len(_ON) :]
            found = [
                (v, at)
                for v, at in current
                if isinstance(v, dict) and matcher.matches(v.get("__typename"), cond)
            ]
        else:
            for value, at in current:
                if isinstance(value, dict):
                    child = value.get(element)
                    if child is not None:
                        found.append((child, (*at, element)))
        current = found
    out: list[tuple[dict[str, Any], ResponsePath]] = []
    _flatten_objects(current, out)
    return out


def _flatten_objects(
    values: list[tuple[Any, ResponsePath]], out: list[tuple[dict[str, Any], ResponsePath]]
) -> None:
    # A path may stop at a list field without a trailing "@": its items are the objects.
    for value, at in values:
        if isinstance(value, dict):
            out.append((value, at))
        elif isinstance(value, list):
            _flatten_objects([(v, (*at, i)) for i, v in enumerate(value) if v is not None], out)


@dataclass(frozen=True, slots=True)
class _RField:
    name: str
    key: str
    null_ok: bool
    sub: _RSel | None


@dataclass(frozen=True, slots=True)
class _RSel:
    fields: tuple[_RField, ...]
    fragments: tuple[tuple[str, _RSel], ...]


class RepBuilder:
    """Builds one representation per object from a fetch's ``requires`` selection.

    Precomputed once per plan. An object yields no representation when its type matches no
    fragment or a field is null where the API schema does not allow null (a null key means the
    parent is broken; asking the subgraph would be wrong). A field missing from the object is
    left out of the representation, as Apollo and Hive leave it out: one fetch serves several
    selections of the same field, and a selection skipped by ``@skip``/``@include`` did not
    fetch the fields only it required (the other selections' fields still have to be asked).
    """

    __slots__ = ("_flat", "_matcher", "_sel", "single", "single_fields")

    def __init__(
        self, requires: Sequence[ReqSelection], schema: GraphQLSchema, matcher: TypeMatcher
    ) -> None:
        self._matcher = matcher
        self._sel = _compile(requires, schema, None)
        self._flat = _flat_form(self._sel)
        # (type name, getter of its key values) for the usual one-entity-type flat form: the
        # executor's loop over a fetch's objects computes ``flat_key`` inline with it
        self.single = self._single_getter(self._flat)
        # the same case's (type name, its (name, response key, null allowed) fields): what
        # ``rep_codegen.py`` generates a loop for
        self.single_fields = self._flat[0] if self.single is not None and self._flat else None

    def build(self, obj: dict[str, Any]) -> dict[str, Any] | None:
        if self._flat is not None:
            return self._build_flat(self._flat, obj)
        rep: dict[str, Any] = {}
        if not self._fill(self._sel, obj, rep) or not _identifies(rep):
            return None
        return rep

    def flat_key(self, obj: dict[str, Any]) -> tuple[Any, ...] | None:
        """For the usual flat representations: a hashable key equal for objects whose
        representations are equal, computed without building the representation (most
        objects of a fetch repeat a representation already seen). None: no key this way
        (use ``build``)."""
        flat = self._flat
        if flat is None:
            return None
        typename = obj.get("__typename")
        single = self.single
        if single is not None and typename == single[0]:
            # the usual case: one entity type, its key fields read in one C call
            try:
                found: tuple[Any, ...] = (typename, single[1](obj))
                hash(found)
            except (KeyError, TypeError):
                return None
            return found
        values: list[Any] = [typename]
        for cond, fields in flat:
            if typename != cond and not self._matcher.matches(typename, cond):
                continue
            values.append(cond)
            for _, response_key, _null_ok in fields:
                values.append(obj.get(response_key, _MISSING))
        found = tuple(values)
        try:
            hash(found)
        except TypeError:
            return None
        return found

    @staticmethod
    def _single_getter(flat: _Flat | None) -> tuple[str, Callable[[Any], Any]] | None:
        """(type, getter of its representation's values) for a one-type flat selection."""
        if flat is None or len(flat) != 1 or not flat[0][1]:
            return None
        cond, fields = flat[0]
        return cond, itemgetter(*(key for _, key, _null_ok in fields))

    def _build_flat(self, flat: _Flat, obj: dict[str, Any]) -> dict[str, Any] | None:
        # Same result as the general walk for the usual ``... on T { __typename id }`` keys,
        # without its recursion: this runs once per object of every entity fetch.
        typename = obj.get("__typename")
        rep: dict[str, Any] = {}
        for cond, fields in flat:
            if typename != cond and not self._matcher.matches(typename, cond):
                continue
            for name, key, null_ok in fields:
                value = obj.get(key, _MISSING)
                if value is None:
                    if not null_ok:
                        return None
                elif value is _MISSING:
                    continue
                rep[name] = value
        # _identifies, inlined: this is the hot path
        return rep if len(rep) > 1 or (rep and "__typename" not in rep) else None

    def _fill(self, sel: _RSel, obj: dict[str, Any], rep: dict[str, Any]) -> bool:
        for f in sel.fields:
            value = obj.get(f.key, _MISSING)
            if value is _MISSING:
                continue
            if value is None:
                if not f.null_ok:
                    return False
            elif f.sub is not None:
                value = self._sub(f.sub, value)
                if value is None:
                    return False
            rep[f.name] = value
        if sel.fragments:
            typename = obj.get("__typename")
            for cond, fsel in sel.fragments:
                if self._matcher.matches(typename, cond) and not self._fill(fsel, obj, rep):
                    return False
        return True

    def _sub(self, sel: _RSel, value: Any) -> Any:
        if isinstance(value, list):
            items = []
            for v in value:
                item = None if v is None else self._sub(sel, v)
                if item is None and v is not None:
                    return None
                items.append(item)
            return items
        if not isinstance(value, dict):
            return None
        rep: dict[str, Any] = {}
        return rep if self._fill(sel, value, rep) else None


def _identifies(rep: dict[str, Any]) -> bool:
    """Whether a representation holds more than ``__typename`` (without any key field it
    names no entity: the object is broken, e.g. its key fetch failed)."""
    return len(rep) > 1 or (len(rep) == 1 and "__typename" not in rep)


_MISSING: Any = object()
_Flat = tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...]


def _flat_form(sel: _RSel) -> _Flat | None:
    """``sel`` as (type condition, leaf fields) pairs when it is only fragments of leaves."""
    if sel.fields:
        return None
    for _, sub in sel.fragments:
        if sub.fragments or any(f.sub is not None for f in sub.fields):
            return None
    return tuple(
        (cond, tuple((f.name, f.key, f.null_ok) for f in sub.fields)) for cond, sub in sel.fragments
    )


def _compile(
    selections: Sequence[ReqSelection], schema: GraphQLSchema, parent: str | None
) -> _RSel:
    fields: list[_RField] = []
    fragments: list[tuple[str, _RSel]] = []
    for sel in selections:
        match sel:
            case ReqField(name=name, response_key=key, selections=sub):
                field = _field_def(schema, parent, name)
                null_ok = field is not None and not isinstance(field.type, GraphQLNonNull)
                child = get_named_type(field.type).name if field is not None else None
                compiled = _compile(sub, schema, child) if sub else None
                fields.append(_RField(name, key, null_ok, compiled))
            case ReqFragment(type_condition=cond, selections=sub):
                fragments.append((cond, _compile(sub, schema, cond)))
            case _:
                assert_never(sel)
    return _RSel(tuple(fields), tuple(fragments))


def _field_def(schema: GraphQLSchema, parent: str | None, name: str) -> GraphQLField | None:
    if parent is None or name == "__typename":
        return None
    t = schema.type_map.get(parent)
    if isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
        field: GraphQLField | None = t.fields.get(name)
        return field
    return None


def apply_value_setters(
    reps: list[dict[str, Any]], rewrites: Sequence[FetchRewrite], matcher: TypeMatcher
) -> None:
    """Input rewrites, e.g. ``__typename`` set to an interface name for ``... on T`` reps."""
    for rw in rewrites:
        match rw:
            case ValueSetter(path=path, set_value_to=value):
                for rep in reps:
                    _set_at(rep, path, value, matcher)
            case KeyRenamer():
                pass  # renames only apply to fetched data
            case _:
                assert_never(rw)


def apply_output_rewrites(
    data: dict[str, Any],
    rewrites: Sequence[FetchRewrite],
    matcher: TypeMatcher,
    typename: str | None = None,
) -> None:
    """Output rewrites on one fetched object (an ``_entities`` item or a root ``data``).

    ``typename`` stands in for the object's ``__typename`` when the fetch did not select it
    (an entity's type is known from its representation).
    """
    for rw in rewrites:
        match rw:
            case KeyRenamer(path=path, rename_key_to=new_key):
                if path:
                    for obj in _walk(data, path[:-1], matcher, typename):
                        if path[-1] in obj:
                            _rename(obj, path[-1], new_key)
            case ValueSetter():
                pass  # setters only apply to representations
            case _:
                assert_never(rw)


def _rename(obj: dict[str, Any], old: str, new: str) -> None:
    """Move ``obj[old]`` to ``new``; where another selection already filled ``new`` (the
    same field through another fragment), both are that field's value: merged, not replaced."""
    deep_merge(obj, {new: obj.pop(old)})


def _set_at(rep: dict[str, Any], path: Sequence[str], value: str, matcher: TypeMatcher) -> None:
    if path:
        for obj in _walk(rep, path[:-1], matcher):
            obj[path[-1]] = value


def _walk(
    data: Any, path: Sequence[str], matcher: TypeMatcher, typename: str | None = None
) -> list[dict[str, Any]]:
    """Objects reached from ``data`` along ``path`` (``... on T`` filters, lists fan out)."""
    current = _objects(data)
    for depth, element in enumerate(path):
        if element.startswith(_ON):
            cond = element[len(_ON) :]
            fallback = typename if depth == 0 else None
            current = [o for o in current if matcher.matches(o.get("__typename", fallback), cond)]
        else:
            current = [o for v in current for o in _objects(v.get(element))]
    return current


def _objects(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [o for v in value for o in _objects(v)]
    return []
