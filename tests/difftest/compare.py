"""Comparing answers, and the verdict of one operation.

Two answers agree when their ``data`` are deeply equal (object keys in any order, list items
in order) and both or neither have ``errors``. Key order is compared separately: a
different order is a lesser finding (GraphQL says the response follows the selection order).

The verdict: fedgate is the **odd one out** when Hive Router's planner and Apollo Gateway
agree and a fedgate mode differs from them; **references disagree** when Hive and Apollo
differ and fedgate answers as one of them, or follows one of them at every value when each
is wrong somewhere else (not counted against fedgate); **other** when the references differ
and fedgate answers as neither, or its two modes differ from each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Outcome", "Verdict", "key_order_differs", "outcome", "verdict"]

# "refs_wrong": both references agree on an answer the spec rules out and fedgate gives the
# spec's (a known deviation, ``spec.py``); the harness turns an "odd" verdict into it.
Kind = Literal["agree", "odd", "refs_disagree", "other", "refs_wrong"]


@dataclass(frozen=True, slots=True)
class Outcome:
    data: Any
    errors: bool
    failed: bool = False  # a reference crashed or timed out: agrees with nothing

    def as_json(self) -> dict[str, Any]:
        return {"data": self.data, "errors": self.errors}


def outcome(body: dict[str, Any]) -> Outcome:
    return Outcome(body.get("data"), bool(body.get("errors")), bool(body.get("failed")))


def key_order_differs(a: Any, b: Any) -> bool:
    """Equal data whose object keys come in a different order somewhere."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return True
        return any(key_order_differs(a[k], b[k]) for k in a if k in b)
    if isinstance(a, list) and isinstance(b, list):
        return any(key_order_differs(x, y) for x, y in zip(a, b, strict=False))
    return False


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: Kind
    modes: tuple[str, ...] = ()  # fedgate modes that differ from the agreed answer
    agreed: Outcome | None = None  # the references' answer, where they agree


def verdict(fedgate: dict[str, Outcome], hive: Outcome, apollo: Outcome | None) -> Verdict:
    """``apollo`` may be None when every fedgate mode agrees with Hive (not asked)."""
    if all(o == hive for o in fedgate.values()):
        return Verdict("agree", agreed=hive if apollo in (None, hive) else None)
    if apollo is None:
        raise ValueError("fedgate differs from Hive: Apollo must be asked")
    if apollo != hive or hive.failed:
        # Not counted against fedgate where it follows one of them; where it follows neither
        # (or its two modes differ) it is worth a look: "other".
        answers = list(fedgate.values())
        same_modes = all(o == answers[0] for o in answers)
        if same_modes and (answers[0] in (hive, apollo) or _follows_both(answers[0], hive, apollo)):
            return Verdict("refs_disagree")
        return Verdict("other")
    odd = tuple(mode for mode, o in fedgate.items() if o != hive)
    return Verdict("odd", odd, hive) if odd else Verdict("agree", agreed=hive)


def _follows_both(answer: Outcome, hive: Outcome, apollo: Outcome) -> bool:
    """Each reference wrong in a different place and fedgate with the other one at each."""
    refs = [r for r in (hive, apollo) if not r.failed]
    if len(refs) < 2 or answer.errors not in (hive.errors, apollo.errors):
        return False
    return _follows(answer.data, [r.data for r in refs])


def _follows(value: Any, refs: list[Any]) -> bool:
    """``value`` equals, at every path, the value there of at least one of ``refs``."""
    if isinstance(value, dict):
        objects = [r for r in refs if isinstance(r, dict)]
        if not objects:
            return False
        dropped = set().union(*objects) - value.keys()
        if any(all(key in r for r in objects) for key in dropped):
            return False  # every reference has it: leaving it out follows none
        for key, item in value.items():
            having = [r[key] for r in objects if key in r]
            if not having or not _follows(item, having):
                return False
        return True
    if isinstance(value, list):
        lists = [r for r in refs if isinstance(r, list) and len(r) == len(value)]
        return bool(lists) and all(
            _follows(item, [r[i] for r in lists]) for i, item in enumerate(value)
        )
    return value in refs
