"""Per-test databases on real backends, in the spirit of flask's tutorial:
each test gets its own migrated SQLite file (copied from one migrated
template) and, when the server answers, its own PostgreSQL database (created
from a migrated template database)."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from sqlalchemy.engine import Engine, make_url

from models.db import make_engine
from models.schema import init_database
from tests.requirements import missing_in_ci

pytest_plugins = ["tests.web_fixtures"]

# Property tests explore new examples on every developer run; CI (CI=true)
# replays a fixed seed, with more examples, so that a run's result does not
# depend on luck. Tests that set their own max_examples scale it by the
# profile's (see tests/test_import_properties.py).
settings.register_profile("dev", max_examples=60)
settings.register_profile("ci", derandomize=True, print_blob=True, max_examples=150)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

POSTGRES_URL = os.environ.get(
    "CUMPLE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_pg_state: dict[str, object] = {"ran": 0, "reason": None}
_actas_quality: list[str] = []
"""Where tests/test_actas_corpus.py wrote the acta reader's figures."""


def _admin_dsn() -> str:
    url = make_url(POSTGRES_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _postgres_reason() -> str | None:
    """``None`` when PostgreSQL answers, else why it does not."""
    try:
        with psycopg.connect(_admin_dsn(), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def _pg_execute(sql: str) -> None:
    with psycopg.connect(_admin_dsn(), autocommit=True) as connection:
        connection.execute(sql)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "cumple.db"
    engine = make_engine(f"sqlite:///{path}")
    init_database(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    reason = _postgres_reason()
    if reason is not None:
        _pg_state["reason"] = reason
        pytest.skip(f"PostgreSQL no responde en {POSTGRES_URL}: {reason}")
    name = f"cumple_tpl_{uuid.uuid4().hex[:10]}"
    _pg_execute(f"CREATE DATABASE {name}")
    engine = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(False))
    init_database(engine)
    engine.dispose()
    yield name
    _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite file of this test's own."""
    path = tmp_path / "cumple.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own."""
    template = request.getfixturevalue("postgres_template")
    name = f"cumple_t_{uuid.uuid4().hex[:12]}"
    _pg_execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    _pg_state["ran"] = int(_pg_state["ran"]) + 1  # type: ignore[call-overload]
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test using it runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def actas_quality_json(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Where the acta reader's figures are written; the terminal summary
    prints them (under xdist the worker hands the path to the controller)."""
    path = tmp_path_factory.mktemp("actas_quality") / "figures.json"
    _actas_quality.append(str(path))
    output = getattr(request.config, "workeroutput", None)
    if output is not None:
        output["actas_quality"] = str(path)
    return path


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI (``CI=true``) a missing test dependency fails the run at once,
    whatever subset of tests was selected: nothing is skipped silently."""
    if getattr(session.config, "workerinput", None) is not None:
        return  # an xdist worker: the controller has checked
    missing = missing_in_ci(os.environ, POSTGRES_URL, _postgres_reason)
    if missing:
        lines = "\n".join(f"  - {item}" for item in missing)
        pytest.exit(
            f"CI=true y faltan dependencias de las pruebas (ninguna prueba se omite en CI):\n"
            f"{lines}",
            returncode=3,
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist, a worker hands its PostgreSQL tally to the
    controller, which prints the summary."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["pg_ran"] = _pg_state["ran"]
        output["pg_reason"] = _pg_state["reason"]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    output = getattr(node, "workeroutput", {})
    if output.get("actas_quality"):
        _actas_quality.append(output["actas_quality"])
    _pg_state["ran"] = int(_pg_state["ran"]) + int(output.get("pg_ran", 0))  # type: ignore[call-overload]
    if output.get("pg_reason") and not _pg_state["ran"]:
        _pg_state["reason"] = output["pg_reason"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for path in _actas_quality:
        if Path(path).exists():
            from testbed.actas_corpus.report import format_summary

            data = json.loads(Path(path).read_text("utf-8"))
            terminalreporter.write_sep("-", "calidad del lector de actas")
            for line in format_summary(data):
                terminalreporter.write_line(line, red=bool(data["incumplidos"]))
            terminalreporter.write_line(f"Cifras en {path}")
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        reasons: dict[str, int] = {}
        for report in skipped:
            reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else "?"
            reason = reason.removeprefix("Skipped: ")
            reasons[reason] = reasons.get(reason, 0) + 1
        listed = "; ".join(f"{reason} ({count})" for reason, count in sorted(reasons.items()))
        terminalreporter.write_line(f"Omitidas: {len(skipped)} pruebas — {listed}", yellow=True)
    if _pg_state["reason"] is not None:
        terminalreporter.write_line(
            f"PostgreSQL: OMITIDO, no responde en {POSTGRES_URL} ({_pg_state['reason']})",
            yellow=True,
        )
    else:
        terminalreporter.write_line(
            f"PostgreSQL: {_pg_state['ran']} pruebas ejecutadas contra {POSTGRES_URL}", green=True
        )
