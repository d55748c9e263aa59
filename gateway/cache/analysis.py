"""What a subgraph operation is, for the cache: worked out once per operation text (the plan
holds a few of them; the results are memoised by ``Shapes``).

An entity fetch selects ``_entities(representations: $v)`` once, or once per alias in a
batch (``_0: _entities(representations: $r0)``): each is an ``EntityPart`` whose selection is
hashed on its own, so the same entity selection shares entries whether it was sent alone or
batched. A root fetch is one part keyed by its whole selection (Apollo Router caches root
fields "as complete units"). The variables each part uses are listed: their values are part of
the key (an argument changes the answer).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    FragmentDefinitionNode,
    Node,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor

__all__ = ["EntityPart", "FetchShape", "RootField", "Shapes", "digest"]


def digest(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class EntityPart:
    alias: str  # the response key: "_entities", or "_<i>" in a batch
    variable: str  # the representations variable: "representations" or "r<i>"
    selection: str  # digest of the part's selection (and the fragments it may use)
    variables: tuple[str, ...]  # other variables its selection reads


@dataclass(frozen=True, slots=True)
class RootField:
    """A root field of a root fetch, for ``@cacheTag(format: "...{$args.x}")``."""

    name: str
    arguments: tuple[ArgumentNode, ...]


@dataclass(frozen=True, slots=True)
class FetchShape:
    query: bool  # only queries are cached (never mutations)
    entities: tuple[EntityPart, ...]
    root_selection: str
    root_variables: tuple[str, ...]
    root_fields: tuple[RootField, ...]


_MUTATION = FetchShape(False, (), "", (), ())


class Shapes:
    """Operation text → ``FetchShape``, memoised (a plan's texts are few and long-lived)."""

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[str, FetchShape] = {}

    def of(self, text: str) -> FetchShape:
        shape = self._known.get(text)
        if shape is None:
            shape = _analyse(text)
            if len(self._known) > 10_000:  # a bound, should plans churn (reloads)
                self._known.clear()
            self._known[text] = shape
        return shape


def _analyse(text: str) -> FetchShape:
    document = parse(text, no_location=True)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    if operation.operation is not OperationType.QUERY:
        return _MUTATION
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    extra = "".join(print_ast(f) for f in fragments)
    extra_vars = [v for f in fragments for v in _variables(f)]
    parts: list[EntityPart] = []
    roots: list[RootField] = []
    for selection in operation.selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value == "_entities":
            parts.append(_entity_part(selection, extra, extra_vars))
        elif isinstance(selection, FieldNode) and selection.name.value != "__typename":
            roots.append(RootField(selection.name.value, tuple(selection.arguments or ())))
    root_text = print_ast(operation.selection_set) + extra
    root_vars = tuple(dict.fromkeys([*_variables(operation.selection_set), *extra_vars]))
    return FetchShape(True, tuple(parts), digest(root_text), root_vars, tuple(roots))


def _entity_part(node: FieldNode, extra: str, extra_vars: list[str]) -> EntityPart:
    alias = node.alias.value if node.alias else node.name.value
    variable = ""
    for argument in node.arguments or ():
        if argument.name.value == "representations" and isinstance(argument.value, VariableNode):
            variable = argument.value.name.value
    selection = print_ast(node.selection_set) if node.selection_set else ""
    used = [*_variables(node.selection_set), *extra_vars] if node.selection_set else extra_vars
    return EntityPart(alias, variable, digest(selection + extra), tuple(dict.fromkeys(used)))


def _variables(node: Node | None) -> list[str]:
    found: list[str] = []

    class _Finder(Visitor):
        def enter_variable(self, variable: VariableNode, *_: Any) -> None:
            found.append(variable.name.value)

    if node is not None:
        visit(node, _Finder())
    return found
