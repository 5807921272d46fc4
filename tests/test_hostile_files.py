"""Hostile import files (tests/hostile/corpus.py) through the real console
script and the real web server: a Spanish refusal, nothing written, memory
bounded. And mutated valid files: a clean importer error or a success."""

from __future__ import annotations

import html
import io
import os
import re
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from importer import ImportFailed, UnreadableFile, import_file
from models.db import make_engine
from tests.helpers import CUMPLE, row, write_csv, write_xlsx
from tests.hostile.corpus import CORPUS, Hostile, build
from tests.smtp_server import free_port

MAX_RSS_MB = 500
TIME = "/usr/bin/time"  # Debian package "time"
PASSWORD = "clave-de-prueba-hostil-2026"
ADMIN = "admin.hostil@cumple.example"


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {entry.name: path for entry, path in build(tmp_path_factory.mktemp("hostile"))}


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An initialised SQLite installation, shared by the CLI cases."""
    folder = tmp_path_factory.mktemp("cli")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUMPLE_")}
    env.update(
        CUMPLE_DATABASE_URL=f"sqlite:///{folder / 'var' / 'cumple.db'}",
        CUMPLE_DATA_DIR=str(folder / "var"),
        COLUMNS="200",
    )
    subprocess.run([CUMPLE, "init"], env=env, cwd=folder, check=True, capture_output=True)
    return env


def run_measured(args: list[str], env: dict[str, str], folder: Path) -> tuple[int, str, int]:
    """Run the console script; its exit code, stderr and peak RSS in MB.
    Measured by /usr/bin/time, a small process: the kernel's maxrss of a
    child starts from its parent's at fork, and pytest's is large."""
    report = folder / "rss.txt"
    result = subprocess.run(
        [TIME, "-o", str(report), "-f", "%M", CUMPLE, *args],
        env=env, cwd=folder, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return result.returncode, result.stderr, int(report.read_text().split()[-1]) // 1024


@pytest.mark.parametrize("entry", CORPUS, ids=[entry.name for entry in CORPUS])
def test_cli_refuses_hostile_file(
    entry: Hostile, corpus: dict[str, Path], installation: dict[str, str], tmp_path: Path
) -> None:
    engine = make_engine(installation["CUMPLE_DATABASE_URL"])
    before = counts(engine)
    code, stderr, peak_mb = run_measured(
        ["import", str(corpus[entry.name])], installation, tmp_path
    )
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("Error: "), stderr
    missing = [word for word in entry.words if word not in stderr]
    assert not missing, stderr
    assert counts(engine) == before
    engine.dispose()
    assert peak_mb < MAX_RSS_MB, f"{entry.name}: {peak_mb} MB"


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real ``cumple serve`` with an admin; yields its base URL and pid."""
    folder = tmp_path_factory.mktemp("web")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUMPLE_")}
    env.update(
        CUMPLE_DATABASE_URL=f"sqlite:///{folder / 'var' / 'cumple.db'}",
        CUMPLE_DATA_DIR=str(folder / "var"),
        CUMPLE_BASE_URL=f"http://127.0.0.1:{port}",
        CUMPLE_LOG_LEVEL="WARNING",
    )
    subprocess.run([CUMPLE, "init"], env=env, cwd=folder, check=True, capture_output=True)
    subprocess.run(
        [CUMPLE, "users", "add", ADMIN, "--role", "admin", "--password-stdin"],
        input=PASSWORD, text=True, env=env, cwd=folder, check=True, capture_output=True,
    )  # fmt: skip
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [CUMPLE, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"],
        env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    try:
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def _peak_mb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    assert found
    return int(found.group(1)) // 1024


def test_web_refuses_every_hostile_file(
    web_server: tuple[str, int], corpus: dict[str, Path]
) -> None:
    base, pid = web_server
    with httpx.Client(base_url=base, timeout=120) as client:
        login = client.get("/login")
        response = client.post(
            "/login",
            data={"email": ADMIN, "password": PASSWORD, "csrf_token": _csrf(login.text)},
        )
        assert response.status_code in (200, 303), response.text[:500]
        token = _csrf(client.get("/importar").text)
        for entry in CORPUS:
            path = corpus[entry.name]
            response = client.post(
                "/importar",
                data={"csrf_token": token},
                files={"planilla": (entry.name, path.read_bytes(), "application/octet-stream")},
            )
            page = html.unescape(response.text)
            assert response.status_code == 400, (entry.name, page[-800:])
            missing = [word for word in entry.words if word not in page]
            assert not missing, (entry.name, missing, page[-1500:])
            assert client.get("/health").status_code == 200, entry.name
    assert _peak_mb(pid) < MAX_RSS_MB


# Property: mutated valid files never escape the importer's own errors.

MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete", "truncate"]),
        st.floats(0, 1, exclude_max=True),
        st.binary(min_size=1, max_size=8),
    ),
    min_size=1,
    max_size=4,
)


def mutate(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    """Apply each (kind, relative position, bytes) mutation in turn."""
    result = bytearray(data)
    for kind, where, blob in mutations:
        at = int(where * len(result)) if result else 0
        if kind == "flip" and result:
            result[at] ^= blob[0] or 1
        elif kind == "insert":
            result[at:at] = blob
        elif kind == "delete":
            del result[at : at + len(blob) * 7]
        elif kind == "truncate":
            del result[at:]
    return bytes(result)


def mutate_inside(workbook: bytes, part: str, mutations: list[tuple[str, float, bytes]]) -> bytes:
    """The same workbook with one XML part mutated (the zip stays valid)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(
                info.filename, mutate(content, mutations) if info.filename == part else content
            )
    return buffer.getvalue()


@pytest.fixture(scope="module")
def valid_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("valid")
    rows = [row(), row(compromiso="Capacitar", monto=2800000, plazo="20 días hábiles")]
    return {
        ".csv": write_csv(folder / "a.csv", rows).read_bytes(),
        ".xlsx": write_xlsx(folder / "a.xlsx", rows).read_bytes(),
    }


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.sampled_from([".csv", ".xlsx", "xl/worksheets/sheet1.xml", "xl/styles.xml"]),
    mutations=MUTATIONS,
)
def test_mutated_files_fail_cleanly_or_import_whole(
    sqlite_engine: Engine,
    valid_files: dict[str, bytes],
    tmp_path: Path,
    target: str,
    mutations: list[tuple[str, float, bytes]],
) -> None:
    if target.startswith("xl/"):
        suffix, data = ".xlsx", mutate_inside(valid_files[".xlsx"], target, mutations)
    else:
        suffix, data = target, mutate(valid_files[target], mutations)
    path = tmp_path / f"mutado{suffix}"
    path.write_bytes(data)
    before = counts(sqlite_engine)
    try:
        report = import_file(sqlite_engine, path, actor="prueba")
    except (UnreadableFile, ImportFailed) as exc:
        assert str(exc).strip()
        assert counts(sqlite_engine) == before
    else:
        after = counts(sqlite_engine)
        assert report.rows >= 1
        assert after["commitment"] - before["commitment"] == report.commitments
