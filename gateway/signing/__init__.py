"""Signed subgraph requests: fedgate's HMAC-SHA256 scheme (``scheme``, docs/signing.md), AWS
SigV4 through botocore (``sigv4``), and the ASGI middleware that verifies the HMAC scheme in
a Python subgraph (``verify``)."""
