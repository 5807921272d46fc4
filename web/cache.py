"""The dashboard's figures, kept a short while per scope and day: adding
up 1,000,000 commitments still takes most of a second on these machines
(one index-only pass, see ``tracking.totals.status_totals``), and a
dashboard is opened far more often than the data changes. Any change
made through this application clears it at once (see ``create_app``);
changes made elsewhere (the CLI, the daily cycle, another process) show
within ``TTL_SECONDS``. The page says when its figures were computed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import Generic, TypeVar

T = TypeVar("T")
TTL_SECONDS = 60.0


class FiguresCache(Generic[T]):
    def __init__(
        self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._items: dict[Hashable, tuple[float, datetime, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> tuple[T, datetime]:
        """The value for ``key`` and when it was computed; computed again
        when missing or older than the TTL."""
        now = self.clock()
        with self._lock:
            found = self._items.get(key)
        if found is not None and now - found[0] < self.ttl:
            return found[2], found[1]
        value, computed_at = compute(), datetime.now(UTC)
        with self._lock:
            if len(self._items) > 1000:  # many scopes and days: start over
                self._items.clear()
            self._items[key] = (now, computed_at, value)
        return value, computed_at

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
