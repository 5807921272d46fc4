"""The public portal's región page under load: ``cumple serve
--no-scheduler`` on a copy of the 1M database with every región published,
the largest región's page (about 1/16 of the country), and
:mod:`benchmarks.load` on loopback with 2 connections for 15 s. The first
render (the record replayed for the whole región, then kept under the
data's stamp) is measured apart: it is what the first visitor after a
change waits."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import Session

from benchmarks.data import working_copy
from benchmarks.load import load
from models.commitments import Commitment
from models.db import make_engine
from models.geography import Region
from models.text import slug
from testbed.processes import free_port
from tracking.portal import enable_region


def _publish_all(url: str) -> str:
    """Publish every región; the address of the largest one's page."""
    engine = make_engine(url)
    with Session(engine) as session:
        for region in session.scalars(select(Region)).all():
            enable_region(session, region.name, "benchmark")
        session.commit()
        largest = session.execute(
            select(Region.name, func.count(Commitment.id))
            .join(Commitment, Commitment.region_id == Region.id)
            .group_by(Region.name)
            .order_by(func.count(Commitment.id).desc())
        ).first()
    engine.dispose()
    assert largest is not None
    return f"/publico/{slug(largest[0])}"


def measure(commitments: int, folder: Path, seconds: int = 15) -> dict[str, float | str]:
    url = working_copy(commitments, "portal")
    path = _publish_all(url)
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
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(150):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            started = time.perf_counter()
            first = client.get(path)
            first_ms = (time.perf_counter() - started) * 1000
            assert first.status_code == 200, first.status_code
        measured = load(base, [path], connections=2, seconds=seconds)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {"path": path, "first_render_ms": first_ms, **measured.as_dict()}


if __name__ == "__main__":
    print(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, Path("var/bench/portal")))
