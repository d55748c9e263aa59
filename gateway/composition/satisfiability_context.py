"""@context / @fromContext in satisfiability: a context must be set on the way to its use."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .model import Field, find_directive

if TYPE_CHECKING:
    from .satisfiability import State


def missing_context(state: State, f: Field) -> bool:
    """Whether an argument of the field needs a @context no type on the way here set."""
    for arg in f.args:
        directive = find_directive(arg.directives, "fromContext")
        match = (
            re.match(r"^\s*\$(\w+)", str(directive.args.get("field", ""))) if directive else None
        )
        if match is not None and match.group(1) not in state.contexts:
            return True
    return False
