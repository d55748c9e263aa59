"""Placement rules of the events directives (events_spec.py) in a subgraph: a subscribe
directive on a ``Subscription`` field returning an entity whose fields in this subgraph are
its key fields (a message carries the keys, the other subgraphs the rest); a publish
directive on a ``Mutation`` field returning ``edfs__PublishResult``."""

from __future__ import annotations

from .errors import subgraph_error
from .events_spec import PUBLISH_DIRECTIVES, PUBLISH_RESULT, SUBSCRIBE_DIRECTIVES
from .fieldset import top_level_fields
from .model import CompositionError, Directive, Field, Subgraph, TypeDef, named_type

_CODE = "EVENT_DIRECTIVE_INVALID"


def validate_events(sg: Subgraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    for td in sg.types.values():
        for f in td.fields:
            for d in f.directives:
                if d.name in SUBSCRIBE_DIRECTIVES:
                    errors += _problems(sg, td, f, d, _subscribe_problem(sg, td, f))
                elif d.name in PUBLISH_DIRECTIVES:
                    errors += _problems(sg, td, f, d, _publish_problem(td, f))
    return errors


def _problems(
    sg: Subgraph, td: TypeDef, f: Field, d: Directive, problem: str | None
) -> list[CompositionError]:
    if problem is None:
        return []
    coordinate = f"{td.name}.{f.name}"
    return [
        subgraph_error(
            sg,
            _CODE,
            f'@{d.name} on "{coordinate}": {problem}',
            element=coordinate,
            loc=d.loc,
            fix="See docs/events.md: subscribe directives go on Subscription fields returning "
            "an entity (key fields only, resolvable: false), publish directives on Mutation "
            "fields returning edfs__PublishResult!.",
        )
    ]


def _subscribe_problem(sg: Subgraph, td: TypeDef, f: Field) -> str | None:
    if td.name != "Subscription":
        return "a subscribe directive belongs on a field of the Subscription type"
    entity = sg.types.get(named_type(f.type))
    keys = [k for k in entity.all_directives("key")] if entity is not None else []
    if entity is None or not keys:
        return "the field must return an entity type (an object type with @key)"
    key_fields = {name for k in keys for name in top_level_fields(str(k.args.get("fields", "")))}
    extra = [g.name for g in entity.fields if g.name not in key_fields]
    if extra:
        return (
            f'"{entity.name}" may only have its key fields here (a message carries the keys); '
            f"move {', '.join(extra)} to the subgraph that resolves it"
        )
    return None


def _publish_problem(td: TypeDef, f: Field) -> str | None:
    if td.name != "Mutation":
        return "a publish directive belongs on a field of the Mutation type"
    if f.type != f"{PUBLISH_RESULT}!":
        shape = f"type {PUBLISH_RESULT} {{ success: Boolean! }}"
        return f"the field must return {PUBLISH_RESULT}! ({shape})"
    return None
