"""``Cache-Control`` both ways: a subgraph response's header → how long its data may be kept
(``policy_of``), and the parts a client response was made of → its header (``ResponsePolicy``).

We are a shared cache (RFC 9111): ``s-maxage`` wins over ``max-age``, ``Age`` is subtracted,
``no-store`` and ``no-cache`` (which forbids reuse without revalidation, and we do not
revalidate) are not stored, ``private`` is stored only in a private-id partition. A response
without the header is kept for the configured TTL, as Apollo Router does.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NO_STORE", "Policy", "ResponsePolicy", "policy_of"]


@dataclass(frozen=True, slots=True)
class Policy:
    """``ttl``: seconds the data may be kept (None: the configured default applies);
    ``private``: for one user only; ``no_store``: not to be kept at all."""

    ttl: float | None = None
    private: bool = False
    no_store: bool = False


NO_STORE = Policy(0.0, no_store=True)
_DEFAULT = Policy()


def policy_of(header: str | None, age: str | None = None) -> Policy:
    """The policy of one subgraph response's ``Cache-Control`` (and ``Age``) header."""
    if not header:
        return _DEFAULT
    max_age: float | None = None
    shared: float | None = None
    private = no_store = False
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        name = name.strip().lower()
        if name in ("no-store", "no-cache"):
            no_store = True
        elif name == "private":
            private = True
        elif name == "max-age":
            max_age = _seconds(value)
        elif name == "s-maxage":
            shared = _seconds(value)
    if no_store:
        return NO_STORE
    ttl = max_age if private or shared is None else shared
    if ttl is not None:
        ttl -= _seconds(age) or 0.0
        if ttl <= 0:
            return NO_STORE
    return Policy(ttl, private)


def _seconds(value: str | None) -> float | None:
    text = (value or "").strip().strip('"')
    return float(text) if text.isdigit() else None


class ResponsePolicy:
    """The client response's ``Cache-Control``, folded over its parts like Apollo Router:
    the smallest max-age, ``private`` if any part is, ``no-store`` if any part is."""

    __slots__ = ("max_age", "no_store", "private")

    def __init__(self) -> None:
        self.max_age: float | None = None
        self.private = False
        self.no_store = False

    def add(self, ttl: float, private: bool = False) -> None:
        self.max_age = ttl if self.max_age is None else min(self.max_age, ttl)
        self.private = self.private or private

    def forbid(self) -> None:
        self.no_store = True

    def header(self) -> str | None:
        if self.no_store:
            return "no-store"
        if self.max_age is None:
            return None
        scope = "private" if self.private else "public"
        return f"max-age={max(int(self.max_age), 0)}, {scope}"
