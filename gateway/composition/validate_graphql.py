"""INVALID_GRAPHQL: check a subgraph document against the GraphQL SDL rules.

Federation directives are declared (under the subgraph's local names) before validating, and
types that are only extended (``extend type Product`` in Federation 1) count as defined.
"""

from __future__ import annotations

from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    Node,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
    parse,
    validate_schema,
)
from graphql.validation.validate import validate_sdl

from .events_spec import EVENT_DIRECTIVES, definitions_sdl
from .links import CONNECT_URL, FEDERATION_URL, LinkInfo, link_args
from .model import CompositionError, Location, SubgraphSource
from .parse import location, root_renames

_SCALARS = "scalar fedgate__FieldSet scalar fedgate__Any scalar fedgate__Import\n"
_LOCS_ALL = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM"
    " | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
_AUTH_LOCS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"
DEFINITIONS = {
    "key": "(fields: fedgate__FieldSet!, resolvable: Boolean = true) repeatable on OBJECT"
    " | INTERFACE",
    "requires": "(fields: fedgate__FieldSet!) on FIELD_DEFINITION",
    "provides": "(fields: fedgate__FieldSet!) on FIELD_DEFINITION",
    "external": "(reason: String) on OBJECT | FIELD_DEFINITION",
    "tag": f"(name: String!) repeatable on {_LOCS_ALL} | SCHEMA",
    "extends": " on OBJECT | INTERFACE",
    "shareable": " repeatable on OBJECT | FIELD_DEFINITION",
    "inaccessible": f" on {_LOCS_ALL}",
    "override": "(from: String!, label: String) on FIELD_DEFINITION",
    "composeDirective": "(name: String!) repeatable on SCHEMA",
    "interfaceObject": " on OBJECT",
    "authenticated": f" on {_AUTH_LOCS}",
    "requiresScopes": f"(scopes: [[fedgate__Any!]!]!) on {_AUTH_LOCS}",
    "policy": f"(policies: [[fedgate__Any!]!]!) on {_AUTH_LOCS}",
    "context": "(name: String!) repeatable on INTERFACE | OBJECT | UNION",
    "fromContext": "(field: fedgate__Any) on ARGUMENT_DEFINITION",
    "cost": "(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION"
    " | INPUT_FIELD_DEFINITION | OBJECT | SCALAR",
    "listSize": "(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!],"
    " requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION",
    "cacheTag": "(format: String!) repeatable on OBJECT | FIELD_DEFINITION",
}
_LINK = (
    "directive @link(url: String, as: String, for: fedgate__Any, import: [fedgate__Import])"
    " repeatable on SCHEMA\n"
)

_EXTENSION_TO_DEFINITION: dict[type[Node], type[DefinitionNode]] = {
    ObjectTypeExtensionNode: ObjectTypeDefinitionNode,
    InterfaceTypeExtensionNode: InterfaceTypeDefinitionNode,
    UnionTypeExtensionNode: UnionTypeDefinitionNode,
    EnumTypeExtensionNode: EnumTypeDefinitionNode,
    InputObjectTypeExtensionNode: InputObjectTypeDefinitionNode,
    ScalarTypeExtensionNode: ScalarTypeDefinitionNode,
}


def prelude(link: LinkInfo) -> DocumentNode:
    lines = [_SCALARS, _LINK, definitions_sdl()]  # events: usable without a definition
    for local, canonical in sorted(link.names.items()):
        lines.append(f"directive @{local}{DEFINITIONS[canonical]}\n")
    return parse("".join(lines), no_location=True)


def _as_definition(node: TypeExtensionNode) -> DefinitionNode:
    target = _EXTENSION_TO_DEFINITION[type(node)]
    values = {k: getattr(node, k, None) for k in target.keys if k != "description"}
    definition = target(**values)
    assert isinstance(definition, DefinitionNode)
    return definition


def normalised_definitions(doc: DocumentNode, link: LinkInfo) -> list[DefinitionNode]:
    """Definitions to validate: federation directive definitions dropped (the prelude declares
    them), extension-only types defined. Federation types (``_Any``, ...) stay: a printed
    ``_service { sdl }`` may use them in ``_entities`` and ``_service``."""
    defined = {d.name.value for d in doc.definitions if isinstance(d, TypeDefinitionNode)}
    result: list[DefinitionNode] = []
    for node in doc.definitions:
        if isinstance(node, DirectiveDefinitionNode) and (
            node.name.value in link.names
            or node.name.value == "link"
            or node.name.value in EVENT_DIRECTIVES
        ):
            continue
        if isinstance(node, TypeExtensionNode) and node.name.value not in defined:
            defined.add(node.name.value)
            result.append(_as_definition(node))
            continue
        result.append(node)
    return result


def validate_document(
    source: SubgraphSource, doc: DocumentNode, link: LinkInfo
) -> list[CompositionError]:
    if any(code == "UNSUPPORTED_FEATURE" for code, _ in link.problems):
        # the feature's own directives would only add "Unknown directive" consequences
        return _link_errors(source, doc, link)
    definitions = normalised_definitions(doc, link)
    full = DocumentNode(definitions=(*prelude(link).definitions, *definitions))
    errors = []
    sdl_errors = validate_sdl(full)
    if not sdl_errors:
        sdl_errors = validate_schema(build_ast_schema(full, assume_valid_sdl=True))
    for err in sdl_errors:
        if err.message == "Query root type must be provided.":
            continue  # federation adds the query root (_entities, _service) to every subgraph
        locs = tuple(Location(source.origin, s.line, s.column) for s in err.locations or ())
        errors.append(
            CompositionError(
                code="INVALID_GRAPHQL",
                message=f"[{source.name}] {err.message}",
                subgraphs=(source.name,),
                locations=locs,
                fix=_fix_for(err.message),
            )
        )
    return errors + _link_errors(source, doc, link) + _root_errors(source, doc)


def _link_errors(
    source: SubgraphSource, doc: DocumentNode, link: LinkInfo
) -> list[CompositionError]:
    return [
        CompositionError(
            code=code,
            message=f"[{source.name}] {problem}",
            subgraphs=(source.name,),
            locations=(_link_location(source, doc, _LINK_URLS.get(code, FEDERATION_URL)),),
            fix=_LINK_FIXES.get(code, _LINK_FIX),
        )
        for code, problem in link.problems
    ]


_LINK_FIX = (
    "Link a federation version from v2.0 to v2.14 (at most the pinned `federation_version`) "
    "and import only directives that version defines."
)
_LINK_FIXES = {
    "UNSUPPORTED_FEATURE": "Remove the connect @link and its @connect/@source directives, and "
    "serve the subgraph as a GraphQL service.",
}


_LINK_URLS = {"UNSUPPORTED_FEATURE": CONNECT_URL}


def _link_location(source: SubgraphSource, doc: DocumentNode, url: str) -> Location:
    """Where the ``@link`` to ``url`` is (else the first ``@link``, else the top)."""
    links = [
        directive
        for node in doc.definitions
        if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode)
        for directive in node.directives or ()
        if directive.name.value == "link"
    ]
    named = [d for d in links if str(link_args(d).get("url", "")).startswith(url)]
    if named or links:
        return location((named or links)[0], source.origin)
    return Location(source.origin, 1, 1)


def _root_errors(source: SubgraphSource, doc: DocumentNode) -> list[CompositionError]:
    """ROOT_QUERY_USED (and mutation, subscription): a renamed root beside a default-named type."""
    defined = {d.name.value: d for d in doc.definitions if isinstance(d, TypeDefinitionNode)}
    errors = []
    for custom, default in root_renames(doc).items():
        if default in defined:
            operation = default.lower()
            errors.append(
                CompositionError(
                    code=f"ROOT_{default.upper()}_USED",
                    message=f'[{source.name}] The schema has a type named "{default}" but it is '
                    f'not set as the {operation} root type ("{custom}" is instead): this is not '
                    "supported by federation. If a root type does not use its default name, "
                    "there should be no other type with that default name.",
                    subgraphs=(source.name,),
                    element=default,
                    locations=(location(defined[default], source.origin),),
                    fix=f'Rename type "{default}", or use it as the {operation} root type.',
                )
            )
    return errors


def _fix_for(message: str) -> str:
    if message.startswith("Unknown directive"):
        return (
            "Import the directive in the federation @link (import: [...]), or define it in "
            "the subgraph."
        )
    if message.startswith("Unknown type"):
        return "Define the type in this subgraph or correct the type name."
    return "Correct the schema so that it is valid GraphQL SDL."
