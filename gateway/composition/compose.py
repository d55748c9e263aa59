"""Composition: subgraph SDLs in, supergraph SDL (or a list of errors) out.

The stages, in order:

1. parse each subgraph SDL, read its federation ``@link`` (imports, renames) so federation
   directives get canonical names, and check it is valid GraphQL (``parse``,
   ``validate_graphql``); then check that Federation 1 type extensions have a base;
2. normalise (Federation 1 semantics, type-level directives) and validate each subgraph on its
   own (``normalise``, ``validate_subgraph``);
3. merge every type into the supergraph model (``merge``);
4. validate the merged result (``validate_merged``), reported together with merge errors;
5. check satisfiability: every field can be reached by a query plan (``satisfiability``);
6. print the supergraph SDL (``printer``).

Stages 1 and 2 report the errors of every subgraph; composition stops after a stage that found
errors, so that later messages are never consequences of earlier ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..gc_pause import gc_paused
from .context import MergeContext
from .links import LATEST_VERSION
from .merge import merge
from .model import (
    CompositionError,
    CompositionFailure,
    CompositionResult,
    CompositionSuccess,
    Hint,
    Location,
    Subgraph,
    SubgraphSource,
)
from .normalise import normalise
from .parse import build_subgraph, detect_link, parse_document
from .printer import print_supergraph
from .satisfiability import check_satisfiability
from .validate_externals_merged import check_extensions_have_base
from .validate_graphql import validate_document
from .validate_merged import validate_merged
from .validate_subgraph import validate_subgraph


def parse_subgraphs(
    sources: Sequence[SubgraphSource], latest: tuple[int, int] = LATEST_VERSION
) -> tuple[list[Subgraph], list[CompositionError]]:
    subgraphs: list[Subgraph] = []
    errors: list[CompositionError] = []
    for source in sorted(sources, key=lambda s: s.name):
        doc = parse_document(source)
        if isinstance(doc, CompositionError):
            errors.append(doc)
            continue
        link = detect_link(doc, latest)
        problems = validate_document(source, doc, link)
        errors.extend(problems)
        if not problems:
            subgraphs.append(build_subgraph(source, doc, link))
    return subgraphs, errors


def _failure(errors: Sequence[CompositionError], hints: Sequence[Hint] = ()) -> CompositionFailure:
    return CompositionFailure(errors=tuple(errors), hints=tuple(hints))


def compose(
    sources: Sequence[SubgraphSource], *, latest: tuple[int, int] = LATEST_VERSION
) -> CompositionResult:
    """Compose subgraphs into a supergraph; deterministic for the same input.

    ``latest`` is the newest federation version a subgraph may link: a pinned
    ``federation_version: =2.X.Y`` composes as composition 2.X, which knows no later one.
    """
    with gc_paused():  # the subgraph trees and the merged model live to the end: gc_pause.py
        return _compose(sources, latest)


def _compose(sources: Sequence[SubgraphSource], latest: tuple[int, int]) -> CompositionResult:
    if not sources:
        return _failure([_no_subgraphs()])
    reserved = [_reserved_name(s) for s in sources if s.name == "_"]
    if reserved:
        return _failure(reserved)
    subgraphs, errors = parse_subgraphs(sources, latest)
    if not errors:
        errors = check_extensions_have_base(subgraphs, fed1=True)
        if errors:
            return _failure(errors)
    subgraphs = [normalise(sg) for sg in subgraphs]
    errors += [e for sg in subgraphs for e in validate_subgraph(sg)]
    if errors:
        return _failure(errors)
    ctx = MergeContext(tuple(subgraphs))
    supergraph = merge(ctx)
    validate_merged(ctx, supergraph)
    if not ctx.errors:
        check_satisfiability(ctx, supergraph)
    if ctx.errors:
        return _failure(ctx.errors, ctx.hints)
    return CompositionSuccess(print_supergraph(supergraph), tuple(ctx.hints))


def _reserved_name(source: SubgraphSource) -> CompositionError:
    return CompositionError(
        code="INVALID_SUBGRAPH_NAME",
        message=f"[{source.name}] Invalid name {source.name} for a subgraph: this name is reserved",
        subgraphs=(source.name,),
        element=source.name,
        locations=(Location(source.origin, 1, 1),),
        fix="Rename the subgraph in the configuration.",
    )


def _no_subgraphs() -> CompositionError:
    return CompositionError(
        code="NO_SUBGRAPHS",
        message="No subgraphs to compose.",
        fix="List at least one subgraph under `subgraphs:` in the configuration.",
    )
