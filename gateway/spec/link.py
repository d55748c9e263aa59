"""The link spec (https://specs.apollo.dev/link/v1.0): which features a schema uses, and the
names their directives and types have in it (``@link(url:, as:, import:, for:)``)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

__all__ = ["FeatureUrl", "Link", "parse_feature_url"]


@dataclass(frozen=True, slots=True)
class FeatureUrl:
    identity: str  # e.g. "https://specs.apollo.dev/join"
    name: str  # e.g. "join"
    version: tuple[int, int]

    @property
    def version_text(self) -> str:
        return f"v{self.version[0]}.{self.version[1]}"


@dataclass(frozen=True, slots=True)
class Link:
    """One ``@link`` on the schema, with the local names it gives to the feature's elements."""

    url: FeatureUrl
    prefix: str  # ``as`` or the feature name
    purpose: str | None  # SECURITY | EXECUTION | None
    imports: tuple[tuple[str, str], ...]  # (name in the spec, local name), directives with "@"

    def directive_name(self, name: str) -> str:
        """Local name of the spec directive ``@name`` (``name`` without ``@``)."""
        for original, local in self.imports:
            if original == "@" + name:
                return local[1:]
        if name == self.url.name:
            return self.prefix
        return f"{self.prefix}__{name}"

    def owns_directive(self, local: str) -> bool:
        if local == self.prefix or local.startswith(self.prefix + "__"):
            return True
        return any(imported == "@" + local for _, imported in self.imports)

    def owns_type(self, local: str) -> bool:
        if local.startswith(self.prefix + "__"):
            return True
        return any(imported == local for _, imported in self.imports)


def parse_feature_url(url: str) -> FeatureUrl | None:
    """``https://specs.apollo.dev/join/v0.3`` → FeatureUrl; None when not a feature URL."""
    parsed = urlparse(url)
    parts = [p for p in parsed.path.split("/") if p]
    if len(parts) < 2 or not parts[-1].startswith("v"):
        return None
    try:
        major, minor = (int(x) for x in parts[-1][1:].split("."))
    except ValueError:
        return None
    name = parts[-2]
    identity = f"{parsed.scheme}://{parsed.netloc}/" + "/".join(parts[:-1])
    return FeatureUrl(identity=identity, name=name, version=(major, minor))
