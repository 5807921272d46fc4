"""A small closed-loop load generator from the Python index's httpx: a
fixed number of connections, each sending its next request when the last
answer arrived, for a fixed time; latency percentiles from every request.
It needs nothing from Debian (``wrk`` is not installed everywhere), and its
own cost (~1 ms a request) counts against the server, never for it."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Load:
    """What a load run measured (milliseconds)."""

    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int

    def as_dict(self) -> dict[str, float]:
        return {
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "requests": self.requests,
            "errors": self.errors,
        }


async def _run(
    base: str, paths: Sequence[str], connections: int, seconds: float, headers: dict[str, str]
) -> Load:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)

    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=30, headers=headers
    ) as client:

        async def worker(offset: int) -> None:
            nonlocal errors
            n = offset
            while time.perf_counter() < deadline:
                path = paths[n % len(paths)]
                n += connections
                started = time.perf_counter()
                try:
                    answer = await client.get(path)
                    failed = answer.status_code != 200
                except httpx.HTTPError:
                    failed = True
                latencies.append(time.perf_counter() - started)
                errors += failed

        await asyncio.gather(*(worker(i) for i in range(connections)))
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Load(cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000, len(latencies), errors)


def load(
    base: str,
    paths: Sequence[str],
    *,
    connections: int = 2,
    seconds: float = 15,
    headers: dict[str, str] | None = None,
) -> Load:
    """Request ``paths`` in turn from ``base`` over ``connections`` kept-alive
    connections for ``seconds``."""
    return asyncio.run(_run(base, paths, connections, seconds, headers or {}))
