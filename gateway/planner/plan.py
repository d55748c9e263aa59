"""Query plan nodes: the planner's output and the executor's input (CORE DATA #2).

Logic-free, frozen and slotted. The shapes follow Apollo's query plan so that plans print in
Apollo's text format (see ``format.py``) and can be diffed against other gateways' plans.

A plan is a tree::

    QueryPlan
      └ PlanNode = Fetch | Flatten | Sequence | Parallel | Condition

* ``Fetch`` sends one operation to one subgraph. A root fetch merges its ``data`` at the response
  root; an entity fetch (``requires`` is set) sends ``representations`` built from the objects at
  the enclosing ``Flatten`` path and merges each ``_entities`` item back into its object.
* ``Flatten`` names where in the response an entity fetch reads its inputs and writes its outputs.
  Path elements are response keys; ``"@"`` stands for every item of a list.
* ``BatchFetch`` sends several entity fetches to one subgraph as one request.
* ``Sequence`` runs its nodes one after another, ``Parallel`` concurrently.
* ``Condition`` picks a branch on a boolean variable (``@skip``/``@include`` on variables).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = [
    "BatchFetch",
    "Condition",
    "DeferredBlock",
    "Fetch",
    "FetchRewrite",
    "Flatten",
    "KeyRenamer",
    "Parallel",
    "PlanNode",
    "QueryPlan",
    "ReqField",
    "ReqFragment",
    "ReqSelection",
    "Sequence",
    "ValueSetter",
]


@dataclass(frozen=True, slots=True)
class ReqField:
    """A field of an entity representation.

    ``name`` is the key written into the representation; ``response_key`` is the key the value
    has in the merged response data (differs when the planner aliased the field to keep it apart
    from a client field of the same name with other arguments).
    """

    name: str
    response_key: str
    selections: tuple[ReqSelection, ...] = ()


@dataclass(frozen=True, slots=True)
class ReqFragment:
    """``... on Type { ... }`` inside a representation selection."""

    type_condition: str
    selections: tuple[ReqSelection, ...]


ReqSelection: TypeAlias = ReqField | ReqFragment


@dataclass(frozen=True, slots=True)
class ValueSetter:
    """Input rewrite: set the value at ``path`` (``"... on T"`` elements filter by type)."""

    path: tuple[str, ...]
    set_value_to: str


@dataclass(frozen=True, slots=True)
class KeyRenamer:
    """Output rewrite: move the value at ``path`` to the key ``rename_key_to``."""

    path: tuple[str, ...]
    rename_key_to: str


FetchRewrite: TypeAlias = ValueSetter | KeyRenamer


@dataclass(frozen=True, slots=True)
class Fetch:
    """One request to one subgraph.

    ``operation`` is the complete GraphQL document sent to the subgraph; ``variable_usages`` the
    client variables it declares (forwarded as they are). For an entity fetch, ``requires`` is the
    selection used to build each representation and the operation takes ``$representations``.
    """

    service: str
    operation: str
    operation_kind: Literal["query", "mutation", "subscription"] = "query"
    variable_usages: tuple[str, ...] = ()
    requires: tuple[ReqSelection, ...] | None = None
    input_rewrites: tuple[FetchRewrite, ...] = ()
    output_rewrites: tuple[FetchRewrite, ...] = ()
    id: int | None = None
    # @fromContext arguments: (variable, its type) declared by the operation, and where each
    # variable's value is read from each entity object (``..`` one object up; Apollo's
    # ``contextRewrites``). Representations with other values go in other ``_entities`` calls.
    context_variables: tuple[tuple[str, str], ...] = ()
    context_rewrites: tuple[KeyRenamer, ...] = ()

    @property
    def is_entity_fetch(self) -> bool:
        return self.requires is not None


@dataclass(frozen=True, slots=True)
class Flatten:
    path: tuple[str, ...]
    node: Fetch


@dataclass(frozen=True, slots=True)
class BatchFetch:
    """Several entity fetches to one subgraph sent as one request.

    ``operation`` selects ``_entities`` once per entry, as ``_<i>: _entities(representations:
    $r<i>)``. Each entry is the ``Flatten`` that would run alone: its path, representation
    selection and rewrites apply to the entry's part of the answer."""

    service: str
    operation: str
    entries: tuple[Flatten, ...]
    variable_usages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sequence:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class Parallel:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class Condition:
    condition: str
    if_clause: PlanNode | None
    else_clause: PlanNode | None


PlanNode: TypeAlias = Fetch | Flatten | BatchFetch | Sequence | Parallel | Condition


@dataclass(frozen=True, slots=True)
class DeferredBlock:
    """@defer: one deferred fragment's fetches (Apollo's ``DeferredNode``), run after the
    part that encloses it (``parent``: another block's ``index``; None: the primary part).

    ``index`` numbers the operation's @defer fragments in document order; ``condition`` is
    the variable of ``@defer(if: $v)`` (deferred only when true, else run with the enclosing
    part); ``path`` the query path of the deferred object (``@``: list items); ``depends``
    the ids of the enclosing part's fetches it reads; ``node`` None where the fields come
    with the enclosing part (delivered later all the same); ``subselection`` the deferred
    selection, as Apollo's plans print it."""

    index: int
    label: str | None
    condition: str | None
    parent: int | None
    path: tuple[str, ...]
    depends: tuple[int, ...]
    node: PlanNode | None
    subselection: str = ""


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """The plan for one operation. ``node`` is None when nothing needs fetching
    (e.g. ``{ __typename }`` or pure introspection). ``deferred``: @defer blocks, only when
    the planner plans incremental delivery (``node`` is then the primary part)."""

    node: PlanNode | None
    deferred: tuple[DeferredBlock, ...] = ()
