"""Print the supergraph model as SDL in Apollo's supergraph format (deterministic)."""

from __future__ import annotations

from collections.abc import Mapping

from graphql.language.print_string import print_string

from .events_spec import EVENT_DIRECTIVES
from .model import TypeKind
from .printer_specs import (
    FEATURES,
    LINK_DIRECTIVES,
    LINK_TYPES,
    join_definitions,
    join_version,
)
from .supergraph import (
    JoinField,
    JoinType,
    MergedArgument,
    MergedEnumValue,
    MergedField,
    MergedType,
    Supergraph,
)

INDENT = "  "
KEYWORDS = {
    TypeKind.OBJECT: "type",
    TypeKind.INTERFACE: "interface",
    TypeKind.UNION: "union",
    TypeKind.ENUM: "enum",
    TypeKind.INPUT: "input",
    TypeKind.SCALAR: "scalar",
}


def sort_key(name: str) -> tuple[str, str]:
    return (name.lower(), name)


def block_string(value: str, prefer_multiple_lines: bool) -> str:
    single_line = "\n" not in value
    leading_space = value[:1] in (" ", "\t")
    multiple = not single_line or value[-1:] in ('"', "\\") or prefer_multiple_lines
    result = "\n" if multiple and not (single_line and leading_space) else ""
    result += value + ("\n" if multiple else "")
    return '"""' + result.replace('"""', '\\"""') + '"""'


def description(text: str | None, indentation: str = "", first: bool = True) -> str:
    if text is None:
        return ""
    printed = block_string(text, len(text) > 70)
    prefix = "\n" + indentation if indentation and not first else indentation
    return prefix + printed.replace("\n", "\n" + indentation) + "\n"


def print_join_type(j: JoinType) -> str:
    args = [f"graph: {j.graph}"]
    if j.key is not None:
        args.append(f"key: {print_string(j.key)}")
    if j.extension:
        args.append("extension: true")
    if not j.resolvable:
        args.append("resolvable: false")
    if j.interface_object:
        args.append("isInterfaceObject: true")
    return f"@join__type({', '.join(args)})"


def print_join_field(j: JoinField) -> str:
    args = [f"graph: {j.graph}"] if j.graph else []
    for name, value in (("requires", j.requires), ("provides", j.provides), ("type", j.type)):
        if value is not None:
            args.append(f"{name}: {print_string(value)}")
    if j.external:
        args.append("external: true")
    if j.override is not None:
        args.append(f"override: {print_string(j.override)}")
    if j.used_overridden:
        args.append("usedOverridden: true")
    if j.override_label is not None:
        args.append(f"overrideLabel: {print_string(j.override_label)}")
    if j.context_arguments:
        items = [
            f"{{context: {print_string(c)}, name: {print_string(n)}, type: {print_string(t)}, "
            f"selection: {print_string(s)}}}"
            for c, n, t, s in j.context_arguments
        ]
        args.append(f"contextArguments: [{', '.join(items)}]")
    return f"@join__field({', '.join(args)})" if args else "@join__field"


Names = Mapping[str, str]  # canonical spec name -> name used in the supergraph (@tag, ...)


def _rename(applied: tuple[str, ...], names: Names) -> tuple[str, ...]:
    """Applications of @tag/@inaccessible under the names the subgraphs use."""
    if not names:
        return applied
    renamed = []
    for a in applied:
        base = a[1:].split("(", 1)[0]
        renamed.append("@" + names[base] + a[1 + len(base) :] if base in names else a)
    return tuple(renamed)


def print_args(args: tuple[MergedArgument, ...], indentation: str, names: Names) -> str:
    if not args:
        return ""
    printed = [
        f"{a.name}: {a.type}"
        + (f" = {a.default}" if a.default else "")
        + _inline(_rename(a.applied, names))
        for a in args
    ]
    if all(a.description is None for a in args):
        return "(" + ", ".join(printed) + ")"
    inner = indentation + INDENT
    lines = [
        description(a.description, inner, i == 0) + inner + p
        for i, (a, p) in enumerate(zip(args, printed, strict=True))
    ]
    return "(\n" + "\n".join(lines) + "\n" + indentation + ")"


def _inline(applied: tuple[str, ...]) -> str:
    return "".join(" " + a for a in applied)


def _split(applied: tuple[str, ...], names: Names) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Apollo prints @inaccessible before the join directives of an element, others after."""
    first = tuple(a for a in applied if a == "@inaccessible")
    rest = tuple(a for a in applied if a != "@inaccessible")
    return _rename(first, names), _rename(rest, names)


def _enum_value_directives(v: MergedEnumValue, names: Names) -> tuple[str, ...]:
    before, after = _split(v.applied, names)
    return before + tuple(f"@join__enumValue(graph: {g})" for g in v.graphs) + after


def print_field(f: MergedField, first: bool, names: Names) -> str:
    default = f" = {f.default}" if f.default is not None else ""
    joins = tuple(print_join_field(j) for j in f.joins)
    before, after = _split(f.applied, names)
    return (
        description(f.description, INDENT, first)
        + f"{INDENT}{f.name}{print_args(f.args, INDENT, names)}: {f.type}{default}"
        + _inline(before + joins + f.join_directives + after)
    )


def _header_directives(t: MergedType, names: Names) -> list[str]:
    directives = [
        f"@join__implements(graph: {g}, interface: {print_string(i)})" for g, i in t.implements
    ]
    before, after = _split(t.applied, names)
    directives += [print_join_type(j) for j in t.joins] + list(before) + list(t.join_directives)
    directives += [
        f"@join__unionMember(graph: {g}, member: {print_string(m)})" for g, m in t.members
    ]
    return directives + list(after)


def print_type(t: MergedType, names: Names) -> str:
    head = f"{KEYWORDS[t.kind]} {t.name}"
    if t.interfaces:
        head += " implements " + " & ".join(t.interfaces)
    text = (
        description(t.description)
        + head
        + "".join(f"\n{INDENT}{d}" for d in _header_directives(t, names))
    )
    if t.kind is TypeKind.UNION:
        return text + ("\n = " + " | ".join(t.member_names) if t.members else "")
    if t.kind is TypeKind.SCALAR:
        return text
    if t.kind is TypeKind.ENUM:
        items = [
            description(v.description, INDENT, i == 0)
            + INDENT
            + v.name
            + _inline(_enum_value_directives(v, names))
            for i, v in enumerate(t.values)
        ]
    else:
        items = [print_field(f, i == 0, names) for i, f in enumerate(t.fields)]
    return text + "\n{\n" + "\n".join(items) + "\n}"


def print_graph_enum(sg: Supergraph) -> str:
    values = [
        f"{INDENT}{g.enum_name} @join__graph(name: {print_string(g.name)}, "
        f"url: {print_string(g.url)})"
        for g in sg.graphs
    ]
    return "enum join__Graph {\n" + "\n".join(values) + "\n}"


def _schema_block(sg: Supergraph, features: list[str]) -> str:
    major, minor = join_version(sg.max_version)
    links = [
        '@link(url: "https://specs.apollo.dev/link/v1.0")',
        f'@link(url: "https://specs.apollo.dev/join/v{major}.{minor}", for: EXECUTION)',
    ]
    names = dict(sg.spec_names)
    for feature in features:
        url, purpose, _, _ = FEATURES[feature]
        extra = f", for: {purpose}" if purpose else ""
        if feature == "cost" and "listSize" in sg.features:
            extra += ', import: ["@listSize"]'
        if feature == "events":  # the edfs__ names are imports: the feature is `events`
            used = [f'"@{name}"' for name in EVENT_DIRECTIVES if name in sg.features]
            extra += f", import: [{', '.join(used)}]"
        if feature in names:
            extra += f', import: [{{name: "@{feature}", as: "@{names[feature]}"}}]'
        links.append(f"@link(url: {print_string(url)}{extra})")
    links += list(sg.custom_links)
    roots = [f"{INDENT}{op.lower()}: {op}" for op in sg.roots]
    return (
        "schema"
        + "".join(f"\n{INDENT}{link}" for link in links)
        + "\n{\n"
        + "\n".join(roots)
        + "\n}"
    )


def _definitions(feature: str, names: Names, used: tuple[str, ...]) -> dict[str, str]:
    definitions = dict(FEATURES[feature][2])
    if feature == "events":
        definitions = {n: d for n, d in definitions.items() if n in used}
    if feature == "cost" and "listSize" not in used:
        # the cost link imports @listSize only when it is used; otherwise it keeps its
        # namespaced name
        text = definitions.pop("listSize").replace("@listSize", "@cost__listSize", 1)
        definitions["cost__listSize"] = text
    if feature in names:
        text = definitions.pop(feature).replace(f"@{feature}", f"@{names[feature]}", 1)
        definitions[names[feature]] = text
    return definitions


def print_supergraph(sg: Supergraph) -> str:
    features = [f for f in sg.features if f in FEATURES]
    names = dict(sg.spec_names)
    join_directives, join_types = join_definitions(join_version(sg.max_version))
    directives = {**join_directives, **LINK_DIRECTIVES}
    types = {**join_types, **LINK_TYPES, "join__Graph": print_graph_enum(sg)}
    for feature in features:
        directives.update(_definitions(feature, names, sg.features))
        types.update(FEATURES[feature][3])
    for definition in sg.custom_directives:
        directives[definition.split("(")[0].split(" ")[1][1:]] = definition
    for t in sg.types:
        types[t.name] = print_type(t, names)
    parts = [_schema_block(sg, features)]
    parts += [directives[n] for n in sorted(directives, key=sort_key)]
    parts += [types[n] for n in sorted(types, key=sort_key)]
    # No final newline: Apollo's `supergraphSdl` ends with the last "}" (files add one).
    return "\n\n".join(parts)
