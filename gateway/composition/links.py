"""Federation ``@link`` handling: which local directive names mean which federation directive."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphql import DirectiveNode, value_from_ast_untyped

FEDERATION_URL = "https://specs.apollo.dev/federation/"
LINK_URL = "https://specs.apollo.dev/link/"
CONNECT_URL = "https://specs.apollo.dev/connect/"

#: Federation directive -> first federation version that defines it.
FEDERATION_DIRECTIVES: dict[str, tuple[int, int]] = {
    "key": (2, 0),
    "requires": (2, 0),
    "provides": (2, 0),
    "external": (2, 0),
    "tag": (2, 0),
    "extends": (2, 0),
    "shareable": (2, 0),
    "inaccessible": (2, 0),
    "override": (2, 0),
    "composeDirective": (2, 1),
    "interfaceObject": (2, 3),
    "authenticated": (2, 5),
    "requiresScopes": (2, 5),
    "policy": (2, 6),
    "context": (2, 8),
    "fromContext": (2, 8),
    "cost": (2, 9),
    "listSize": (2, 9),
    "cacheTag": (2, 12),
}

#: Directives a Federation 1 subgraph may use without any import.
FED1_DIRECTIVES = ("key", "requires", "provides", "external", "extends", "tag", "inaccessible")

#: Type names provided by federation; they never reach the supergraph.
FEDERATION_TYPES = frozenset(
    {
        "_Any",
        "_Entity",
        "_Service",
        "_FieldSet",
        "FieldSet",
        "link__Import",
        "link__Purpose",
        "federation__FieldSet",
        "federation__Scope",
        "federation__Policy",
        "federation__ContextFieldValue",
        "Scope",
        "Policy",
        "ContextFieldValue",
    }
)

#: Federation spec versions composition knows: those of Apollo's composition 2.14. v2.10,
#: v2.11, v2.13 and v2.14 define no new federation directive (they exist for the connect spec
#: and for Apollo's own releases); v2.12 adds @cacheTag.
LATEST_VERSION = (2, 14)
KNOWN_VERSIONS = tuple((2, minor) for minor in range(LATEST_VERSION[1] + 1))


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """What the federation ``@link`` of a subgraph says."""

    version: tuple[int, int]
    names: dict[str, str]  # local directive name -> canonical federation name
    problems: tuple[tuple[str, str], ...] = ()  # (code, message)


def parse_version(url: str) -> tuple[int, int] | None:
    match = re.search(r"/v(\d+)\.(\d+)$", url.rstrip("/"))
    return (int(match.group(1)), int(match.group(2))) if match else None


def link_args(node: DirectiveNode) -> dict[str, object]:
    return {arg.name.value: value_from_ast_untyped(arg.value) for arg in node.arguments or ()}


def fed1_link() -> LinkInfo:
    return LinkInfo(version=(1, 0), names={name: name for name in FED1_DIRECTIVES})


def federation_link(args: dict[str, object], latest: tuple[int, int] = LATEST_VERSION) -> LinkInfo:
    """Map local names to federation directives from a federation ``@link``'s arguments.

    ``latest`` is the newest federation version the composition knows: a pinned
    ``federation_version`` (``=2.3.2``) composes as that composition release would, and it
    does not know the versions published after it.
    """
    url = str(args.get("url", ""))
    version = parse_version(url) or (2, 0)
    problems: list[tuple[str, str]] = []
    if version not in KNOWN_VERSIONS or version > latest:
        shown = url.rsplit("/", 1)[-1]
        problems.append(
            (
                "UNKNOWN_FEDERATION_LINK_VERSION",
                f"Invalid version {shown} for the federation feature in @link directive on schema",
            )
        )
        known = [v for v in KNOWN_VERSIONS if v <= min(version, latest)]
        version = max(known, default=(2, 0))
    prefix = str(args.get("as") or "federation")
    names: dict[str, str] = {}
    available = {d for d, since in FEDERATION_DIRECTIVES.items() if since <= version}
    for directive in available:
        names[f"{prefix}__{directive}"] = directive
    imports = args.get("import") or []
    for item in imports if isinstance(imports, list) else []:
        local, original = _import_names(item)
        if not original.startswith("@"):
            continue  # type imports (FieldSet, Scope, ...) need no mapping
        if not local.startswith("@"):
            problems.append(("INVALID_LINK_DIRECTIVE_USAGE", _bad_rename(original, local)))
            continue
        canonical = original[1:]
        if canonical not in available:
            problems.append(("INVALID_LINK_DIRECTIVE_USAGE", _unknown_import(original, version)))
            continue
        names.pop(f"{prefix}__{canonical}", None)  # an imported element loses its long name
        names[local[1:]] = canonical
    return LinkInfo(version=version, names=names, problems=tuple(problems))


def _import_names(item: object) -> tuple[str, str]:
    if isinstance(item, dict):
        name = str(item.get("name", ""))
        return str(item.get("as") or name), name
    return str(item), str(item)


def _bad_rename(original: str, local: str) -> str:
    return (
        f'Invalid @link import renaming: directive "{original}" imported name should start with '
        f"a '@' character, but got \"{local}\"."
    )


def _unknown_import(name: str, version: tuple[int, int]) -> str:
    since = FEDERATION_DIRECTIVES.get(name[1:])
    if since is None:
        return f'Cannot import unknown element "{name}".'
    return (
        f'Cannot import unknown element "{name}": it is only available from federation '
        f"v{since[0]}.{since[1]}, but the link imports federation v{version[0]}.{version[1]}."
    )


def unsupported_links(links: list[dict[str, object]]) -> tuple[tuple[str, str], ...]:
    """Linked features composition refuses: Apollo Connectors (``@connect``/``@source``) turn
    a subgraph into REST calls made by Apollo Router itself, which fedgate's gateway cannot
    execute, so a supergraph using them would be refused at serve time anyway."""
    problems = []
    for args in links:
        url = str(args.get("url", ""))
        if url.startswith(CONNECT_URL):
            problems.append(
                (
                    "UNSUPPORTED_FEATURE",
                    f'Apollo Connectors (@link(url: "{url}")) are not supported: fedgate '
                    "cannot execute @connect and @source; serve this subgraph as a GraphQL "
                    "service instead.",
                )
            )
    return tuple(problems)
