"""The client's address, believing ``X-Forwarded-For`` only from trusted proxies, and the
allow-list of networks that may call the GraphQL endpoint."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from gateway.config.edge_model import AccessConfig, Network

__all__ = ["client_address", "in_networks"]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def in_networks(address: Address | None, networks: tuple[Network, ...]) -> bool:
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == n.version and address in n for n in networks)


def client_address(
    peer: str | None, headers: Mapping[str, str], trusted: tuple[Network, ...]
) -> Address | None:
    """The peer, unless it is a trusted proxy: then the right-most ``X-Forwarded-For`` hop
    that is not one (every hop a trusted proxy: the left-most). A hop that is not an address
    ends the walk (it cannot be trusted further)."""
    address = _address(peer) if peer else None
    if not trusted or not in_networks(address, trusted):
        return address
    forwarded = headers.get("x-forwarded-for")
    if not forwarded:
        return address
    hops = [h for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        hop_address = _address(hop)
        if hop_address is None:
            return address
        address = hop_address
        if not in_networks(address, trusted):
            return address
    return address


def allowed(config: AccessConfig, address: Address | None) -> bool:
    return in_networks(address, config.allow)
