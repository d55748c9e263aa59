"""``... on T`` tests on response data: does an object's ``__typename`` satisfy a type condition?"""

from __future__ import annotations

from collections.abc import Mapping

from graphql import GraphQLObjectType, GraphQLSchema, is_abstract_type

from ..supergraph.model import Supergraph

__all__ = ["TypeMatcher", "hidden_types"]


class TypeMatcher:
    """Answers ``matches(typename, condition)`` from the API schema, memoised.

    Types missing from the API schema (``@inaccessible`` ones, which subgraphs still return
    and plans still name) are looked up in ``hidden``: the object types of each abstract type
    as the supergraph has them (``possible_types``). A subgraph's ``Comic`` is a ``Printed``
    even where the API schema does not show ``Comic``: a representation or a path must see it
    so (shaping decides separately what the client may see). Without ``hidden`` they match
    only themselves.
    """

    __slots__ = ("_cache", "_hidden", "_schema")

    def __init__(
        self, schema: GraphQLSchema, hidden: Mapping[str, frozenset[str]] | None = None
    ) -> None:
        self._schema = schema
        self._hidden = hidden or {}
        self._cache: dict[tuple[object, str], bool] = {}

    def matches(self, typename: object, condition: str) -> bool:
        if typename == condition:
            return True
        key = (typename, condition)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._compute(typename, condition)
            self._cache[key] = hit
        return hit

    def _compute(self, typename: object, condition: str) -> bool:
        if not isinstance(typename, str):
            return False
        cond = self._schema.type_map.get(condition)
        obj = self._schema.type_map.get(typename)
        if cond is None or obj is None:
            return typename in self._hidden.get(condition, ())
        if cond is None or not is_abstract_type(cond) or not isinstance(obj, GraphQLObjectType):
            return False
        return self._schema.is_sub_type(cond, obj)


def hidden_types(supergraph: Supergraph) -> dict[str, frozenset[str]]:
    """The object types of every abstract type, @inaccessible ones included (for ``hidden``)."""
    out: dict[str, frozenset[str]] = {}
    for t in supergraph.types.values():
        if t.kind == "UNION":
            out[t.name] = frozenset(t.members)
        elif t.kind == "INTERFACE":
            out[t.name] = frozenset(supergraph.implementations.get(t.name, ()))
    return out
