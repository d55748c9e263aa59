"""Validation of one subgraph on its own: runs every rule family in turn."""

from __future__ import annotations

from .model import CompositionError, Subgraph
from .validate_directive_usage import validate_directive_usage
from .validate_entity_interfaces import validate_interface_keys
from .validate_events import validate_events
from .validate_external import validate_external
from .validate_interface_object import validate_interface_object
from .validate_keys import validate_keys
from .validate_requires_provides import validate_requires_provides

RULES = (
    validate_keys,
    validate_requires_provides,
    validate_external,
    validate_interface_object,
    validate_interface_keys,
    validate_directive_usage,
    validate_events,  # events: the edfs__ directives (docs/events.md)
)


def validate_subgraph(sg: Subgraph) -> list[CompositionError]:
    return [error for rule in RULES for error in rule(sg)]
