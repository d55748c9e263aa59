"""Local names of the linked features' directives and types in one supergraph."""

from __future__ import annotations

from collections.abc import Iterable

from graphql import ConstDirectiveNode

from ..spec.link import Link

__all__ = ["FeatureNames"]


class FeatureNames:
    def __init__(self, links: list[Link]) -> None:
        self.links = links
        self._join = next(link for link in links if link.url.name == "join")
        inaccessible = next((link for link in links if link.url.name == "inaccessible"), None)
        self.inaccessible = inaccessible.directive_name("inaccessible") if inaccessible else None
        context = next((link for link in links if link.url.name == "context"), None)
        # without a context link, nothing can be @context: a name no directive has
        self.context = context.directive_name("context") if context else "@"
        self.join_type_d = self.join_directive("type")
        self.join_field = self.join_directive("field")

    def join_directive(self, name: str) -> str:
        return self._join.directive_name(name)

    def join_type(self, name: str) -> str:
        return f"{self._join.prefix}__{name}"

    def is_machinery_type(self, name: str) -> bool:
        """Types that belong to a linked spec (join__Graph, link__Purpose, ...)."""
        return any(link.owns_type(name) for link in self.links)

    def is_machinery_directive(self, name: str) -> bool:
        return any(link.owns_directive(name) for link in self.links)

    def has_inaccessible(self, directives: Iterable[ConstDirectiveNode] | None) -> bool:
        if self.inaccessible is None:
            return False
        return any(d.name.value == self.inaccessible for d in directives or ())
