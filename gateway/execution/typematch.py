"""``... on T`` tests on response data: does an object's ``__typename`` satisfy a type condition?"""

from __future__ import annotations

from graphql import GraphQLObjectType, GraphQLSchema, is_abstract_type

__all__ = ["TypeMatcher"]


class TypeMatcher:
    """Answers ``matches(typename, condition)`` from the API schema, memoised.

    Types missing from the API schema (e.g. ``@inaccessible`` ones a plan may still name) only
    match themselves.
    """

    __slots__ = ("_cache", "_schema")

    def __init__(self, schema: GraphQLSchema) -> None:
        self._schema = schema
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
        if cond is None or not is_abstract_type(cond) or not isinstance(obj, GraphQLObjectType):
            return False
        return self._schema.is_sub_type(cond, obj)
