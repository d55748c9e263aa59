"""Schema changes between two API schemas, split into breaking and safe ones for clients."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    find_breaking_changes,
    find_dangerous_changes,
    is_introspection_type,
)


@dataclass(frozen=True, slots=True)
class SchemaChange:
    kind: str  # e.g. FIELD_REMOVED, FIELD_ADDED
    description: str
    breaking: bool

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "description": self.description, "breaking": self.breaking}


def _field_names(t: GraphQLNamedType) -> set[str]:
    if isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
        return set(t.fields)
    return set()


def _additions(old: GraphQLSchema, new: GraphQLSchema) -> list[SchemaChange]:
    changes = []
    for name, new_type in sorted(new.type_map.items()):
        if is_introspection_type(new_type):
            continue
        old_type = old.type_map.get(name)
        if old_type is None:
            changes.append(SchemaChange("TYPE_ADDED", f"{name} was added.", False))
            continue
        for field_name in sorted(_field_names(new_type) - _field_names(old_type)):
            changes.append(SchemaChange("FIELD_ADDED", f"{name}.{field_name} was added.", False))
    return changes


def schema_changes(old: GraphQLSchema, new: GraphQLSchema) -> list[SchemaChange]:
    """Breaking changes first, then safe ones (additions and dangerous-but-compatible)."""
    breaking = [
        SchemaChange(c.type.name, c.description, True) for c in find_breaking_changes(old, new)
    ]
    dangerous = [
        SchemaChange(c.type.name, c.description, False) for c in find_dangerous_changes(old, new)
    ]
    return breaking + dangerous + _additions(old, new)
