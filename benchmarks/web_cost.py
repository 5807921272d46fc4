"""Dashboard latency under load (figures cached per scope and day for up
to a minute, see ``web/cache.py``; the recount, what the first visitor
after the minute waits, is measured apart): ``cumple serve
--no-scheduler`` on a copy of the 1M database, an admin session (all 16
regiones: the largest dashboard), and :mod:`benchmarks.load` on loopback
with 2 connections for 15 s (bounded: latency, not queueing, is
measured). Nothing from Debian is needed."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlmodel import Session

from benchmarks.data import BENCH_DAY, working_copy
from benchmarks.load import load
from models.db import make_engine
from testbed.processes import free_port
from tracking.accounts import add_user
from tracking.queries import Filters
from tracking.totals import status_totals

EMAIL, PASSWORD = "bench@cumple.cl", "clave-de-benchmark-2026"


def _recount_ms(url: str) -> float:
    """Median of five uncached recounts of the admin's dashboard figures;
    also adds the benchmark's admin account."""
    engine = make_engine(url)
    with Session(engine) as session:
        add_user(session, email=EMAIL, password=PASSWORD, role="admin", territories=[], region=None)
        session.commit()
        misses = []
        for _ in range(5):
            started = time.perf_counter()
            status_totals(session, Filters(), BENCH_DAY)
            misses.append(time.perf_counter() - started)
    engine.dispose()
    return statistics.median(misses) * 1000


def _session_cookie(base: str) -> str:
    """Log in as the benchmark's admin; the session cookie to send."""
    with httpx.Client(base_url=base, timeout=120) as client:
        for _ in range(150):
            try:
                if client.get("/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        answer = client.post(
            "/login", data={"email": EMAIL, "password": PASSWORD,
                            "csrf_token": token.group(1), "next": "/"},
        )  # fmt: skip
        assert answer.status_code in (200, 303), answer.status_code
        assert client.get("/").status_code == 200  # warm: the figures are now cached
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def measure(commitments: int, folder: Path, seconds: int = 15) -> dict[str, float]:
    url = working_copy(commitments, "web")
    recount = _recount_ms(url)
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cumple = str(Path(sys.executable).with_name("cumple"))
    server = subprocess.Popen(
        [cumple, "serve", "--no-scheduler", "--port", str(port), "--database-url", url,
         "--data-dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        cookie = _session_cookie(base)
        measured = load(base, ["/"], connections=2, seconds=seconds, headers={"Cookie": cookie})
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {"commitments": commitments, "recount_ms": recount, **measured.as_dict()}


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(measure(size, Path("var/bench/web")))
