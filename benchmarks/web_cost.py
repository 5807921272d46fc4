"""Dashboard latency under load (figures cached per scope and day for up
to a minute, see ``web/cache.py``; the recount is measured apart):
``cumple serve --no-scheduler`` on a copy of the 100k database, an admin
session (all 16 regiones: the largest
dashboard), and Debian's ``wrk`` on loopback with 2 connections for 15 s
(bounded: latency, not queueing, is measured). p95 comes from wrk's own
latency histogram through a small Lua script."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlmodel import Session

from benchmarks.data import BENCH_DAY, working_copy
from models.db import make_engine
from testbed.processes import free_port
from tracking.accounts import add_user
from tracking.queries import Filters, status_totals

EMAIL, PASSWORD = "bench@cumple.cl", "clave-de-benchmark-2026"
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("p50=%d p95=%d p99=%d requests=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
"""


def measure(commitments: int, folder: Path, seconds: int = 15) -> dict[str, float]:
    url = working_copy(commitments, "web")
    engine = make_engine(url)
    with Session(engine) as session:
        add_user(session, email=EMAIL, password=PASSWORD, role="admin", territories=[], region=None)
        session.commit()
        # What a dashboard costs when its figures are not cached (a recount).
        misses = []
        for _ in range(5):
            started = time.perf_counter()
            status_totals(session, Filters(), BENCH_DAY)
            misses.append(time.perf_counter() - started)
    engine.dispose()
    port = free_port()
    cumple = str(Path(sys.executable).with_name("cumple"))
    server = subprocess.Popen(
        [cumple, "serve", "--no-scheduler", "--port", str(port), "--database-url", url,
         "--data-dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(100):
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
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            assert client.get("/").status_code == 200  # warm
        if shutil.which("wrk") is None:
            raise RuntimeError("instale wrk (apt-get install wrk) para medir la web")
        script = folder / "p95.lua"
        script.write_text(REPORT, encoding="utf-8")
        result = subprocess.run(
            ["wrk", "-t1", "-c2", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
             "-H", f"Cookie: {cookie}", f"{base}/"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=20)
    found = re.search(r"p50=(\d+) p95=(\d+) p99=(\d+) requests=(\d+) errors=(\d+)", result.stdout)
    assert found is not None, result.stdout
    p50, p95, p99, requests, errors = (int(x) for x in found.groups())
    return {
        "recount_ms": statistics.median(misses) * 1000,
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "requests": requests,
        "errors": errors,
    }
