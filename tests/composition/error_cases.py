"""One failing composition per error code: (code, subgraph SDLs, expected message fragment).

``tests/composition/test_errors.py`` checks fedgate reports each; ``test_apollo_parity.py``
checks (when Node and @apollo/composition are available) that Apollo reports the same code.
"""

from __future__ import annotations

from dataclasses import dataclass

from .helpers import fed2

F28 = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.8", '
ENTITY = 'type Query { p: P }\ntype P @key(fields: "id") { id: ID! name: String }\n'


@dataclass(frozen=True)
class Case:
    code: str
    sdls: dict[str, str]
    message: str
    apollo: bool = True  # False: fedgate-only check (Apollo reports it differently or not at all)


CASES = [
    Case("INVALID_GRAPHQL", {"a": "type Query { a: }"}, "[a] Syntax Error: Expected Name, found"),
    Case(
        "INVALID_GRAPHQL",
        {"a": fed2("type Query { a: Missing }")},
        "[a] Unknown type 'Missing'.",
    ),
    Case(
        "INVALID_GRAPHQL",
        {
            "a": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
            'import: ["@key"])\ntype Query { a: Int @shareable }'
        },
        "[a] Unknown directive '@shareable'.",
    ),
    Case(
        "INVALID_LINK_DIRECTIVE_USAGE",
        {
            "a": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", '
            'import: ["@key", "@interfaceObject"])\ntype Query { a: Int }'
        },
        'Cannot import unknown element "@interfaceObject"',
    ),
    Case(
        "INVALID_FIELD_SHARING",
        {"a": fed2(ENTITY), "b": fed2('type P @key(fields: "id") { id: ID! name: String }')},
        'Non-shareable field "P.name" is resolved from multiple subgraphs: it is resolved from '
        'subgraphs "a" and "b" and defined as non-shareable in all of them',
    ),
    Case(
        "FIELD_TYPE_MISMATCH",
        {
            "a": fed2("type Query { a: T } type T { x: Int @shareable }"),
            "b": fed2("type Query { b: T } type T { x: String @shareable }"),
        },
        'Type of field "T.x" is incompatible across subgraphs: it has type "Int" in subgraph "a" '
        'but type "String" in subgraph "b"',
    ),
    Case(
        "FIELD_ARGUMENT_TYPE_MISMATCH",
        {
            "a": fed2("type Query { a(x: Int): Int @shareable }"),
            "b": fed2("type Query { a(x: String): Int @shareable }"),
        },
        'Type of argument "Query.a(x:)" is incompatible across subgraphs: it has type "Int" in '
        'subgraph "a" but type "String" in subgraph "b"',
    ),
    Case(
        "TYPE_KIND_MISMATCH",
        {
            "a": fed2("type Query { a: T } type T { x: Int }"),
            "b": fed2("type Query { b: T } interface T { x: Int }"),
        },
        'Type "T" has mismatched kind: it is defined as Object Type in subgraph "a" but '
        'Interface Type in subgraph "b"',
    ),
    Case(
        "KEY_INVALID_FIELDS",
        {"a": fed2('type Query { p: P } type P @key(fields: "nope") { id: ID! }')},
        'On type "P", for @key(fields: "nope"): Cannot query field "nope" on type "P"',
    ),
    Case(
        "KEY_FIELDS_SELECT_INVALID_TYPE",
        {"a": fed2('type Query { p: P } type P @key(fields: "i") { i: I } interface I { x: ID }')},
        'On type "P", for @key(fields: "i"): field "P.i" is a Interface type which is not '
        "allowed in @key",
    ),
    Case(
        "KEY_FIELDS_HAS_ARGS",
        {"a": fed2('type Query { p: P } type P @key(fields: "id") { id(x: Int): ID! }')},
        'On type "P", for @key(fields: "id"): field P.id cannot be included because it has '
        "arguments (fields with argument are not allowed in @key)",
    ),
    Case(
        "KEY_DIRECTIVE_IN_FIELDS_ARG",
        {"a": fed2('type Query { p: P } type P @key(fields: "id @skip(if: true)") { id: ID! }')},
        'On type "P", for @key(fields: "id @skip(if: true)"): cannot have directive '
        "applications in the @key(fields:) argument but found @skip(if: true).",
    ),
    Case(
        "KEY_UNSUPPORTED_ON_INTERFACE",
        {
            "a": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.2", '
            'import: ["@key"])\ntype Query { i: I } interface I @key(fields: "id") { id: ID! }'
            ' type T implements I @key(fields: "id") { id: ID! }'
        },
        'Cannot use @key on interface "I"',
    ),
    Case(
        "EXTERNAL_UNUSED",
        {
            "a": fed2(ENTITY),
            "b": fed2('type P @key(fields: "id") { id: ID! name: String @external }'),
        },
        'Field "P.name" is marked @external but is not used in any federation directive',
    ),
    Case(
        "EXTERNAL_MISSING_ON_BASE",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! color: String @external '
                'label: String @requires(fields: "color") }'
            ),
        },
        'Field "P.color" is marked @external on all the subgraphs in which it is listed '
        '(subgraph "b").',
    ),
    Case(
        "EXTERNAL_TYPE_MISMATCH",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! name: Int @external '
                'label: String @requires(fields: "name") }'
            ),
        },
        'Type of field "P.name" is incompatible across subgraphs (where marked @external): it '
        'has type "String" in subgraph "a" but type "Int" in subgraph "b"',
    ),
    Case(
        "EXTERNAL_ON_INTERFACE",
        {
            "a": fed2(
                "type Query { i: I } interface I { x: Int @external } type T implements I { x: "
                "Int }"
            )
        },
        'Interface type field "I.x" is marked @external but @external is not allowed on '
        "interface fields.",
    ),
    Case(
        "REQUIRES_FIELDS_MISSING_EXTERNAL",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! weight: Int '
                'ship: Int @requires(fields: "weight") }'
            ),
        },
        'On field "P.ship", for @requires(fields: "weight"): field "P.weight" should not be part '
        "of a @requires since it is already provided by this subgraph (it is not marked "
        "@external)",
    ),
    Case(
        "REQUIRES_INVALID_FIELDS",
        {
            "a": fed2(ENTITY),
            "b": fed2('type P @key(fields: "id") { id: ID! ship: Int @requires(fields: "nope") }'),
        },
        'On field "P.ship", for @requires(fields: "nope"): Cannot query field "nope" on type "P"',
    ),
    Case(
        "PROVIDES_FIELDS_HAS_ARGS",
        {
            "a": fed2('type Query { p: P } type P @key(fields: "id") { id: ID! w(u: Int): Int }'),
            "b": fed2(
                'type Query { q: P @provides(fields: "w") } '
                'type P @key(fields: "id") { id: ID! w(u: Int): Int @external }'
            ),
        },
        'On field "Query.q", for @provides(fields: "w"): field P.w cannot be included because '
        "it has arguments (fields with argument are not allowed in @provides)",
    ),
    Case(
        "REQUIRES_DIRECTIVE_IN_FIELDS_ARG",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! name: String @external '
                'x: Int @requires(fields: "name @include(if: true)") }'
            ),
        },
        'On field "P.x", for @requires(fields: "name @include(if: true)"): cannot have directive '
        "applications in the @requires(fields:) argument but found @include(if: true).",
    ),
    Case(
        "PROVIDES_DIRECTIVE_IN_FIELDS_ARG",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type Query { q: P @provides(fields: "name @include(if: true)") } '
                'type P @key(fields: "id") { id: ID! name: String @external }'
            ),
        },
        'On field "Query.q", for @provides(fields: "name @include(if: true)"): cannot have '
        "directive applications in the @provides(fields:) argument but found @include(if: true).",
    ),
    Case(
        "REQUIRES_UNSUPPORTED_ON_INTERFACE",
        {
            "a": fed2(
                'type Query { i: I } interface I { x: Int @requires(fields: "y") y: Int } '
                "type T implements I { x: Int y: Int }"
            )
        },
        'Cannot use @requires on field "I.x" of parent type "I"',
    ),
    Case(
        "PROVIDES_FIELDS_MISSING_EXTERNAL",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type Query { q: P @provides(fields: "name") } '
                'type P @key(fields: "id") { id: ID! name: String @shareable }'
            ),
        },
        'On field "Query.q", for @provides(fields: "name"): field "P.name" should not be part of '
        "a @provides since it is already provided by this subgraph (it is not marked @external)",
    ),
    Case(
        "PROVIDES_INVALID_FIELDS",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type Query { q: P @provides(fields: "nope") } type P @key(fields: "id") { id: '
                "ID! }"
            ),
        },
        'On field "Query.q", for @provides(fields: "nope"): Cannot query field "nope" on type "P"',
    ),
    Case(
        "PROVIDES_ON_NON_OBJECT_FIELD",
        {"a": fed2('type Query { q: Int @provides(fields: "x") }')},
        'Invalid @provides directive on field "Query.q": field has type "Int" which is not a '
        "Composite Type",
    ),
    Case(
        "PROVIDES_UNSUPPORTED_ON_INTERFACE",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type Query { i: I } interface I { p: P @provides(fields: "name") } '
                'type T implements I { p: P } type P @key(fields: "id") '
                "{ id: ID! name: String @external }"
            ),
        },
        'Cannot use @provides on field "I.p" of parent type "I"',
    ),
    Case(
        "OVERRIDE_FROM_SELF_ERROR",
        {
            "a": fed2(
                'type Query { p: P } type P @key(fields: "id") { id: ID! x: Int @override(from: '
                '"a") }'
            )
        },
        'Source and destination subgraphs "a" are the same for overridden field "P.x"',
    ),
    Case(
        "OVERRIDE_SOURCE_HAS_OVERRIDE",
        {
            "a": fed2(
                'type Query { p: P } type P @key(fields: "id") { id: ID! x: Int @override(from: '
                '"b") }'
            ),
            "b": fed2('type P @key(fields: "id") { id: ID! x: Int @override(from: "a") }'),
        },
        'Field "P.x" on subgraph "a" is also marked with directive @override in subgraph "b". '
        "Only one @override directive is allowed per field.",
    ),
    Case(
        "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! name: String @external @override(from: "a") '
                'x: Int @requires(fields: "name") }'
            ),
        },
        '@override cannot be used on field "P.name" on subgraph "b" since "P.name" on "b" is '
        'marked with directive "@external"',
    ),
    Case(
        "OVERRIDE_ON_INTERFACE",
        {
            "a": fed2(
                'type Query { i: I } interface I @key(fields: "id") { id: ID! x: Int '
                '@override(from: "b") }'
                ' type T implements I @key(fields: "id") { id: ID! x: Int }'
            ),
            "b": fed2("type Query { y: Int }"),
        },
        '@override cannot be used on field "I.x" on subgraph "a": @override is not supported on '
        "interface type fields.",
    ),
    Case(
        "OVERRIDE_LABEL_INVALID",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! name: String @override(from: "a", label: '
                '"1x") }'
            ),
        },
        'Invalid @override label "1x" on field "P.name" on subgraph "b"',
    ),
    Case(
        "ENUM_VALUE_MISMATCH",
        {
            "a": fed2("type Query { a(e: E): E } enum E { X Y }"),
            "b": fed2("type Query { b(e: E): E } enum E { X }"),
        },
        'Enum type "E" is used as both input type (for example, as type of "Query.a(e:)") and '
        'output type (for example, as type of "Query.a"), but value "Y" is not defined in all the '
        'subgraphs defining "E": "Y" is defined in subgraph "a" but not in subgraph "b"',
    ),
    Case(
        "EMPTY_MERGED_ENUM_TYPE",
        {
            "a": fed2("type Query { a(e: E): Int } enum E { X }"),
            "b": fed2("type Query { b(e: E): Int } enum E { Y }"),
        },
        'None of the values of enum type "E" are defined consistently in all the subgraphs',
    ),
    Case(
        "EMPTY_MERGED_INPUT_TYPE",
        {
            "a": fed2("type Query { a(i: In): Int } input In { x: Int }"),
            "b": fed2("type Query { b(i: In): Int } input In { y: Int }"),
        },
        'None of the fields of input object type "In" are consistently defined in all the '
        "subgraphs",
    ),
    Case(
        "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
        {
            "a": fed2("type Query { a(i: In): Int } input In { x: Int y: Int! }"),
            "b": fed2("type Query { b(i: In): Int } input In { x: Int }"),
        },
        'Input object field "In.y" is required in some subgraphs but does not appear in all '
        'subgraphs: it is required in subgraph "a" but does not appear in subgraph "b"',
    ),
    Case(
        "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
        {
            "a": fed2("type Query { a(x: Int!): Int @shareable }"),
            "b": fed2("type Query { a: Int @shareable }"),
        },
        'Argument "Query.a(x:)" is required in some subgraphs but does not appear in all '
        'subgraphs: it is required in subgraph "a" but does not appear in subgraph "b"',
    ),
    Case(
        "FIELD_ARGUMENT_DEFAULT_MISMATCH",
        {
            "a": fed2("type Query { a(x: Int = 1): Int @shareable }"),
            "b": fed2("type Query { a(x: Int = 2): Int @shareable }"),
        },
        'Argument "Query.a(x:)" has incompatible default values across subgraphs: it has '
        'default value 1 in subgraph "a" but default value 2 in subgraph "b"',
    ),
    Case(
        "INPUT_FIELD_DEFAULT_MISMATCH",
        {
            "a": fed2("type Query { a(i: In): Int } input In { x: Int = 1 }"),
            "b": fed2("type Query { b(i: In): Int } input In { x: Int = 2 }"),
        },
        'Input field "In.x" has incompatible default values across subgraphs: it has default '
        'value 1 in subgraph "a" but default value 2 in subgraph "b"',
    ),
    Case(
        "SATISFIABILITY_ERROR",
        {
            "a": fed2("type Query { t: T } type T { name: String @shareable }"),
            "b": fed2(
                'type Query { u: T } type T @key(fields: "id") { id: ID! name: String @shareable '
                "b: Int }"
            ),
        },
        "The following supergraph API query:\n{\n  t {\n    id\n  }\n}\ncannot be satisfied by "
        'the subgraphs because:\n- from subgraph "a":\n  - cannot find field "T.id".\n  - cannot '
        'move to subgraph "b" using @key(fields: "id") of "T", the key field(s) cannot be '
        'resolved from subgraph "a".',
    ),
    Case(
        "NO_QUERIES",
        {"a": fed2('type P @key(fields: "id") { id: ID! }')},
        "No queries found in any subgraph: a supergraph must have a query root type.",
    ),
    Case(
        "INTERFACE_FIELD_NO_IMPLEM",
        {
            "a": fed2("type Query { i: I } interface I { x: Int } type T implements I { x: Int }"),
            "b": fed2(
                "type Query { j: I } interface I { x: Int y: Int } "
                "type U implements I { x: Int y: Int }"
            ),
        },
        'Interface field "I.y" is declared in subgraph "b" but type "T", which implements "I" '
        'only in subgraph "a" does not have field "y".',
    ),
    Case(
        "INVALID_GRAPHQL",
        {"a": fed2("type Query { i: I } interface I { x: Int } type T implements I { y: Int }")},
        "[a] Interface field I.x expected but T does not provide it.",
    ),
    Case(
        "INTERFACE_OBJECT_USAGE_ERROR",
        {
            "a": fed2(
                'type Query { n: Node } interface Node @key(fields: "id") { id: ID! } '
                'type U implements Node @key(fields: "id") { id: ID! }'
            ),
            "b": fed2(
                'type Node @key(fields: "id") @interfaceObject { id: ID! at: String } '
                'type U @key(fields: "id") { id: ID! }'
            ),
        },
        'Interface type "Node" is defined as an @interfaceObject in subgraph "b" so that '
        'subgraph should not define any of the implementation types of "Node", but it defines '
        'type "U"',
    ),
    Case(
        "REFERENCED_INACCESSIBLE",
        {"a": fed2("type Query { a: T } type T @inaccessible { x: Int }")},
        'Type "T" is @inaccessible but is referenced by "Query.a", which is in the API schema.',
    ),
    Case(
        "ONLY_INACCESSIBLE_CHILDREN",
        {"a": fed2("type Query { a: T } type T { x: Int @inaccessible }")},
        'Type "T" is in the API schema but all of its fields are @inaccessible.',
    ),
    Case(
        "REQUIRED_INACCESSIBLE",
        {"a": fed2("type Query { a(x: Int! @inaccessible): Int }")},
        'Argument "Query.a(x:)" is @inaccessible but is a required argument of its field.',
    ),
    Case(
        "QUERY_ROOT_TYPE_INACCESSIBLE",
        {"a": fed2("type Query @inaccessible { a: Int }")},
        'Type "Query" is @inaccessible but is the root query type',
    ),
    Case(
        "DIRECTIVE_COMPOSITION_ERROR",
        {
            "a": fed2(
                'extend schema @composeDirective(name: "@custom")\n'
                "directive @custom on FIELD_DEFINITION\ntype Query { a: Int @custom }"
            )
        },
        'Directive "@custom" in subgraph "a" cannot be composed because it is not a member of a '
        "core feature",
    ),
    Case(
        "INVALID_SUBGRAPH_NAME",
        {"_": fed2("type Query { a: Int }")},
        "[_] Invalid name _ for a subgraph: this name is reserved",
    ),
    Case(
        "ROOT_QUERY_USED",
        {"a": fed2("schema { query: Root } type Root { a: Int } type Query { b: Int }")},
        '[a] The schema has a type named "Query" but it is not set as the query root type '
        '("Root" is instead): this is not supported by federation.',
    ),
    Case(
        "ROOT_MUTATION_USED",
        {
            "a": fed2(
                "schema { query: Query mutation: M } type M { a: Int } "
                "type Mutation { b: Int } type Query { c: Int }"
            )
        },
        '[a] The schema has a type named "Mutation" but it is not set as the mutation root type '
        '("M" is instead)',
    ),
    Case(
        "ROOT_SUBSCRIPTION_USED",
        {
            "a": fed2(
                "schema { query: Query subscription: S } type S { a: Int } "
                "type Subscription { b: Int } type Query { c: Int }"
            )
        },
        '[a] The schema has a type named "Subscription" but it is not set as the subscription '
        'root type ("S" is instead)',
    ),
    Case(
        "UNKNOWN_FEDERATION_LINK_VERSION",
        {
            "a": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.99", '
            'import: ["@key"])\ntype Query { a: Int }'
        },
        "[a] Invalid version v2.99 for the federation feature in @link directive on schema",
    ),
    Case(
        "EXTENSION_WITH_NO_BASE",
        {"a": 'type Query { x: X }\nextend type X @key(fields: "id") { id: ID! @external y: Int }'},
        '[a] Type "X" is an extension type, but there is no type definition for "X" in any '
        "subgraph.",
    ),
    Case(
        "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
        {
            "a": fed2(
                'type Query { i: I } interface I @key(fields: "id") { id: ID! } '
                "type T implements I { id: ID! }"
            )
        },
        '[a] Key @key(fields: "id") on interface type "I" is missing on implementation type "T".',
    ),
    Case(
        "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
        {
            "a": fed2(
                'type Query { i: I } interface I @key(fields: "id") { id: ID! } '
                'type T implements I @key(fields: "id") { id: ID! }'
            ),
            "b": fed2(
                'interface I @key(fields: "id") { id: ID! x: Int } '
                'type U implements I @key(fields: "id") { id: ID! x: Int }'
            ),
        },
        '[a] Interface type "I" has a resolvable key (@key(fields: "id")) in subgraph "a" but '
        'that subgraph is missing some of the supergraph implementation types of "I". Subgraph '
        '"a" should define type "U" (and have it implement "I").',
    ),
    Case(
        "INVALID_SHAREABLE_USAGE",
        {
            "a": fed2(
                "type Query { i: I } interface I { x: Int @shareable } "
                "type T implements I { x: Int }"
            )
        },
        '[a] Invalid use of @shareable on field "I.x": only object type fields can be marked '
        "with @shareable",
    ),
    Case(
        "EXTERNAL_ARGUMENT_MISSING",
        {
            "a": fed2('type Query { p: P } type P @key(fields: "id") { id: ID! w(u: Int): Int }'),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! w: Int @external '
                'ship: Int @requires(fields: "w") }'
            ),
        },
        'Field "P.w" is missing argument "P.w(u:)" in some subgraphs where it is marked '
        '@external: argument "P.w(u:)" is declared in subgraph "a" but not in subgraph "b" '
        '(where "P.w" is @external).',
    ),
    Case(
        "COST_APPLIED_TO_INTERFACE_FIELD",
        {
            "a": fed2(
                "type Query { i: I } interface I { x: Int @cost(weight: 2) } "
                "type T implements I { x: Int }"
            )
        },
        '[a] @cost cannot be applied to interface "I.x"',
    ),
    Case(
        "LIST_SIZE_APPLIED_TO_NON_LIST",
        {"a": fed2("type Query { i: Int @listSize(assumedSize: 2) }")},
        '[a] "Query.i" is not a list',
    ),
    Case(
        "EVENT_DIRECTIVE_INVALID",
        {
            "a": fed2(
                'type Query { p: P } type P @key(fields: "id") { id: ID! name: String }\n'
                'type Subscription { p: P @edfs__natsSubscribe(subjects: ["p"]) }'
            )
        },
        '[a] @edfs__natsSubscribe on "Subscription.p": "P" may only have its key fields here',
        apollo=False,
    ),
    Case(
        "EVENT_DIRECTIVE_INVALID",
        {"a": fed2('type Query { a: Int @edfs__natsPublish(subject: "s") }')},
        "a publish directive belongs on a field of the Mutation type",
        apollo=False,
    ),
    Case(
        "CONTEXT_NOT_SET",
        {
            "a": F28 + 'import: ["@key", "@context", "@fromContext"])\ntype Query { t: T } '
            'type T @key(fields: "id") { id: ID! '
            'u(x: ID @fromContext(field: "$nope { id }")): Int }'
        },
        '[a] Context "nope" is used at location "T.u(x:)" but is never set.',
    ),
    Case(
        "CONTEXT_NO_RESOLVABLE_KEY",
        {
            "a": F28 + 'import: ["@key", "@context", "@fromContext"])\ntype Query { t: T } '
            'type T @key(fields: "id") @context(name: "ctx") { id: ID! p: String w: W } '
            'type W { x(a: String @fromContext(field: "$ctx { p }")): Int }'
        },
        '[a] Object "W" has no resolvable key but has a field with a contextual argument.',
    ),
    Case(
        "CONTEXT_NAME_INVALID",
        {
            "a": F28 + 'import: ["@key", "@context", "@fromContext"])\ntype Query { p: P } '
            'type P @key(fields: "id") @context(name: "bad_name") { id: ID! t: T } '
            'type T @key(fields: "id") { id: ID! }'
        },
        '[a] Context name "bad_name" may not contain an underscore.',
    ),
    Case(
        "DIRECTIVE_COMPOSITION_ERROR",
        {
            "a": fed2(
                'extend schema @link(url: "https://x.dev/hi/v1.0", import: ["@hi"]) '
                '@composeDirective(name: "@hi")\n'
                "directive @hi on FIELD_DEFINITION | ARGUMENT_DEFINITION\n"
                "type Query { a(x: Int @hi): Int @hi }"
            ),
            "b": fed2(
                'extend schema @link(url: "https://x.dev/hi/v1.0", import: ["@hi"]) '
                '@composeDirective(name: "@hi")\n'
                "directive @hi on FIELD_DEFINITION\ntype Query { b: Int @hi }"
            ),
        },
        'Directive "@hi" may not be used on ARGUMENT_DEFINITION.',
        apollo=False,  # Apollo reports this message without a code
    ),
    Case(
        "KEY_INVALID_FIELDS_TYPE",
        {"a": fed2("type Query { p: P } type P @key(fields: 3) { id: ID! }")},
        '[a] On type "P", for @key(fields: 3): Invalid value for argument "fields": must be a '
        "string.",
    ),
    Case(
        "REQUIRES_INVALID_FIELDS_TYPE",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! name: String @external '
                "y: Int @requires(fields: 2) }"
            ),
        },
        '[b] On field "P.y", for @requires(fields: 2): Invalid value for argument "fields": must '
        "be a string.",
    ),
    Case(
        "PROVIDES_INVALID_FIELDS_TYPE",
        {
            "a": fed2(ENTITY),
            "b": fed2(
                "type Query { q: P @provides(fields: true) } "
                'type P @key(fields: "id") { id: ID! name: String @external }'
            ),
        },
        '[b] On field "Query.q", for @provides(fields: true): Invalid value for argument '
        '"fields": must be a string.',
    ),
    Case(
        "INVALID_LINK_DIRECTIVE_USAGE",
        {
            "a": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
            'import: [{name: "@key", as: "primaryKey"}])\ntype Query { a: Int }'
        },
        '[a] Invalid @link import renaming: directive "@key" imported name should start with a '
        "'@' character, but got \"primaryKey\".",
    ),
    Case(
        "EXTERNAL_ARGUMENT_TYPE_MISMATCH",
        {
            "a": fed2('type Query { p: P } type P @key(fields: "id") { id: ID! w(u: Int): Int }'),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! w(u: String): Int @external '
                'ship: Int @requires(fields: "w") }'
            ),
        },
        'Type of argument "P.w(u:)" is incompatible across subgraphs (where "P.w" is marked '
        '@external): it has type "Int" in subgraph "a" but type "String" in subgraph "b"',
    ),
    Case(
        "EXTERNAL_ARGUMENT_DEFAULT_MISMATCH",
        {
            "a": fed2(
                'type Query { p: P } type P @key(fields: "id") { id: ID! w(u: Int = 1): Int }'
            ),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! w(u: Int = 2): Int @external '
                'ship: Int @requires(fields: "w") }'
            ),
        },
        'Argument "P.w(u:)" has incompatible defaults across subgraphs (where "P.w" is marked '
        '@external): it has default value 1 in subgraph "a" but default value 2 in subgraph "b"',
    ),
    Case(
        "IMPLEMENTED_BY_INACCESSIBLE",
        {
            "a": fed2(
                "type Query { i: I } interface I { x: Int } "
                "type T implements I { x: Int @inaccessible y: Int }"
            )
        },
        'Field "T.x" is @inaccessible but implements the interface field "I.x", which is in the '
        "API schema.",
    ),
    Case(
        "LIST_SIZE_INVALID_ASSUMED_SIZE",
        {"a": fed2("type Query { i: [Int] @listSize(assumedSize: -1) }")},
        '[a] Assumed size of "Query.i" cannot be negative',
    ),
    Case(
        "LIST_SIZE_INVALID_SLICING_ARGUMENT",
        {"a": fed2('type Query { i(first: Int): [Int] @listSize(slicingArguments: ["nope"]) }')},
        '[a] Slicing argument "nope" is not an argument of "Query.i"',
    ),
    Case(
        "LIST_SIZE_INVALID_SIZED_FIELD",
        {
            "a": fed2(
                'type Query { i: Conn @listSize(sizedFields: ["nope"]) } type Conn { items: [Int] }'
            )
        },
        '[a] Sized field "nope" is not a field on type "Conn"',
    ),
    Case(
        "DIRECTIVE_COMPOSITION_ERROR",
        {"a": fed2('extend schema @composeDirective(name: "@missing")\ntype Query { a: Int }')},
        "Could not find matching directive definition for argument to @composeDirective "
        '"@missing" in subgraph "a".',
    ),
    Case(
        "INVALID_FIELD_SHARING",
        {"a": fed2("type Query { a: Int } type Subscription { tick: Int @shareable }")},
        "Fields on root level subscription object cannot be marked as shareable",
    ),
    Case(
        "CONTEXT_INVALID_SELECTION",
        {
            "a": fed2(
                'type Query { p: P } type P @key(fields: "id") @context(name: "c") '
                '{ id: ID! t: T } type T @key(fields: "id") '
                '{ id: ID! u(x: Int @fromContext(field: "$c { id }")): Int }'
            )
        },
        '[a] Context "c" is used in "T.u(x:)" but the selection is invalid: the type of the '
        'selection "ID" does not match the expected type "Int"',
    ),
    Case(
        "NO_CONTEXT_IN_SELECTION",
        {
            "a": fed2(
                'type Query { p: P } type P @key(fields: "id") @context(name: "c") '
                '{ id: ID! t: T } type T @key(fields: "id") '
                '{ id: ID! u(x: ID @fromContext(field: "{ id }")): Int }'
            )
        },
        '[a] @fromContext argument does not reference a context "{ id }".',
    ),
    Case(
        "LINK_IMPORT_NAME_MISMATCH",
        {
            "a": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
            'import: ["@key"])\ntype Query { a: Int @federation__tag(name: "x") }',
            "b": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
            'import: ["@tag"])\ntype Query { b: Int @tag(name: "y") }',
        },
        'The "@tag" directive (from https://specs.apollo.dev/federation/v2.3) is imported with '
        'mismatched name between subgraphs: it is imported as "@tag" in subgraph "b" but '
        '"@federation__tag" in subgraph "a"',
    ),
    Case(
        "LINK_IMPORT_NAME_MISMATCH",
        {
            "a": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.12", '
            'import: [{name: "@cacheTag", as: "@ct"}])\ntype Query { a: Int @ct(format: "a") }',
            "b": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.12", '
            'import: ["@cacheTag"])\ntype Query { b: Int @cacheTag(format: "b") }',
        },
        'The "@cacheTag" directive (from https://specs.apollo.dev/federation/v2.12) is imported '
        'with mismatched name between subgraphs: it is imported as "@cacheTag" in subgraph "b" '
        'but "@ct" in subgraph "a"',
    ),
    Case(
        "INVALID_LINK_DIRECTIVE_USAGE",
        {
            "a": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.11", '
            'import: ["@cacheTag"])\ntype Query { a: Int }'
        },
        '[a] Cannot import unknown element "@cacheTag"',
    ),
    Case(
        "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
        {
            "a": fed2(
                'type Query { p: P } type P @key(fields: "id") '
                '{ id: ID! price: Int @requiresScopes(scopes: [["finance"]]) }'
            ),
            "b": fed2(
                'type P @key(fields: "id") { id: ID! price: Int @external '
                'tax: Int @requires(fields: "price") }'
            ),
        },
        '[b] Field "P.tax" does not specify necessary @authenticated, @requiresScopes and/or '
        '@policy auth requirements to access the transitive field "P.price" data from '
        "@requires selection set.",
    ),
    Case(
        "UNSUPPORTED_FEATURE",
        {
            "a": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.10", '
            'import: ["@key"]) @link(url: "https://specs.apollo.dev/connect/v0.1", '
            'import: ["@connect", "@source"]) @source(name: "api", http: {baseURL: '
            '"http://localhost:4010"})\ntype Query { t: Int @connect(source: "api", '
            'http: {GET: "/t"}, selection: "$") }'
        },
        '[a] Apollo Connectors (@link(url: "https://specs.apollo.dev/connect/v0.1")) are not '
        "supported: fedgate cannot execute @connect and @source",
        apollo=False,  # Apollo composes connectors into @join__directive for its router
    ),
]
