"""@defer marks on the normalised operation (``Fragment.defer``).

Each @defer fragment that may be deferred gets a number in document order (fragments are
expanded where they are spread, so a fragment spread twice defers twice, once per place, as
Apollo Router answers). ``@defer(if: false)`` is no defer at all; ``@defer(if: $v)`` is
deferred when ``$v`` is true at run time (``condition``). ``gateway.planner.defer_sites`` walks
the client's document in the same order, so both sides agree on the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    BooleanValueNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    StringValueNode,
    VariableNode,
)

__all__ = ["DeferCounter", "DeferMark", "defer_arguments", "defer_mark"]


@dataclass(frozen=True, slots=True)
class DeferMark:
    index: int
    label: str | None = None
    # the variable of ``@defer(if: $v)``; None: always deferred
    condition: str | None = None


class DeferCounter:
    """The next mark's number, during one operation's normalisation."""

    __slots__ = ("next",)

    def __init__(self) -> None:
        self.next = 0

    def take(self) -> int:
        index = self.next
        self.next += 1
        return index


def defer_arguments(
    node: InlineFragmentNode | FragmentSpreadNode,
) -> tuple[bool, str | None, str | None] | None:
    """(deferred at all, label, ``if`` variable) of a fragment's @defer; None without one.
    ``if: false`` gives ``(False, ...)``: the fragment is inline."""
    for directive in node.directives or ():
        if directive.name.value != "defer":
            continue
        label: str | None = None
        condition: str | None = None
        deferred = True
        for arg in directive.arguments or ():
            value = arg.value
            if arg.name.value == "label" and isinstance(value, StringValueNode):
                label = value.value
            elif arg.name.value == "if":
                if isinstance(value, BooleanValueNode):
                    deferred = value.value
                elif isinstance(value, VariableNode):
                    condition = value.name.value
        return deferred, label, condition
    return None


def defer_mark(
    node: InlineFragmentNode | FragmentSpreadNode, counter: DeferCounter | None
) -> DeferMark | None:
    if counter is None or not node.directives:
        return None
    found = defer_arguments(node)
    if found is None or not found[0]:
        return None
    _, label, condition = found
    return DeferMark(counter.take(), label, condition)
