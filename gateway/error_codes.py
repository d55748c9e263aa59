"""Registry of the codes fedgate's runtime puts in ``extensions.code`` (Apollo's code strings
where the meaning matches) and in start-up errors. Composition's codes are in
``gateway/composition/error_codes.py``.

``python -m gateway.error_codes`` prints docs/errors.md; a test checks the file is current and
that every code the runtime's source uses is registered here.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["RUNTIME_CODES", "render_markdown"]

# code -> (where it shows, what it means)
RUNTIME_CODES: Mapping[str, tuple[str, str]] = {
    "BAD_REQUEST": ("HTTP 400", "The HTTP request is malformed (bad JSON, missing `query`, ...)."),
    "UNSUPPORTED_MEDIA_TYPE": ("HTTP 415", "The request body is not JSON."),
    "NOT_ACCEPTABLE": ("HTTP 406", "`Accept` allows neither GraphQL-over-HTTP media type."),
    "METHOD_NOT_ALLOWED": ("HTTP 405", "Only GET and POST serve `/graphql`."),
    "CSRF_ERROR": (
        "HTTP 400",
        "A GET, or a POST with a simple content type, without one of `csrf.required_headers` "
        "(default `x-apollo-operation-name`, `apollo-require-preflight`): what a cross-site "
        "form or image could send. Browser apps send such a header or a JSON content type.",
    ),
    "PAYLOAD_TOO_LARGE": (
        "HTTP 413",
        "The request body is larger than `limits.http_max_request_bytes` (default 2 MB).",
    ),
    "MUTATION_FORBIDDEN": ("HTTP 405", "A mutation was sent with GET."),
    "PERSISTED_QUERY_NOT_SUPPORTED": (
        "response",
        "Automatic persisted queries are not supported yet; clients then send the query.",
    ),
    "GRAPHQL_PARSE_FAILED": ("response, `fedgate plan`", "The operation is not valid GraphQL."),
    "GRAPHQL_VALIDATION_FAILED": (
        "response, `fedgate plan`",
        "The operation does not validate against the API schema (with locations).",
    ),
    "OPERATION_RESOLUTION_FAILURE": (
        "response",
        "`operationName` is missing or names no operation of the document.",
    ),
    "BAD_USER_INPUT": ("response", "A variable's value does not fit its type."),
    "MAX_DEPTH_LIMIT": (
        "response",
        "The operation nests fields deeper than the limit (100 levels; fragments count where "
        "they are spread).",
    ),
    "MAX_ALIASES_LIMIT": (
        "response",
        "The operation uses more distinct aliases than the limit (1,000), checked before "
        "validation.",
    ),
    "MAX_HEIGHT_LIMIT": (
        "response",
        "The operation selects more fields than `limits.max_height` (off by default; fields "
        "sharing a response key in a selection set count once, fragments where spread).",
    ),
    "MAX_ROOT_FIELDS_LIMIT": (
        "response",
        "The operation has more root fields than `limits.max_root_fields` (off by default).",
    ),
    "OPERATION_TOO_COMPLEX": (
        "response",
        "The operation exceeds a budget: more than 10,000 selections once fragments are "
        "expanded, more than 100 fields at one response key in one selection set (checked "
        "before validation), or a plan of more than 500 subgraph fetches.",
    ),
    "INTROSPECTION_DISABLED": ("response", "Introspection is turned off in the config."),
    "QUERY_PLANNING_FAILED": (
        "response (`data: null`)",
        "No plan can satisfy the operation; the message names the field and why.",
    ),
    "SUBSCRIPTION_NOT_SUPPORTED": ("response", "Subscriptions are not supported yet."),
    "SUBREQUEST_HTTP_ERROR": (
        "response, per affected path",
        "A subgraph could not be reached or answered a non-2xx status.",
    ),
    "SUBREQUEST_MALFORMED_RESPONSE": (
        "response, per affected path",
        "A subgraph answered invalid JSON or a response of the wrong shape.",
    ),
    "INVALID_GRAPHQL": (
        "`extensions.valueCompletion`, per path",
        "Merged subgraph data breaks the API schema there (an unexplained null in a non-null "
        "position, an enum value or a `__typename` the API schema lacks): the value is null, "
        "and this note is not an error (docs/decisions/0008-errors-beside-nulls.md).",
    ),
    "GATEWAY_TIMEOUT": (
        "response, per affected path; HTTP 504",
        "A subgraph did not answer in time; or (HTTP 504) the whole request took longer than "
        "`traffic_shaping.router.timeout`.",
    ),
    "DOWNSTREAM_SERVICE_ERROR": (
        "response",
        "A subgraph's own GraphQL error that had no code (re-pathed, with `serviceName`).",
    ),
    "SUBREQUEST_PAYLOAD_TOO_LARGE": (
        "response, per affected path",
        "A subgraph's response body is larger than `limits.subgraph` allows (default 50 MiB); "
        "it is refused while being read.",
    ),
    "SUBGRAPH_CIRCUIT_OPEN": (
        "response, per affected path",
        "The subgraph's circuit breaker is open (`fedgate.traffic_shaping`: too many recent "
        "calls failed): the call fails at once and nothing is sent until a probe succeeds.",
    ),
    "SUBGRAPH_BULKHEAD_FULL": (
        "response, per affected path",
        "The subgraph already has `bulkhead.max_concurrent` calls in flight and none finished "
        "within `bulkhead.max_wait`: the call fails at once instead of queueing.",
    ),
    "INTERNAL_SERVER_ERROR": ("response", "A bug in fedgate; the log has the traceback."),
    "PLUGIN_ERROR": (
        "response",
        "A Python plugin's hook raised an exception (a bug in the plugin): `data: null`; the log "
        "has the traceback with the request id.",
    ),
    "PLUGIN_REJECTED": (
        "HTTP 400 (or the plugin's status)",
        "A Python plugin stopped the request (`PluginRejection` without its own code).",
    ),
    "COPROCESSOR_ERROR": (
        "response",
        "The coprocessor could not be reached, timed out, answered non-200 or broke the "
        "protocol (not JSON, not version 1, a changed `id`): `data: null`; the log says which.",
    ),
    "COPROCESSOR_BREAK": (
        "the coprocessor's status",
        'The coprocessor answered `control: {"break": status}` with a text body (its message); '
        "at a subgraph stage, the error of that subgraph's fetch.",
    ),
    "INVALID_SUPERGRAPH": (
        "start-up",
        "The supergraph SDL is malformed or uses an unsupported feature (file:line:column).",
    ),
    "INVALID_CONFIG": ("start-up", "The config file or a FEDGATE_* variable is invalid."),
    "SUPERGRAPH_FETCH_FAILED": (
        "start-up, reload log",
        "A `--supergraph` URL could not be fetched (HTTP error, network). On a reload the "
        "previous supergraph keeps serving.",
    ),
    "FILE_ERROR": ("`fedgate plan`", "A file named on the command line cannot be read."),
    "EXECUTION_FAILED": ("response", "An execution error without a more specific code."),
}


def render_markdown() -> str:
    from gateway.composition.error_codes import ERROR_CODES

    lines = [
        "# Error codes",
        "",
        "Generated by `python -m gateway.error_codes` from `gateway/error_codes.py` and",
        "`gateway/composition/error_codes.py`; a test fails when this file is stale.",
        "",
        "## Runtime (`extensions.code`, start-up errors)",
        "",
        "| code | where | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{c}` | {where} | {what} |" for c, (where, what) in sorted(RUNTIME_CODES.items())]
    lines += [
        "",
        "## Composition (`fedgate compose`, `fedgate check`)",
        "",
        "| code | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{code}` | {what} |" for code, what in sorted(ERROR_CODES.items())]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
