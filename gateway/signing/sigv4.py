"""AWS Signature Version 4 for subgraphs behind AWS (Lambda function URLs, API Gateway,
AppSync, VPC Lattice), with Apollo Router's ``aws_sig_v4`` settings.

botocore does the signing and finds credentials: it is AWS's own implementation, follows every
change to the scheme, and its default chain (environment, shared config files and profiles,
container and instance roles, SSO) is what AWS users expect. Only this module imports it, and
only when a subgraph is configured to sign.

Like Apollo Router, the body's SHA-256 goes in ``x-amz-content-sha256`` and is signed.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Mapping

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, RefreshableCredentials

from gateway.transport.trust import SigV4Settings

__all__ = ["SigV4Signer"]

_RETRY_LOOKUP_AFTER = 5.0  # seconds a failed credential lookup is not repeated

# what aiohttp sends itself, and what proxies may change: never part of the signature
_UNSIGNED = frozenset({"content-length", "connection", "user-agent", "accept-encoding"})


class SigV4Signer:
    __slots__ = ("_credentials", "_failed_until", "_lookup", "settings")

    def __init__(self, settings: SigV4Settings) -> None:
        self.settings = settings
        self._credentials: Credentials | None = None
        if settings.access_key_id is not None and settings.secret_access_key is not None:
            self._credentials = Credentials(settings.access_key_id, settings.secret_access_key)
        self._lookup = asyncio.Lock()  # one chain lookup at a time; the others wait for it
        self._failed_until = 0.0

    async def headers(self, url: str, body: bytes, headers: Mapping[str, str]) -> Mapping[str, str]:
        credentials = self._credentials or await self._find()
        if isinstance(credentials, RefreshableCredentials) and credentials.refresh_needed():
            # a refresh may call STS or the instance metadata service: not on the event loop
            frozen = await asyncio.to_thread(credentials.get_frozen_credentials)
        else:
            frozen = credentials.get_frozen_credentials()
        signed = {k: v for k, v in headers.items() if k.lower() not in _UNSIGNED}
        signed["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
        request = AWSRequest(method="POST", url=url, data=body, headers=signed)
        SigV4Auth(frozen, self.settings.service_name, self.settings.region).add_auth(request)
        out = {k.lower(): v for k, v in request.headers.items()}
        return {k: v for k, v in out.items() if k.startswith("x-amz-") or k == "authorization"}

    async def _find(self) -> Credentials:
        """The default chain's credentials, looked up on first use (files, the network)."""
        async with self._lookup:
            if self._credentials is not None:
                return self._credentials
            if time.monotonic() < self._failed_until:
                # a chain that just found nothing (and maybe waited on the metadata service)
                raise LookupError("the default credential chain found no AWS credentials")
            try:
                self._credentials = await asyncio.to_thread(self._default_chain)
            except Exception:
                self._failed_until = time.monotonic() + _RETRY_LOOKUP_AFTER
                raise
            return self._credentials

    def _default_chain(self) -> Credentials:
        session = botocore.session.Session(profile=self.settings.profile_name)
        found = session.get_credentials()
        if found is None:
            raise LookupError("the default credential chain found no AWS credentials")
        return found
