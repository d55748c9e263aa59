"""Progressive ``@override(from:, label:)`` (join ``overrideLabel``): which owner of a field
is in force is decided per request, by the set of *active* labels.

During a progressive override the supergraph keeps both owners: the new one with
``override:`` and ``overrideLabel:``, the old one with ``overrideLabel:`` alone. A label
that is active puts the field on its new owner, an inactive one leaves it on its old owner.
``percent(N)`` labels are rolled once per request (N% of requests take the new owner); any
other label is active when the configuration (``override_labels``) or the request's hook
names it, as Apollo Router resolves them (its ``apollo_override::labels_to_override``).

Plans depend on the active labels, so the planner plans once per label *set* (the pipeline's
cache key includes it), never once per request.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..supergraph.model import JoinField, Supergraph

__all__ = [
    "LabelRequest",
    "OverrideLabelHook",
    "OverrideLabels",
    "join_in_force",
    "percent_of",
    "supergraph_labels",
]

_PERCENT = re.compile(r"percent\((\d{1,3}(?:\.\d+)?)\)")


def percent_of(label: str) -> float | None:
    """``percent(25)`` → 25.0; None for any other label."""
    m = _PERCENT.fullmatch(label)
    return float(m.group(1)) if m else None


def supergraph_labels(supergraph: Supergraph) -> frozenset[str]:
    return frozenset(
        j.override_label
        for t in supergraph.types.values()
        for f in t.fields.values()
        for j in f.joins
        if j.override_label is not None
    )


def join_in_force(join: JoinField, labels: frozenset[str]) -> bool:
    """Whether a field's join holds under the active ``labels``: a labelled override holds
    only while its label is active, the old owner's join only while it is not."""
    if join.override_label is None:
        return True
    active = join.override_label in labels
    return active if join.override is not None else not active


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """What a label hook sees of a request: the operation, and the labels of the supergraph
    that neither a roll nor the configuration decided (Apollo Router's
    ``apollo_override::unresolved_labels``)."""

    query: str
    operation_name: str | None
    variables: Mapping[str, Any]
    unresolved: frozenset[str]


OverrideLabelHook = Callable[[LabelRequest], Iterable[str]]
"""Returns the labels to turn on for one request (Router's ``labels_to_override``)."""


@dataclass(frozen=True, slots=True)
class OverrideLabels:
    """The labels of one supergraph and how each request resolves them."""

    percents: tuple[tuple[str, float], ...]
    named: frozenset[str]  # labels that only configuration or a hook turns on
    configured: frozenset[str]

    @classmethod
    def of(cls, supergraph: Supergraph, configured: Iterable[str] = ()) -> OverrideLabels:
        labels = supergraph_labels(supergraph)
        percents = []
        for label in sorted(labels):
            n = percent_of(label)
            if n is not None:
                percents.append((label, n))
        named = frozenset(label for label in labels if percent_of(label) is None)
        return cls(tuple(percents), named, frozenset(configured) & named)

    @property
    def unresolved(self) -> frozenset[str]:
        """Labels neither rolled nor configured: what a request hook may turn on."""
        return self.named - self.configured

    def any(self) -> bool:
        return bool(self.percents or self.named)

    def roll(self, rng: random.Random, requested: Iterable[str] = ()) -> frozenset[str]:
        """The active labels of one request: each percent label drawn once, plus the
        configured labels and those the request asks for (unknown names are ignored)."""
        active = set(self.configured)
        active.update(label for label in requested if label in self.named)
        for label, percent in self.percents:
            if rng.random() * 100 < percent:
                active.add(label)
        return frozenset(active)
