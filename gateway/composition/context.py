"""Shared state of the merge stage: the subgraphs and the errors and hints found so far."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .model import (
    CompositionError,
    DirectiveDef,
    Field,
    Hint,
    Location,
    Subgraph,
    TypeDef,
    TypeKind,
)


def graph_enum_name(name: str) -> str:
    sanitized = re.sub(r"[^A-Za-z0-9_]", "_", name).upper()
    return f"_{sanitized}" if sanitized[:1].isdigit() else sanitized


@dataclass(slots=True)
class MergeContext:
    subgraphs: tuple[Subgraph, ...]
    errors: list[CompositionError] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    features: set[str] = field(default_factory=set)
    graph_names: dict[str, str] = field(default_factory=dict)
    implementations: dict[str, set[str]] = field(default_factory=dict)
    union_members: dict[str, set[str]] = field(default_factory=dict)
    composed: dict[str, DirectiveDef] = field(default_factory=dict)  # @composeDirective'd

    def __post_init__(self) -> None:
        self.graph_names = _graph_names(self.subgraphs)
        for sg in self.subgraphs:
            for td in sg.types.values():
                for iface in td.interfaces:
                    self.implementations.setdefault(iface, set()).add(td.name)
                for member in td.members:
                    self.union_members.setdefault(td.name, set()).add(member)

    def graph(self, sg: Subgraph) -> str:
        return self.graph_names[sg.name]

    def type_names(self) -> list[str]:
        return list(dict.fromkeys(n for sg in self.subgraphs for n in sg.types))

    def defs(self, type_name: str) -> list[tuple[Subgraph, TypeDef]]:
        return [(sg, sg.types[type_name]) for sg in self.subgraphs if type_name in sg.types]

    def field_defs(self, type_name: str, field_name: str) -> list[tuple[Subgraph, Field]]:
        result = []
        for sg, td in self.defs(type_name):
            f = td.field(field_name)
            if f is not None:
                result.append((sg, f))
        return result

    def kind_of(self, type_name: str) -> TypeKind | None:
        kinds = [td.kind for _, td in self.defs(type_name)]
        if TypeKind.INTERFACE in kinds:
            return TypeKind.INTERFACE
        return kinds[0] if kinds else None

    def is_subtype_name(self, sub: str, sup: str) -> bool:
        return sub in self.implementations.get(sup, set()) or sub in self.union_members.get(
            sup, set()
        )

    def error(
        self,
        code: str,
        message: str,
        *,
        element: str,
        subgraphs: tuple[str, ...] = (),
        locations: tuple[Location, ...] = (),
        fix: str,
    ) -> None:
        if not locations:
            found = self.locate(element)
            subgraphs = subgraphs or tuple(dict.fromkeys(name for name, _ in found))
            locations = tuple(loc for _, loc in found)
        self.errors.append(CompositionError(code, message, subgraphs, element, locations, fix))

    def locate(self, coordinate: str) -> list[tuple[str, Location]]:
        """Where an element (``T``, ``T.f``, ``T.f(a:)`` or ``E.VALUE``) is defined."""
        type_name, _, rest = coordinate.partition(".")
        field_name, _, arg = rest.partition("(")
        found: list[tuple[str, Location]] = []
        for sg, td in self.defs(type_name):
            loc: Location | None = td.loc
            if field_name:
                f = td.field(field_name)
                value = next((v for v in td.values if v.name == field_name), None)
                a = f.arg(arg.rstrip(":)")) if f is not None and arg else None
                loc = a.loc if a else f.loc if f else value.loc if value else None
            if loc is not None:
                found.append((sg.name, loc))
        return found

    def hint(
        self, code: str, message: str, *, element: str, subgraphs: tuple[str, ...] = ()
    ) -> None:
        self.hints.append(Hint(code, message, element, subgraphs))

    def description(self, element: str, found: list[tuple[Subgraph, str | None]]) -> str | None:
        """The description most subgraphs use (first seen on a tie), as Apollo; hints if several."""
        by_text: dict[str, list[str]] = {}
        for sg, text in found:
            if text:
                by_text.setdefault(text, []).append(sg.name)
        if not by_text:
            return None
        chosen = max(by_text, key=lambda text: len(by_text[text]))
        if len(by_text) > 1:
            others = "; ".join(
                f'{sgs(names)}: "{text}"' for text, names in by_text.items() if text != chosen
            )
            self.hint(
                "INCONSISTENT_DESCRIPTION",
                f'Element "{element}" has inconsistent descriptions across subgraphs. The '
                f'supergraph will use "{chosen}" (from {sgs(by_text[chosen])}); other '
                f"descriptions: {others}.",
                element=element,
                subgraphs=tuple(sg.name for sg, _ in found),
            )
        return chosen

    def all_fields(self) -> Iterator[tuple[Subgraph, TypeDef, Field]]:
        for sg in self.subgraphs:
            for td in sg.types.values():
                for f in td.fields:
                    yield sg, td, f


def _graph_names(subgraphs: tuple[Subgraph, ...]) -> dict[str, str]:
    by_enum: dict[str, list[str]] = {}
    for sg in subgraphs:
        by_enum.setdefault(graph_enum_name(sg.name), []).append(sg.name)
    names: dict[str, str] = {}
    for enum_name, sg_names in by_enum.items():
        for index, name in enumerate(sg_names):
            names[name] = enum_name if len(sg_names) == 1 else f"{enum_name}_{index + 1}"
    return names


def quote_list(names: list[str] | tuple[str, ...]) -> str:
    """``["a", "b", "c"]`` -> ``"a", "b" and "c"``."""
    quoted = [f'"{n}"' for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def sgs(names: list[str] | tuple[str, ...]) -> str:
    """``subgraph "a"`` or ``subgraphs "a" and "b"``."""
    return f"subgraph{'s' if len(names) > 1 else ''} {quote_list(names)}"
