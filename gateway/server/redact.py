"""Subgraph error redaction (Apollo Router's ``include_subgraph_errors``).

By default a client never sees what a subgraph said went wrong: every error that came from a
subgraph call (it carries ``extensions.serviceName``) keeps its ``path`` and ``code`` and gets
the message ``Subgraph errors redacted``; the subgraph's own extensions (stack traces, internal
ids) are dropped. The original goes to the log with the request id, so operators can find it.
``include_subgraph_errors.all`` / ``.subgraphs.<name>`` let messages through.

Done at the HTTP edge, not in the pipeline: embedders calling ``Gateway.run`` get the full
errors and decide themselves. Only responses with errors pay for it.
"""

from __future__ import annotations

import logging
from typing import Any

from gateway.config import SubgraphErrors

__all__ = ["REDACTED", "Redactor"]

log = logging.getLogger("fedgate.errors")

REDACTED = "Subgraph errors redacted"


class Redactor:
    __slots__ = ("_policy", "off")

    def __init__(self, policy: SubgraphErrors) -> None:
        self._policy = policy
        # everything included: no pass over the errors at all
        self.off = policy.all and all(policy.subgraphs.values())

    def apply(self, errors: list[Any], request_id: str) -> None:
        """Redact ``errors`` in place (the list is the request's own)."""
        for i, err in enumerate(errors):
            ext = err.get("extensions") if isinstance(err, dict) else None
            service = ext.get("serviceName") if isinstance(ext, dict) else None
            if not isinstance(service, str) or self._policy.included(service):
                continue
            assert isinstance(ext, dict)
            log.info(
                "request %s: error from subgraph %s, redacted for the client: %s",
                request_id,
                service,
                err,
            )
            redacted: dict[str, Any] = {"message": REDACTED}
            if "path" in err:
                redacted["path"] = err["path"]
            redacted["extensions"] = {"code": ext.get("code", "DOWNSTREAM_SERVICE_ERROR")}
            errors[i] = redacted
