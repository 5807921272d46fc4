"""Rendered portal responses, kept per address, day and
:func:`tracking.public_stamp.portal_stamp`: a región page at national
scale is tens of thousands of commitments replayed to a date, and the same
page is asked for far more often than the data changes. A change anywhere
(a history entry, evidence, a publication decision) changes the stamp, so a
kept page is never older than the data it shows; the TTL only bounds how
long an unused page is kept. Bounded in entries (least recently used out)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

MAX_ENTRIES = 512
TTL_SECONDS = 900.0


@dataclass(frozen=True)
class Rendered:
    """A rendered answer: its status, body and media type."""

    status: int
    body: bytes
    media_type: str


class PortalCache:
    """A small LRU of :class:`Rendered` answers."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self.clock = clock
        self._items: OrderedDict[Hashable, tuple[float, Rendered]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], Rendered]) -> Rendered:
        """The answer kept for ``key``, or ``render()``'s, kept from now."""
        now = self.clock()
        with self._lock:
            found = self._items.get(key)
            if found is not None and now - found[0] < self.ttl:
                self._items.move_to_end(key)
                return found[1]
        answer = render()
        with self._lock:
            self._items[key] = (now, answer)
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return answer
