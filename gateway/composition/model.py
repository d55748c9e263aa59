"""Typed core structures shared by every composition stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True, slots=True)
class Location:
    """A position in a subgraph SDL file (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class CompositionError:
    """One reason composition failed, with enough context to act on it."""

    code: str
    message: str
    subgraphs: tuple[str, ...] = ()
    element: str = ""
    locations: tuple[Location, ...] = ()
    fix: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "subgraphs": list(self.subgraphs),
            "element": self.element,
            "locations": [str(loc) for loc in self.locations],
            "fix": self.fix,
        }


@dataclass(frozen=True, slots=True)
class Hint:
    """An inconsistency that still composes (a warning)."""

    code: str
    message: str
    element: str = ""
    subgraphs: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "element": self.element,
            "subgraphs": list(self.subgraphs),
        }


@dataclass(frozen=True, slots=True)
class SubgraphSource:
    """A subgraph as given by the user: its name, routing URL and SDL text."""

    name: str
    url: str
    sdl: str
    file: str = ""

    @property
    def origin(self) -> str:
        return self.file or f"<{self.name}>"


@dataclass(frozen=True, slots=True)
class CompositionSuccess:
    """``supergraph_sdl`` is byte for byte Apollo's ``supergraphSdl`` (no final newline)."""

    supergraph_sdl: str
    hints: tuple[Hint, ...] = ()

    @property
    def file_text(self) -> str:
        """The supergraph as ``fedgate compose`` writes it: a text file ends with a newline."""
        return self.supergraph_sdl + "\n"


@dataclass(frozen=True, slots=True)
class CompositionFailure:
    errors: tuple[CompositionError, ...]
    hints: tuple[Hint, ...] = ()


CompositionResult = CompositionSuccess | CompositionFailure


class TypeKind(Enum):
    OBJECT = "object"
    INTERFACE = "interface"
    UNION = "union"
    ENUM = "enum"
    INPUT = "input object"
    SCALAR = "scalar"

    @property
    def article(self) -> str:
        return "an" if self.value[0] in "aeiou" else "a"


@dataclass(frozen=True, slots=True)
class Directive:
    """A directive application; ``name`` is canonical for federation directives."""

    name: str
    args: Mapping[str, object]
    loc: Location
    source: str = ""  # the arguments as written, e.g. '(fields: "id")'
    federation: bool = False
    local: str = ""  # the name used in the subgraph (e.g. "federation__tag"), when different


@dataclass(frozen=True, slots=True)
class Argument:
    name: str
    type: str
    default: str | None
    description: str | None
    directives: tuple[Directive, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    args: tuple[Argument, ...]
    description: str | None
    directives: tuple[Directive, ...]
    loc: Location
    default: str | None = None  # input fields only

    def directive(self, name: str) -> Directive | None:
        return find_directive(self.directives, name)

    def has(self, name: str) -> bool:
        return self.directive(name) is not None

    def arg(self, name: str) -> Argument | None:
        return next((a for a in self.args if a.name == name), None)


@dataclass(frozen=True, slots=True)
class EnumValue:
    name: str
    description: str | None
    directives: tuple[Directive, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class TypeDef:
    name: str
    kind: TypeKind
    loc: Location
    description: str | None = None
    directives: tuple[Directive, ...] = ()
    fields: tuple[Field, ...] = ()
    interfaces: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    values: tuple[EnumValue, ...] = ()
    extension: bool = False
    _by_name: Mapping[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in reversed(self.fields)})

    def field(self, name: str) -> Field | None:
        return self._by_name.get(name)

    def directive(self, name: str) -> Directive | None:
        return find_directive(self.directives, name)

    def all_directives(self, name: str) -> tuple[Directive, ...]:
        return tuple(d for d in self.directives if d.name == name)

    def has(self, name: str) -> bool:
        return self.directive(name) is not None


@dataclass(frozen=True, slots=True)
class DirectiveDef:
    name: str
    args: tuple[Argument, ...]
    locations: tuple[str, ...]
    repeatable: bool
    loc: Location
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Subgraph:
    """A parsed and normalised subgraph (federation directives use canonical names)."""

    name: str
    url: str
    file: str
    version: tuple[int, int]  # (1, 0) for Federation 1 subgraphs
    types: Mapping[str, TypeDef]
    directive_defs: Mapping[str, DirectiveDef] = field(default_factory=dict)
    composed_directives: tuple[Directive, ...] = ()  # the @composeDirective applications
    links: tuple[Directive, ...] = ()

    @property
    def fed1(self) -> bool:
        return self.version < (2, 0)


def is_root(type_name: str) -> bool:
    return type_name in ("Query", "Mutation", "Subscription")


def find_directive(directives: tuple[Directive, ...], name: str) -> Directive | None:
    return next((d for d in directives if d.name == name), None)


def named_type(type_ref: str) -> str:
    """``[Int!]!`` -> ``Int``."""
    return type_ref.strip("[]!")


BUILT_IN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
