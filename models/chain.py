"""The hash chain of a commitment's history (pure).

Every history entry stores the SHA-256 of its canonical content together
with the hash of the entry before it in the same chain (the first one links
to :data:`GENESIS`). Changing, removing or reordering an entry changes every
hash after it, so ``cumple audit verify`` finds an edit made behind the
application's back, and a package that carries a chain head proves which
history its figures came from.

The canonical form is part of the record: sorted keys, no whitespace,
UTF-8, dates as ``YYYY-MM-DD`` and instants as UTC ISO 8601 with
microseconds. Changing it would break every stored chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

GENESIS = "0" * 64
"""The "previous hash" of the first entry of a chain."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("instants in the chain are aware")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical(content: Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: sorted keys, compact, UTF-8."""
    plain = {key: _plain(value) for key, value in content.items()}
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(previous: str, content: Mapping[str, Any]) -> str:
    """The hash of one entry: its canonical content with the previous hash."""
    return hashlib.sha256(canonical({**content, "anterior": previous})).hexdigest()


@dataclass(frozen=True, slots=True)
class Link:
    """One stored entry of a chain, as the verifier reads it."""

    position: int
    content: Mapping[str, Any]
    previous: str
    digest: str


@dataclass(frozen=True, slots=True)
class Break:
    """Where a chain stops matching, in Spanish."""

    position: int
    message: str


def verify_chain(links: Iterable[Link]) -> list[Break]:
    """Recompute a chain from its first entry; every mismatch is reported
    (a missing position, a wrong previous hash, a wrong hash)."""
    breaks: list[Break] = []
    expected_previous = GENESIS
    expected_position = 1
    for link in links:
        if link.position != expected_position:
            breaks.append(
                Break(
                    link.position,
                    f"falta la entrada {expected_position} (sigue la {link.position})",
                )
            )
        if link.previous != expected_previous:
            breaks.append(
                Break(link.position, f"la entrada {link.position} no sigue a la anterior")
            )
        if link_hash(link.previous, link.content) != link.digest:
            breaks.append(Break(link.position, f"la entrada {link.position} fue modificada"))
        expected_previous = link.digest
        expected_position = link.position + 1
    return breaks
