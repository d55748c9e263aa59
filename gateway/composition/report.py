"""Human (text) and machine (JSON) renderings of composition results."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .diff import SchemaChange
from .model import CompositionError, Hint


def error_text(error: CompositionError) -> str:
    lines = [f"error[{error.code}]: {error.message}"]
    if error.locations:
        lines.append("  --> " + ", ".join(str(loc) for loc in error.locations))
    details = []
    if error.subgraphs:
        details.append("subgraphs: " + ", ".join(error.subgraphs))
    if error.element:
        details.append(f"element: {error.element}")
    if details:
        lines.append("  " + "; ".join(details))
    if error.fix:
        lines.append(f"  fix: {error.fix}")
    return "\n".join(lines)


def hint_text(hint: Hint) -> str:
    return f"hint[{hint.code}]: {hint.message}"


def text_report(
    errors: Sequence[CompositionError],
    hints: Sequence[Hint],
    changes: Sequence[SchemaChange] = (),
) -> str:
    parts = [error_text(e) for e in errors] + [hint_text(h) for h in hints]
    breaking = [c for c in changes if c.breaking]
    safe = [c for c in changes if not c.breaking]
    if breaking:
        parts.append(
            "Breaking changes:\n" + "\n".join(f"  - [{c.kind}] {c.description}" for c in breaking)
        )
    if safe:
        parts.append("Safe changes:\n" + "\n".join(f"  - [{c.kind}] {c.description}" for c in safe))
    if errors:
        parts.append(f"{len(errors)} error{'s' if len(errors) != 1 else ''}.")
    return "\n".join(parts)


def json_report(
    ok: bool,
    errors: Sequence[CompositionError],
    hints: Sequence[Hint],
    changes: Sequence[SchemaChange] = (),
) -> str:
    payload = {
        "ok": ok,
        "errors": [e.as_dict() for e in errors],
        "hints": [h.as_dict() for h in hints],
        "breaking_changes": [c.as_dict() for c in changes if c.breaking],
        "safe_changes": [c.as_dict() for c in changes if not c.breaking],
    }
    return json.dumps(payload, indent=2, sort_keys=True)
