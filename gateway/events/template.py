"""Subjects with argument templates, as Cosmo writes them: ``employee.{{ args.id }}`` is the
subject for ``employee(id: 7)`` → ``employee.7``. A template naming an argument the operation
does not give is refused (no subject would be right)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson

__all__ = ["TemplateError", "render"]

_PLACEHOLDER = re.compile(r"\{\{\s*args\.(\w+)\s*\}\}")


class TemplateError(Exception):
    pass


def render(template: str, arguments: Mapping[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in arguments or arguments[name] is None:
            raise TemplateError(f"the subject {template!r} needs the argument {name!r}")
        found = arguments[name]
        return found if isinstance(found, str) else orjson.dumps(found).decode()

    return _PLACEHOLDER.sub(value, template)
