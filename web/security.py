"""Sessions' CSRF tokens, the client address behind trusted proxies, and
the cap on password checks running at once."""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

CSRF_FIELD = "csrf_token"
GATE_WAIT_SECONDS = 3.0
"""How long a login waits for a free password check before a 429."""


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; a missing token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def _trusted(host: str, networks: Sequence[IPv4Network | IPv6Network]) -> bool:
    try:
        address = ip_address(host.strip())
    except ValueError:
        return False
    return any(address in network for network in networks)


def client_address(
    peer: str | None, forwarded: Sequence[str], networks: Sequence[IPv4Network | IPv6Network]
) -> str:
    """The address a request comes from: the connection's peer, unless the
    peer is a trusted proxy; then the right-most address of
    ``X-Forwarded-For`` (every header, in order) that is not a trusted
    proxy. Anyone else's ``X-Forwarded-For`` is ignored: a client could
    write anything there."""
    host = peer or "desconocido"
    if not _trusted(host, networks):
        return host
    hops = [hop.strip() for header in forwarded for hop in header.split(",")]
    for hop in reversed(hops):
        if not hop:
            continue
        try:
            ip_address(hop)
        except ValueError:
            return host  # a garbled chain: believe no further than the proxy
        if not _trusted(hop, networks):
            return hop
    return host


class PasswordGate:
    """At most ``size`` password checks (argon2, ~100 MB each) at once in
    this process; the others wait up to :data:`GATE_WAIT_SECONDS`."""

    def __init__(self, size: int) -> None:
        self._slots = threading.BoundedSemaphore(size)

    def enter(self, timeout: float = GATE_WAIT_SECONDS) -> bool:
        """Take a slot; ``False`` when none freed up in time."""
        return self._slots.acquire(timeout=timeout)

    def leave(self) -> None:
        self._slots.release()
