"""The subgraph SDL a composer consumes, and the ``_service`` field that serves it.

strawberry prints a federation schema with its runtime plumbing: the ``_entities`` and
``_service`` query fields and the ``_Any``, ``_Entity`` and ``_Service`` types. Those are
added by every subgraph library and are not part of the subgraph's own schema; Apollo's
subgraph libraries leave them out of ``_service.sdl``, and so do we. The schema
definition becomes ``extend schema @link(url: ".../federation/v2.x", import: [...])``,
the usual form of a Federation 2 subgraph SDL.
"""

from functools import cache
from typing import Final

import strawberry
from graphql import (
    DefinitionNode,
    DirectiveNode,
    DocumentNode,
    NullValueNode,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from strawberry.printer import print_schema
from strawberry.schema.base import BaseSchema

FEDERATION_VERSION: Final = "2.9"
"""The Federation 2 version the services link: the lowest with every directive used."""

_RUNTIME_FIELDS = frozenset({"_entities", "_service"})
_RUNTIME_TYPES = frozenset({"_Any", "_Entity", "_Service"})
_DEFAULT_ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}


@cache
def subgraph_sdl(schema: BaseSchema) -> str:
    """The subgraph SDL of a strawberry federation schema (ends with a newline)."""
    document = parse(print_schema(schema))
    header: list[SchemaExtensionNode] = []
    definitions: list[DefinitionNode] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            header.append(_as_schema_extension(definition))
        elif isinstance(definition, ObjectTypeDefinitionNode):
            if definition.name.value in _RUNTIME_TYPES:
                continue
            fields = tuple(
                field
                for field in definition.fields or ()
                if field.name.value not in _RUNTIME_FIELDS
            )
            if not fields:
                # A service that only adds fields to entities (no root fields of its own).
                continue
            definitions.append(
                ObjectTypeDefinitionNode(
                    description=definition.description,
                    name=definition.name,
                    interfaces=definition.interfaces,
                    directives=definition.directives,
                    fields=fields,
                )
            )
        elif getattr(getattr(definition, "name", None), "value", None) not in _RUNTIME_TYPES:
            definitions.append(definition)
    # (graphql-core types DocumentNode.definitions without the extension nodes.)
    parts = [print_ast(node) for node in header]
    body = visit(DocumentNode(definitions=tuple(definitions)), _WithoutNullListSizeArguments())
    parts.append(print_ast(body))
    return "\n\n".join(parts) + "\n"


class _WithoutNullListSizeArguments(Visitor):
    """strawberry prints every ``@listSize`` argument, unset ones as ``null``; the spec's
    arguments without a default mean the same left out, and Apollo's composition (2.14)
    fails on ``sizedFields: null``, so they are left out as Apollo's subgraph libraries do."""

    def enter_directive(self, node: DirectiveNode, *_: object) -> DirectiveNode | None:
        if node.name.value != "listSize":
            return None
        kept = tuple(
            argument
            for argument in node.arguments or ()
            if not (
                argument.name.value in _NO_DEFAULT and isinstance(argument.value, NullValueNode)
            )
        )
        return DirectiveNode(name=node.name, arguments=kept)


_NO_DEFAULT = frozenset({"assumedSize", "slicingArguments", "sizedFields"})


def _as_schema_extension(definition: SchemaDefinitionNode) -> SchemaExtensionNode:
    custom_roots = tuple(
        operation_type
        for operation_type in definition.operation_types
        if _DEFAULT_ROOT_NAMES[operation_type.operation.value] != operation_type.type.name.value
    )
    return SchemaExtensionNode(
        directives=definition.directives,
        operation_types=custom_roots,
    )


@strawberry.type(name="_Service", description="Federation: this subgraph's SDL.")
class ServiceSDL:
    sdl: str


@strawberry.type
class FederationQuery:
    """Base of every service's ``Query``: serves :func:`subgraph_sdl` as ``_service``."""

    @strawberry.field(name="_service")
    def service(self, info: strawberry.Info) -> ServiceSDL:
        return ServiceSDL(sdl=subgraph_sdl(info.schema))
