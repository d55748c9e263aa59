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
        "response (HTTP 200)",
        "A hash alone was sent but `apq.enabled` is false; clients then send the query.",
    ),
    # edge: APQ, persisted queries, demand control, rate limits, client access
    "PERSISTED_QUERY_NOT_FOUND": (
        "response (HTTP 200)",
        "APQ: no query is stored under this hash; Apollo clients resend it with the text.",
    ),
    "PERSISTED_QUERY_HASH_MISMATCH": (
        "response",
        "APQ: the sha256 of the query sent is not the hash sent with it.",
    ),
    "PERSISTED_QUERY_NOT_IN_LIST": (
        "response",
        "A persisted query id that no manifest lists (`persisted_queries`, APQ off).",
    ),
    "PERSISTED_QUERY_ID_REQUIRED": (
        "response",
        "`persisted_queries.safelist.require_id`: operations must be sent by id.",
    ),
    "QUERY_NOT_IN_SAFELIST": (
        "response",
        "`persisted_queries.safelist`: the operation's text is not in the manifests.",
    ),
    "COST_ESTIMATED_TOO_EXPENSIVE": (
        "response",
        "`demand_control` (enforce): the operation's estimated cost is above `max` "
        "(`cost.estimated` and `cost.max` in the error's extensions).",
    ),
    "SUBGRAPH_COST_ESTIMATED_TOO_EXPENSIVE": (
        "response",
        "`demand_control.strategy.static_estimated.subgraph` (enforce): a subgraph's "
        "estimated cost (its fetches in the plan) is above its `max` (`cost.subgraph`, "
        "`cost.subgraph.estimated` and `cost.subgraph.max` in the error's extensions).",
    ),
    "COST_QUERY_PARSE_FAILURE": (
        "response",
        "`demand_control`: the cost cannot be computed (a `@listSize` field that requires "
        "exactly one slicing argument got none or several).",
    ),
    "REQUEST_RATE_LIMITED": (
        "HTTP 429, or a subgraph fetch's error",
        "A rate limit is reached (`traffic_shaping.*.global_rate_limit`, "
        "`fedgate.rate_limit.per_client`); `Retry-After` says when to try again.",
    ),
    "CLIENT_ADDRESS_NOT_ALLOWED": (
        "HTTP 403",
        "`fedgate.client_access`: the client address is not in the allow-list.",
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
    "SUBSCRIPTION_NOT_SUPPORTED": (
        "response",
        "A subscription was sent while `subscription.enabled` is off.",
    ),
    # subscriptions (docs/subscriptions.md)
    "SUBSCRIPTION_PROTOCOL_REQUIRED": (
        "HTTP 406",
        "A subscription over plain HTTP: it needs WebSocket (graphql-transport-ws), "
        '`Accept: text/event-stream` or `Accept: multipart/mixed;subscriptionSpec="1.0"`.',
    ),
    "SUBSCRIPTION_LIMIT_REACHED": (
        "subscription error",
        "`subscription.max_opened_subscriptions` or `fedgate.subscription.max_per_connection` "
        "subscriptions are already open.",
    ),
    "SUBSCRIPTION_PLAN_UNSUPPORTED": (
        "subscription error",
        "The subscription does not plan to one subgraph stream (a conditional root field).",
    ),
    "SUBSCRIPTION_STREAM_FAILED": (
        "final subscription error",
        "The subgraph stream could not be opened, broke, or the subgraph answered with an "
        "error; for a broker-fed field, the broker could not be reached or stayed away "
        "longer than `fedgate.events.reconnect_timeout`; the subscription ends.",
    ),
    "SUBSCRIPTION_SLOW_READER": (
        "final subscription error",
        "The client read too slowly and its `queue_capacity` buffer was full (`slow_reader: "
        "close`); the subscription ends.",
    ),
    "SUBSCRIPTION_SCHEMA_RELOAD": (
        "final subscription error",
        "A reload changed or removed the subscription's field; the subscription ends.",
    ),
    "SUBSCRIPTION_SHUTDOWN": (
        "final subscription error",
        "The gateway is shutting down (drained); the subscription ends.",
    ),
    # events from brokers (docs/events.md)
    "EVENT_MESSAGE_INVALID": (
        "subscription event error",
        "A broker message was not a JSON object with the entity's `__typename` and key "
        "fields (`fedgate.events.message_errors: event`); the subscription goes on.",
    ),
    "EVENT_PUBLISH_FAILED": (
        "response, at the publish field",
        "The broker did not take a publish mutation's message (`success: false`).",
    ),
    "SUBSCRIPTION_PROTOCOL_ERROR": (
        "subscription error",
        "A graphql-transport-ws message was not what the protocol allows here.",
    ),
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
        "position, a built-in scalar of the wrong type or an Int outside 32 bits, an enum "
        "value or a `__typename` the API schema lacks): the value is null, and this note is "
        "not an error (docs/decisions/0008-errors-beside-nulls.md, 0011-leaf-coercion.md).",
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
    "SUBGRAPH_TLS_ERROR": (
        "response, per affected path",
        "The subgraph's TLS certificate did not verify against the configured CAs "
        "(`tls.subgraph`; the system's by default) or the handshake failed "
        "(docs/subgraph-trust.md).",
    ),
    "SUBGRAPH_AUTH_ERROR": (
        "response, per affected path",
        "The gateway could not authenticate a subgraph call: no OAuth2 token (the token endpoint "
        "failed, refused or timed out) or no AWS credentials for SigV4; the subgraph was not "
        "called (docs/subgraph-trust.md).",
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
        "The coprocessor could not be reached, timed out, answered non-2xx or broke the "
        "protocol (not JSON, not version 1, another stage, no control, a changed `id`): "
        "`data: null`; the log says which.",
    ),
    "COPROCESSOR_BREAK": (
        "the coprocessor's status",
        'The coprocessor answered `control: {"break": status}` with a text body (its message); '
        "at a subgraph stage, the error of that subgraph's fetch.",
    ),
    # authentication and authorization (gateway/auth/)
    "AUTH_ERROR": (
        "HTTP 401 (400 for a header with another prefix)",
        "The JWT is invalid: expired, not yet valid, a bad signature, no key for it, a wrong "
        "issuer or audience; or `authorization.require_authentication` and no valid token. "
        "With `on_error: Continue`, an invalid token is anonymous instead.",
    ),
    "UNAUTHORIZED_FIELD_OR_TYPE": (
        "response, per removed path",
        "The request may not read this field or type (`@authenticated`, `@requiresScopes`, "
        "`@policy`): removed before planning, answered `null`. With "
        "`authorization.directives.reject_unauthorized`, the whole operation is refused.",
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
    # entity cache: the invalidation endpoint (docs/entity-cache.md)
    "INVALIDATION_INVALID_REQUEST": (
        "HTTP 400 (invalidation endpoint)",
        "The body is not a JSON list of invalidation requests (`kind`: subgraph, type, "
        "entity or cache_tag, with their fields).",
    ),
    "INVALIDATION_UNAUTHORIZED": (
        "HTTP 401 (invalidation endpoint)",
        "The `Authorization` header is not the `shared_key` of every subgraph the request "
        "names, or a subgraph does not accept invalidation.",
    ),
    "INVALIDATION_UNAVAILABLE": (
        "HTTP 503 (invalidation endpoint)",
        "Redis could not be reached: this replica's memory was cleared of the entries, Redis "
        "keeps them until their TTL.",
    ),
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
