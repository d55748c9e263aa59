"""Definitions of the core features (link, join, tag, ...) printed into the supergraph."""

from __future__ import annotations

from .events_spec import EVENT_DIRECTIVES, EVENTS_URL

ALL_LOCATIONS = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM"
    " | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
AUTH_LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"

LINK_DIRECTIVES = {
    "link": "directive @link(url: String, as: String, for: link__Purpose, import: "
    "[link__Import]) repeatable on SCHEMA",
}
LINK_TYPES = {
    "link__Import": "scalar link__Import",
    "link__Purpose": '''enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}''',
}

#: feature -> (link url, purpose, directive definitions, type definitions)
FEATURES: dict[str, tuple[str, str | None, dict[str, str], dict[str, str]]] = {
    "tag": (
        "https://specs.apollo.dev/tag/v0.3",
        None,
        {"tag": f"directive @tag(name: String!) repeatable on {ALL_LOCATIONS} | SCHEMA"},
        {},
    ),
    "inaccessible": (
        "https://specs.apollo.dev/inaccessible/v0.2",
        "SECURITY",
        {"inaccessible": f"directive @inaccessible on {ALL_LOCATIONS}"},
        {},
    ),
    "authenticated": (
        "https://specs.apollo.dev/authenticated/v0.1",
        "SECURITY",
        {"authenticated": f"directive @authenticated on {AUTH_LOCATIONS}"},
        {},
    ),
    "requiresScopes": (
        "https://specs.apollo.dev/requiresScopes/v0.1",
        "SECURITY",
        {
            "requiresScopes": "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!)"
            f" on {AUTH_LOCATIONS}"
        },
        {"requiresScopes__Scope": "scalar requiresScopes__Scope"},
    ),
    "policy": (
        "https://specs.apollo.dev/policy/v0.1",
        "SECURITY",
        {"policy": f"directive @policy(policies: [[policy__Policy!]!]!) on {AUTH_LOCATIONS}"},
        {"policy__Policy": "scalar policy__Policy"},
    ),
    "cost": (
        "https://specs.apollo.dev/cost/v0.1",
        None,
        {
            "cost": "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | "
            "FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR",
            "listSize": "directive @listSize(assumedSize: Int, slicingArguments: [String!], "
            "sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on "
            "FIELD_DEFINITION",
        },
        {},
    ),
}
FEATURES["context"] = (
    "https://specs.apollo.dev/context/v0.1",
    "SECURITY",
    {
        "context": "directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION",
        "context__fromContext": "directive @context__fromContext(field: "
        "context__ContextFieldValue) on ARGUMENT_DEFINITION",
    },
    {"context__ContextFieldValue": "scalar context__ContextFieldValue"},
)
# @cacheTag reaches the supergraph as @join__directive: its link comes without definitions.
FEATURES["cacheTag"] = ("https://specs.apollo.dev/cacheTag/v0.1", "EXECUTION", {}, {})
FEATURE_ORDER = (
    "tag",
    "inaccessible",
    "authenticated",
    "requiresScopes",
    "policy",
    "context",
    "cost",
    "cacheTag",
)


def join_version(max_version: tuple[int, int]) -> tuple[int, int]:
    if max_version >= (2, 8):
        return (0, 5)
    if max_version >= (2, 7):
        return (0, 4)
    return (0, 3)


def join_definitions(version: tuple[int, int]) -> tuple[dict[str, str], dict[str, str]]:
    field_args = (
        "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, "
        "external: Boolean, override: String, usedOverridden: Boolean"
    )
    if version >= (0, 4):
        field_args += ", overrideLabel: String"
    if version >= (0, 5):
        field_args += ", contextArguments: [join__ContextArgument!]"
    directives = {
        "join__enumValue": "directive @join__enumValue(graph: join__Graph!) repeatable on "
        "ENUM_VALUE",
        "join__field": f"directive @join__field({field_args}) repeatable on FIELD_DEFINITION | "
        "INPUT_FIELD_DEFINITION",
        "join__graph": "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
        "join__implements": "directive @join__implements(graph: join__Graph!, interface: "
        "String!) repeatable on OBJECT | INTERFACE",
        "join__type": "directive @join__type(graph: join__Graph!, key: join__FieldSet, "
        "extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: "
        "Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | "
        "SCALAR",
        "join__unionMember": "directive @join__unionMember(graph: join__Graph!, member: "
        "String!) repeatable on UNION",
    }
    types = {"join__FieldSet": "scalar join__FieldSet"}
    if version >= (0, 4):
        directives["join__directive"] = (
            "directive @join__directive(graphs: [join__Graph!], name: String!, args: "
            "join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | "
            "FIELD_DEFINITION"
        )
        types["join__DirectiveArguments"] = "scalar join__DirectiveArguments"
    if version >= (0, 5):
        types["join__FieldValue"] = "scalar join__FieldValue"
        types["join__ContextArgument"] = (
            "input join__ContextArgument {\n  name: String!\n  type: String!\n"
            "  context: String!\n  selection: join__FieldValue!\n}"
        )
    return directives, types


FEATURES["events"] = (
    EVENTS_URL,
    "EXECUTION",
    {name: f"directive @{name}{text}" for name, text in EVENT_DIRECTIVES.items()},
    {},
)
