"""Registry of composition error and hint codes (Apollo's code strings), for docs and tools.

``python -m gateway.composition.error_codes`` prints the registry as a Markdown table.
"""

from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "EVENT_DIRECTIVE_INVALID": "An events directive (@edfs__natsSubscribe, ...) is misplaced "
    "(fedgate only).",
    "INVALID_GRAPHQL": "A subgraph schema is not valid GraphQL (syntax, unknown names, ...).",
    "INVALID_LINK_DIRECTIVE_USAGE": "A @link imports an element its specification version lacks.",
    "NO_SUBGRAPHS": "There is nothing to compose (fedgate only).",
    "NO_QUERIES": "No subgraph defines a query root type with fields.",
    "TYPE_KIND_MISMATCH": "A type has different kinds (object, interface, ...) across subgraphs.",
    "INVALID_FIELD_SHARING": "A field resolved by several subgraphs is not @shareable in all.",
    "FIELD_TYPE_MISMATCH": "A field has incompatible types across subgraphs.",
    "FIELD_ARGUMENT_TYPE_MISMATCH": "An argument has incompatible types across subgraphs.",
    "FIELD_ARGUMENT_DEFAULT_MISMATCH": "An argument has different defaults across subgraphs.",
    "INPUT_FIELD_DEFAULT_MISMATCH": "An input field has different defaults across subgraphs.",
    "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH": "A required argument is missing somewhere.",
    "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH": "A required input field is missing in some "
    "subgraphs.",
    "EMPTY_MERGED_INPUT_TYPE": "An input type has no field common to all its subgraphs.",
    "EMPTY_MERGED_ENUM_TYPE": "An input enum has no value common to all its subgraphs.",
    "ENUM_VALUE_MISMATCH": "An enum used as input and output has different values across "
    "subgraphs.",
    "KEY_INVALID_FIELDS": "A @key selects unknown fields or is not a valid selection.",
    "KEY_FIELDS_HAS_ARGS": "A @key selects a field that takes arguments.",
    "KEY_FIELDS_SELECT_INVALID_TYPE": "A @key selects an interface or union typed field.",
    "KEY_DIRECTIVE_IN_FIELDS_ARG": "A @key field set contains directive applications.",
    "KEY_UNSUPPORTED_ON_INTERFACE": "@key on an interface needs federation v2.3 or later.",
    "EXTERNAL_UNUSED": "An @external field is used by no @key, @requires or @provides.",
    "EXTERNAL_MISSING_ON_BASE": "A field is @external in every subgraph defining it.",
    "EXTERNAL_TYPE_MISMATCH": "An @external field's type differs from the resolving subgraph's.",
    "EXTERNAL_ON_INTERFACE": "@external is used on an interface field.",
    "REQUIRES_INVALID_FIELDS": "A @requires selects unknown fields or is not a valid selection.",
    "REQUIRES_FIELDS_MISSING_EXTERNAL": "A @requires selects a field not marked @external.",
    "REQUIRES_DIRECTIVE_IN_FIELDS_ARG": "A @requires field set contains directive applications.",
    "REQUIRES_UNSUPPORTED_ON_INTERFACE": "@requires is used on an interface field.",
    "PROVIDES_INVALID_FIELDS": "A @provides selects unknown fields or is not a valid selection.",
    "PROVIDES_FIELDS_MISSING_EXTERNAL": "A @provides selects a field not marked @external.",
    "PROVIDES_FIELDS_HAS_ARGS": "A @provides selects a field that takes arguments.",
    "PROVIDES_DIRECTIVE_IN_FIELDS_ARG": "A @provides field set contains directive applications.",
    "PROVIDES_ON_NON_OBJECT_FIELD": "@provides is used on a field of a leaf type.",
    "PROVIDES_UNSUPPORTED_ON_INTERFACE": "@provides is used on an interface field.",
    "OVERRIDE_FROM_SELF_ERROR": "@override names the subgraph it is used in.",
    "OVERRIDE_SOURCE_HAS_OVERRIDE": "Two subgraphs @override the same field from each other.",
    "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE": "@override is combined with @external.",
    "OVERRIDE_ON_INTERFACE": "@override is used on an interface field.",
    "OVERRIDE_LABEL_INVALID": "An @override label is neither a flag name nor percent(x).",
    "INTERFACE_FIELD_NO_IMPLEM": "An implementation lacks a field its merged interface has.",
    "INTERFACE_OBJECT_USAGE_ERROR": "@interfaceObject is used wrongly (no key, no interface, ...).",
    "REFERENCED_INACCESSIBLE": "An @inaccessible type is used by an element of the API schema.",
    "ONLY_INACCESSIBLE_CHILDREN": "Every field (or value) of an API schema type is @inaccessible.",
    "REQUIRED_INACCESSIBLE": "A required argument is @inaccessible.",
    "QUERY_ROOT_TYPE_INACCESSIBLE": "The query root type is @inaccessible.",
    "DIRECTIVE_COMPOSITION_ERROR": "A @composeDirective cannot be honoured.",
    "INVALID_SUBGRAPH_NAME": "A subgraph is named `_`, which is reserved.",
    "ROOT_QUERY_USED": "A type is named Query while another type is the query root.",
    "ROOT_MUTATION_USED": "A type is named Mutation while another type is the mutation root.",
    "ROOT_SUBSCRIPTION_USED": "A type is named Subscription while another is the root.",
    "UNKNOWN_FEDERATION_LINK_VERSION": "The federation @link names an unknown version.",
    "EXTENSION_WITH_NO_BASE": "A type is only extended (`extend type`), never defined.",
    "INTERFACE_KEY_NOT_ON_IMPLEMENTATION": "An interface @key is missing on an implementation.",
    "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE": "A subgraph with an interface key lacks some "
    "implementations.",
    "INVALID_SHAREABLE_USAGE": "@shareable is used on an interface field.",
    "EXTERNAL_ARGUMENT_MISSING": "An @external field lacks an argument of the resolving field.",
    "COST_APPLIED_TO_INTERFACE_FIELD": "@cost is used on an interface field.",
    "LIST_SIZE_APPLIED_TO_NON_LIST": "@listSize is used on a field that is not a list.",
    "CONTEXT_NOT_SET": "@fromContext uses a context no type sets with @context.",
    "CONTEXT_NAME_INVALID": "A @context name has an underscore or other invalid characters.",
    "CONTEXT_NO_RESOLVABLE_KEY": "A type with a @fromContext argument has no resolvable @key "
    "(the gateway passes the value through an entity fetch).",
    "KEY_INVALID_FIELDS_TYPE": "The `fields:` of a @key is not a string.",
    "REQUIRES_INVALID_FIELDS_TYPE": "The `fields:` of a @requires is not a string.",
    "PROVIDES_INVALID_FIELDS_TYPE": "The `fields:` of a @provides is not a string.",
    "EXTERNAL_ARGUMENT_TYPE_MISMATCH": "An @external field's argument has another type.",
    "EXTERNAL_ARGUMENT_DEFAULT_MISMATCH": "An @external field's argument has another default.",
    "IMPLEMENTED_BY_INACCESSIBLE": "An @inaccessible field implements an accessible interface "
    "field.",
    "LIST_SIZE_INVALID_ASSUMED_SIZE": "@listSize(assumedSize:) is negative.",
    "LIST_SIZE_INVALID_SLICING_ARGUMENT": "@listSize(slicingArguments:) names an unknown argument.",
    "LIST_SIZE_INVALID_SIZED_FIELD": "@listSize(sizedFields:) names an unknown field.",
    "CONTEXT_INVALID_SELECTION": "A @fromContext selection is not one field of the argument's "
    "type.",
    "NO_CONTEXT_IN_SELECTION": "A @fromContext value does not start with a $context.",
    "LINK_IMPORT_NAME_MISMATCH": "Subgraphs use @tag, @inaccessible or @cacheTag under "
    "different names.",
    "UNSUPPORTED_FEATURE": "A subgraph links a feature fedgate cannot honour (Apollo Connectors).",
    "MISSING_TRANSITIVE_AUTH_REQUIREMENTS": "A @requires field lacks the @authenticated, "
    "@requiresScopes or @policy requirements of the data it requires.",
    "SATISFIABILITY_ERROR": "Some query of the API schema cannot be planned over the subgraphs.",
}

HINT_CODES: dict[str, str] = {
    "INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE": "A field's types differ but are compatible.",
    "INCONSISTENT_ARGUMENT_PRESENCE": "An optional argument is dropped: not in every subgraph.",
    "INCONSISTENT_DEFAULT_VALUE_PRESENCE": "A default value is given in some subgraphs only.",
    "INCONSISTENT_INPUT_OBJECT_FIELD": "An input field is dropped: not in every subgraph.",
    "INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM": "An input enum value is dropped: not everywhere.",
    "INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM": "An output enum value is defined in some subgraphs.",
    "INCONSISTENT_DESCRIPTION": "An element has different descriptions across subgraphs.",
    "INCONSISTENT_UNION_MEMBER": "A union member is listed in some subgraphs only.",
    "OVERRIDE_DIRECTIVE_CAN_BE_REMOVED": "@override names a subgraph that lacks the field.",
    "FROM_SUBGRAPH_DOES_NOT_EXIST": "@override names a subgraph that does not exist.",
}


def markdown() -> str:
    lines = ["| Code | Meaning |", "| --- | --- |"]
    lines += [f"| `{code}` | {text} |" for code, text in sorted(ERROR_CODES.items())]
    lines += ["", "| Hint | Meaning |", "| --- | --- |"]
    lines += [f"| `{code}` | {text} |" for code, text in sorted(HINT_CODES.items())]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
