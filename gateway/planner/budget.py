"""Budgets that refuse hostile operations before they cost anything (see docs/decisions).

One pass over the parsed document, before graphql-core validates it, measures what the later
stages pay for: the field depth, the selections once every fragment spread is expanded (a
"fragment bomb" of 20 fragments, each spreading the next twice, is 900 bytes of text and
2^20 selections), the aliases, and the fields that share one response key in one selection
set (graphql-core's OverlappingFieldsCanBeMerged compares those pairwise). Each fragment is
measured once, bottom-up with memoisation, so the pass is linear in the document's text,
never in its expansion. Identical sibling selections (``a: name a: name``) are dropped first:
they mean exactly what one of them means, and they would cost validation a comparison per pair.

The limits live in one frozen dataclass (``Limits``) so that configuration can set them; the
defaults never refuse a reasonable operation (the benchmark's heavy query uses a few percent
of each) and keep the planner's worst case in milliseconds.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from graphql import (
    DefinitionNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    print_ast,
)

__all__ = ["DEFAULT_LIMITS", "BudgetExceeded", "Limits", "check_document", "check_text"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-operation budgets. The names follow Apollo Router's ``limits`` where one exists."""

    # field nesting, fragments counted where they are spread (Apollo: max_depth)
    max_depth: int = 100
    # selection sets inside one another, fragments included: what every recursive stage
    # (normalisation, planning, shaping) pays a few stack frames for
    max_nesting: int = 150
    # fields and fragments once every spread is expanded (Apollo: max_recursive_selections)
    max_selections: int = 10_000
    # distinct aliased response keys, summed over the selection sets (Apollo: max_aliases)
    max_aliases: int = 1_000
    # fields that share one response key in one selection set, identical ones counted once
    max_fields_per_key: int = 100
    # validation errors reported (graphql-core then adds one saying it stopped)
    max_validation_errors: int = 100
    # fetch groups the planner may create for one operation (plan size and planner work)
    max_fetch_groups: int = 500
    # lexical tokens the parser reads before giving up (Apollo: parser_max_tokens)
    max_tokens: int = 15_000
    # brackets ({ ( [) open inside one another in the text, checked before parsing
    # (Apollo: parser_max_recursion; graphql-core itself stops somewhat below 200)
    max_recursion: int = 500
    # Apollo Router's opt-in limits (None: no limit): fields counted once per response key
    # in a selection set, fragments counted where spread (max_height); distinct response
    # keys at the operation's root, through fragments (max_root_fields)
    max_height: int | None = None
    max_root_fields: int | None = None
    # Apollo's warn_only: max_depth, max_height, max_root_fields and max_aliases log a
    # warning instead of refusing (fedgate's own budgets still refuse)
    warn_only: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if type(value) is int and value < 1:
                raise ValueError(f"limit {f.name} must be at least 1")


DEFAULT_LIMITS = Limits()

_Size = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class BudgetExceeded:
    """Why an operation is refused: the message and the ``extensions.code``. ``waivable``:
    one of Apollo's operation limits, which ``warn_only`` turns into a logged warning."""

    message: str
    code: str
    waivable: bool = False


_log = logging.getLogger("gateway.limits")


def check_text(query: str, limits: Limits = DEFAULT_LIMITS) -> BudgetExceeded | None:
    """``parser_max_recursion``, before parsing: the deepest nesting of brackets, outside
    strings and comments, in one pass over the text."""
    if len(query) // 2 <= limits.max_recursion:
        return None  # too short to nest that deep (each level is at least two characters)
    depth = 0
    for match in _BRACKETS.finditer(query):
        char = match.group()
        if char in "{([":
            depth += 1
            if depth > limits.max_recursion:
                return BudgetExceeded(
                    f"parser recursion limit reached (limits.parser_max_recursion: "
                    f"{limits.max_recursion})",
                    "GRAPHQL_PARSE_FAILED",
                )
        elif char in "})]":
            depth -= 1
    return None


# brackets, and the strings and comments whose brackets do not count
_BRACKETS = re.compile(r'"""(?:\\"""|[^"]|"(?!""))*"""|"(?:\\.|[^"\\\n])*"|#[^\n]*|[{}()\[\]]')


def check_document(
    document: DocumentNode, limits: Limits = DEFAULT_LIMITS
) -> tuple[DocumentNode, BudgetExceeded | None]:
    """``document`` without identical sibling selections, and the first budget it exceeds
    (or None). Runs before validation, so unknown fragments count as empty and a fragment
    cycle (which validation reports) as nothing."""
    try:
        return _check_document(document, limits)
    except RecursionError:
        # Only a document built in code (the parser bounds nesting) with limits lifted far
        # beyond the defaults gets here: it is too deep all the same.
        return document, BudgetExceeded("The operation nests too deeply.", "MAX_DEPTH_LIMIT")


def _check_document(
    document: DocumentNode, limits: Limits
) -> tuple[DocumentNode, BudgetExceeded | None]:
    # Sizes as written (a spread twice costs twice, as Apollo counts recursive selections)...
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    measure = _Measure(fragments, limits)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for op in operations:
        measure.operation(op)
    found = measure.found
    if any(not e.waivable for e in found):
        return document, _first(found, limits)
    if limits.max_height is not None or limits.max_root_fields is not None:
        found.extend(_apollo_counts(operations, fragments, limits))
    # ... response keys as validation will see them: without identical siblings.
    deduper = _Deduper()
    definitions: list[DefinitionNode] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            selection_set = deduper.selection_set(definition.selection_set)
            if selection_set is not definition.selection_set:
                definition = replace(definition, selection_set=selection_set)
        definitions.append(definition)
    if any(a is not b for a, b in zip(definitions, document.definitions, strict=True)):
        document = replace(document, definitions=tuple(definitions))
    if deduper.aliases > limits.max_aliases:
        msg = f"The operation uses more than {limits.max_aliases} aliases (the limit)."
        found.append(BudgetExceeded(msg, "MAX_ALIASES_LIMIT", waivable=True))
    count, key = deduper.widest
    if count > limits.max_fields_per_key:
        msg = (
            f"The operation selects more than {limits.max_fields_per_key} different fields "
            f"at response key '{key}' in one selection set (the limit)."
        )
        found.append(BudgetExceeded(msg, "OPERATION_TOO_COMPLEX"))
    return document, _first(found, limits)


def _first(found: list[BudgetExceeded], limits: Limits) -> BudgetExceeded | None:
    """The first limit that refuses the operation; with ``warn_only``, Apollo's operation
    limits are logged instead."""
    for exceeded in found:
        if exceeded.waivable and limits.warn_only:
            _log.warning("operation limit exceeded (warn_only): %s", exceeded.message)
            continue
        return exceeded
    return None


def _apollo_counts(
    operations: list[OperationDefinitionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    limits: Limits,
) -> list[BudgetExceeded]:
    """Apollo Router's ``max_height`` and ``max_root_fields``, each operation on its own."""
    found: list[BudgetExceeded] = []
    height = _Height(fragments)
    for op in operations:
        if limits.max_root_fields is not None:
            roots = len(_root_keys(op.selection_set, fragments, set()))
            if roots > limits.max_root_fields:
                msg = (
                    f"The operation selects more than {limits.max_root_fields} root fields "
                    "(the limit)."
                )
                found.append(BudgetExceeded(msg, "MAX_ROOT_FIELDS_LIMIT", waivable=True))
        if limits.max_height is not None and height.of((op.selection_set,)) > limits.max_height:
            msg = f"The operation selects more than {limits.max_height} fields (the limit)."
            found.append(BudgetExceeded(msg, "MAX_HEIGHT_LIMIT", waivable=True))
    return found


def _root_keys(
    node: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode], seen: set[str]
) -> set[str]:
    """Response keys of a root selection set, through inline fragments and spreads."""
    keys: set[str] = set()
    for sel in node.selections:
        if isinstance(sel, FieldNode):
            keys.add(sel.alias.value if sel.alias else sel.name.value)
        elif isinstance(sel, InlineFragmentNode):
            keys |= _root_keys(sel.selection_set, fragments, seen)
        elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
            seen.add(sel.name.value)
            definition = fragments.get(sel.name.value)
            if definition is not None:
                keys |= _root_keys(definition.selection_set, fragments, seen)
    return keys


class _Height:
    """Apollo's height: the fields of a selection set, those sharing a response key counted
    once (their sub-selections merged), inline fragments' fields part of the set; a named
    fragment counts its own height where it is spread, measured once (memoised)."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self._memo: dict[str, int] = {}

    def of(self, sets: tuple[SelectionSetNode, ...]) -> int:
        by_key: dict[str, list[SelectionSetNode]] = {}
        spreads = 0
        stack = list(sets)
        while stack:
            for sel in stack.pop().selections:
                if isinstance(sel, FieldNode):
                    subs = by_key.setdefault(sel.alias.value if sel.alias else sel.name.value, [])
                    if sel.selection_set is not None:
                        subs.append(sel.selection_set)
                elif isinstance(sel, InlineFragmentNode):
                    stack.append(sel.selection_set)
                elif isinstance(sel, FragmentSpreadNode):
                    spreads += self._fragment(sel.name.value)
        return spreads + sum(1 + (self.of(tuple(subs)) if subs else 0) for subs in by_key.values())

    def _fragment(self, name: str) -> int:
        if name not in self._memo:
            self._memo[name] = 0  # a cycle counts nothing (validation reports it)
            definition = self.fragments.get(name)
            if definition is not None:
                self._memo[name] = self.of((definition.selection_set,))
        return self._memo[name]


class _Measure:
    """Expanded selections, field depth and nesting of each operation, fragments measured
    once each (bottom-up, memoised)."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode], limits: Limits) -> None:
        self.fragments = fragments
        self.limits = limits
        self.found: list[BudgetExceeded] = []
        # fragment name → its (expanded selections, field depth, nesting); None while measured
        self._memo: dict[str, _Size | None] = {}

    def operation(self, op: OperationDefinitionNode) -> None:
        if any(not e.waivable for e in self.found):
            return
        size, depth, nesting = self._selection_set(op.selection_set, 1)
        limits = self.limits
        if nesting > limits.max_nesting:
            msg = (
                f"The operation nests selection sets (fields and fragments) more than "
                f"{limits.max_nesting} levels deep (the limit)."
            )
            self.found.append(BudgetExceeded(msg, "MAX_DEPTH_LIMIT"))
        elif size > limits.max_selections:
            msg = (
                f"The operation selects more than {limits.max_selections} fields and fragments "
                "once its fragments are expanded (the limit)."
            )
            self.found.append(BudgetExceeded(msg, "OPERATION_TOO_COMPLEX"))
        if depth > limits.max_depth:
            msg = (
                f"The operation nests fields more than {limits.max_depth} levels deep (the limit)."
            )
            self.found.insert(0, BudgetExceeded(msg, "MAX_DEPTH_LIMIT", waivable=True))

    def _selection_set(self, node: SelectionSetNode, level: int) -> _Size:
        """(expanded selections, field depth, nesting) of a selection set at nesting ``level``.
        The recursion stops past the nesting limit (whatever is below is refused anyway), and
        each fragment is measured once."""
        if level > self.limits.max_nesting:
            return (0, 0, 1)
        size = depth = nesting = 0
        for sel in node.selections:
            sub: _Size = (0, 0, 0)
            if isinstance(sel, FieldNode):
                if sel.selection_set is not None:
                    sub = self._selection_set(sel.selection_set, level + 1)
                sub = (sub[0], sub[1] + 1, sub[2])
            elif isinstance(sel, InlineFragmentNode):
                sub = self._selection_set(sel.selection_set, level + 1)
            elif isinstance(sel, FragmentSpreadNode):
                sub = self._fragment(sel.name.value, level + 1)
            size += 1 + sub[0]
            depth = max(depth, sub[1])
            nesting = max(nesting, sub[2])
            if size > self.limits.max_selections:
                break  # refused anyway: stop before the numbers grow any further
        return size, depth, nesting + 1

    def _fragment(self, name: str, level: int) -> _Size:
        if name in self._memo:
            return self._memo[name] or (0, 0, 0)  # None: a cycle, which validation reports
        definition = self.fragments.get(name)
        if definition is None:
            return (0, 0, 0)  # unknown: validation reports it
        self._memo[name] = None
        measured = self._selection_set(definition.selection_set, level)
        self._memo[name] = measured
        return measured


class _Deduper:
    """Drops selections identical to an earlier sibling (they mean what one of them means,
    and validation would compare every pair); counts the distinct aliases and the widest
    response key. The AST is immutable: changed levels are copies. Cheap signatures find the
    candidates; only those are printed to be compared."""

    def __init__(self) -> None:
        self.aliases = 0
        self.widest: tuple[int, str] = (0, "")

    def selection_set(self, node: SelectionSetNode, *, keys: bool = True) -> SelectionSetNode:
        """``keys``: count the response keys here, through inline fragments (not again for
        an inline fragment's own selection set)."""
        sels = node.selections
        signatures = [_signature(sel) for sel in sels]
        repeated = Counter(signatures) if len(set(signatures)) < len(signatures) else None
        kept: list[SelectionNode] = []
        printed: set[str] = set()
        aliases: set[str] = set()
        response_keys: set[str] = set()
        wide = False  # an inline fragment or a response key twice: count the keys properly
        changed = False
        for sel, signature in zip(sels, signatures, strict=True):
            if repeated is not None and repeated[signature] > 1:
                text = print_ast(sel)
                if text in printed:
                    changed = True
                    continue
                printed.add(text)
            if isinstance(sel, FieldNode):
                key = signature[1] or signature[2]
                wide = wide or key in response_keys
                response_keys.add(key)
                if signature[1]:
                    aliases.add(signature[1])
            if isinstance(sel, FieldNode | InlineFragmentNode) and sel.selection_set is not None:
                inline = isinstance(sel, InlineFragmentNode)
                wide = wide or inline
                sub = self.selection_set(sel.selection_set, keys=not inline)
                if sub is not sel.selection_set:
                    sel = replace(sel, selection_set=sub)
                    changed = True
            kept.append(sel)
        self.aliases += len(aliases)
        if changed:
            node = replace(node, selections=tuple(kept))
        if keys and wide:
            self._count_keys(node)
        return node

    def _count_keys(self, node: SelectionSetNode) -> None:
        """Fields per response key through inline fragments (not spreads: the validation
        rule compares a fragment with another once, however often it is spread)."""
        counts: dict[str, int] = {}
        stack = [node]
        while stack:
            for sel in stack.pop().selections:
                if isinstance(sel, FieldNode):
                    key = sel.alias.value if sel.alias else sel.name.value
                    counts[key] = counts.get(key, 0) + 1
                elif isinstance(sel, InlineFragmentNode):
                    stack.append(sel.selection_set)
        for key, count in counts.items():
            if count > self.widest[0]:
                self.widest = (count, key)


def _signature(sel: SelectionNode) -> tuple[str, ...]:
    if isinstance(sel, FieldNode):
        return ("f", sel.alias.value if sel.alias else "", sel.name.value)
    if isinstance(sel, InlineFragmentNode):
        return ("i", sel.type_condition.name.value if sel.type_condition else "")
    if isinstance(sel, FragmentSpreadNode):
        return ("s", sel.name.value)
    return ("?",)
