"""docs/errors.md is generated from the registries and current; every code the runtime's
source raises is registered."""

from __future__ import annotations

import re
from pathlib import Path

from gateway.error_codes import RUNTIME_CODES, render_markdown

ROOT = Path(__file__).parent.parent

_EXPORTS = re.compile(r"^__all__\s*=\s*\[[^\]]*\]", re.M)
# `code="X"`, `code: str = "X"`, `NAME = "X"` constants and positional codes after a message
_USE = re.compile(r'(?:code\s*[:=][^"\n]*|^[A-Z_]+\s*=\s*|,\s*)"([A-Z][A-Z]+(?:_[A-Z]+)+)"', re.M)
# uppercase strings that are not error codes (GraphQL locations and kinds, HTTP methods)
_NOT_CODES = {"FIELD_DEFINITION", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION", "ENUM_VALUE"}
_NOT_CODES |= {"ARGUMENT_DEFINITION"}
# constants named in an __all__ list
_NOT_CODES |= {"NO_HEADER_RULES", "ROUTER_SCHEMA", "HOOK_NAMES", "NO_HOOKS", "QUERY_PLANNING"}
_NOT_CODES |= {"SIGNATURE_HEADER", "TIMESTAMP_HEADER", "TRUST_FEDGATE_KEYS", "REQUEST_ID_HEADER"}
_NOT_CODES |= {"DEFAULT_AUTHORIZATION", "JWT_ROUTER", "POLICIES_KEY", "UNAUTHORIZED_CODE"}
_NOT_CODES |= {"DEMAND_CONTROL", "GLOBAL_RATE_LIMIT", "NO_COST_DIRECTIVES", "PERSISTED_QUERIES"}
# shared state in Redis: constants named in __all__ lists
_NOT_CODES |= {"DEFAULT_TIMEOUT", "PLANS_REDIS", "RETRY_INTERVAL", "SLOW_IN_A_ROW", "URL_PATTERN"}
_NOT_CODES |= {"DEFER_TYPE", "SUBSCRIPTION_TYPE"}  # content types (gateway/multipart.py)
# environment variable names of Apollo Router's
_NOT_CODES |= {"APOLLO_ROUTER_HOT_RELOAD", "PROMETHEUS_MULTIPROC_DIR"}  # and prometheus-client's


def test_docs_errors_md_is_current() -> None:
    assert (ROOT / "docs" / "errors.md").read_text() == render_markdown(), (
        "docs/errors.md is stale: python -m gateway.error_codes > docs/errors.md"
    )


def test_every_runtime_code_in_the_source_is_registered() -> None:
    used: set[str] = set()
    for path in (ROOT / "gateway").rglob("*.py"):
        if "composition" in path.parts or path.name == "error_codes.py":
            continue
        # a module's __all__ names its exports (constants too), never error codes
        text = _EXPORTS.sub("", path.read_text(encoding="utf-8"))
        used.update(_USE.findall(text))
    # environment variable names: fedgate's, Apollo Router's (APOLLO_ROUTER_CONFIG_PATH...) and
    # OpenTelemetry's (OTEL_PYTHON_EXPORTER_OTLP_HTTP_CREDENTIAL_PROVIDER...)
    used = {c for c in used if not c.startswith(("FEDGATE_", "APOLLO_ROUTER_", "OTEL_"))}
    missing = sorted(used - set(RUNTIME_CODES) - _NOT_CODES)
    assert not missing, f"unregistered codes: {missing} (add them to gateway/error_codes.py)"
    assert {"SUBREQUEST_HTTP_ERROR", "QUERY_PLANNING_FAILED"} <= used
