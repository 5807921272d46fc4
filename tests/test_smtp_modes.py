"""Delivery against a real SMTP server in every mode an installation uses:
STARTTLS and implicit TLS with a certificate made here (trustme), AUTH,
refusals at RCPT and at DATA, a temporary refusal then acceptance, a dropped
connection; the delivery's own error paths (an unreadable attachment,
retries exhausted, claims handed back when the database goes away); and the
bodies of the scheduled jobs, run once."""

from __future__ import annotations

import asyncio
import email
import json
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from config import Settings, load_settings
from models.reminders import CycleRun, OutboxMessage
from notifications.delivery import deliver
from notifications.outbox import MAX_ATTEMPTS
from tests.smtp_server import free_port

# aiosmtpd warns when AUTH does not require STARTTLS: with implicit TLS the
# whole connection is already encrypted (the test checks it).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
USER, PASSWORD = "cumple@gore.cl", "clave-del-relay"


@dataclass
class Server:
    """What the server saw and the answers it gives per recipient."""

    port: int
    received: list[tuple[list[str], str, bool, str | None]] = field(default_factory=list)
    at_rcpt: dict[str, list[str]] = field(default_factory=dict)
    at_data: dict[str, list[str]] = field(default_factory=dict)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:  # fmt: skip
        answers = self.at_rcpt.get(address)
        if answers:
            return answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for address in envelope.rcpt_tos:
            answers = self.at_data.get(address)
            if answers:
                answer = answers.pop(0)
                if answer == "drop":
                    server.transport.close()
                    return "421 cerrando"
                return answer
        message = email.message_from_bytes(envelope.content, policy=policy.SMTP)
        user = session.auth_data.login.decode() if session.auth_data else None
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self.received.append((list(envelope.rcpt_tos), str(message["Message-ID"]), encrypted, user))
        return "250 OK"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(), PASSWORD.encode(),
    )  # fmt: skip
    return AuthResult(success=ok, handled=False, auth_data=data)


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@contextmanager
def serving(authority: trustme.CA, mode: str) -> Iterator[Server]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server = Server(free_port())
    options: dict[str, Any] = {"authenticator": _authenticator, "auth_required": True}
    if mode == "starttls":
        options |= {"tls_context": context, "require_starttls": True}
    elif mode == "tls":
        options |= {"ssl_context": context, "auth_require_tls": False}
    else:
        options = {}
    controller = Controller(server, hostname="127.0.0.1", port=server.port, **options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def _settings(database_url: str, tmp_path: Path, server: Server, mode: str,
              **values: Any) -> Settings:  # fmt: skip
    base: dict[str, Any] = {
        "database_url": database_url, "data_dir": tmp_path / "var", "smtp_host": "127.0.0.1",
        "smtp_port": server.port, "smtp_security": mode,
    }  # fmt: skip
    if mode != "none":
        base |= {"smtp_username": USER, "smtp_password": PASSWORD}
    return load_settings(**(base | values))


def enqueue(engine: Engine, recipients: list[str], attachments: str | None = None) -> None:
    from checks.harness import enqueue as seed

    seed(engine, len(recipients), recipients[0], NOW - timedelta(minutes=1))
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        ids = connection.execute(select(table.c.id).order_by(table.c.id)).scalars().all()
        for message_id, recipient in zip(ids[-len(recipients) :], recipients, strict=True):
            connection.execute(
                update(table).where(table.c.id == message_id)
                .values(recipient=recipient, attachments=attachments)
            )  # fmt: skip


def _outbox(engine: Engine) -> dict[str, tuple[str, str | None, int]]:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.recipient, table.c.status, table.c.last_error, table.c.attempts)
        )
        return {r.recipient: (r.status, r.last_error, r.attempts) for r in rows}


def _deliver(engine: Engine, settings: Settings, now: datetime = NOW) -> Any:
    return asyncio.run(deliver(engine, settings, now=now, concurrency=2))


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_encrypted_and_authenticated_delivery(
    engine: Engine, database_url: str, tmp_path: Path, authority: trustme.CA, mode: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # the installation trusts this CA
    enqueue(engine, ["a@fosis.cl", "b@fosis.cl"])
    with serving(authority, mode) as server:
        wrong = _settings(database_url, tmp_path, server, mode, smtp_password="otra")
        report = _deliver(engine, wrong)
        assert (report.sent, report.retrying) == (0, 2)
        status, error, _ = _outbox(engine)["a@fosis.cl"]
        assert status == "pending" and "rechazó la autenticación" in (error or "")
        report = _deliver(engine, _settings(database_url, tmp_path, server, mode),
                          NOW + timedelta(minutes=2))  # fmt: skip
        assert report.sent == 2
    assert {(tuple(rcpt), tls, user) for rcpt, _, tls, user in server.received} == {
        (("a@fosis.cl",), True, USER), (("b@fosis.cl",), True, USER),
    }  # fmt: skip


def test_a_certificate_nobody_trusts_keeps_the_mail_queued(
    engine: Engine, database_url: str, tmp_path: Path, authority: trustme.CA,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    enqueue(engine, ["a@fosis.cl"])
    with serving(authority, "tls") as server:
        report = _deliver(engine, _settings(database_url, tmp_path, server, "tls"))
    assert (report.sent, report.retrying, server.received) == (0, 1, [])
    status, error, _ = _outbox(engine)["a@fosis.cl"]
    assert status == "pending" and "CERTIFICATE_VERIFY_FAILED" in (error or "")


def test_refusals_at_rcpt_and_data_temporary_answers_and_drops(
    engine: Engine, database_url: str, tmp_path: Path, authority: trustme.CA
) -> None:
    people = ["rcpt550@x.cl", "rcpt450@x.cl", "data554@x.cl", "data451@x.cl", "drop@x.cl"]
    enqueue(engine, people)
    with serving(authority, "none") as server:
        server.at_rcpt = {"rcpt550@x.cl": ["550 5.1.1 no existe"],
                          "rcpt450@x.cl": ["450 4.2.1 buzón ocupado"]}  # fmt: skip
        server.at_data = {"data554@x.cl": ["554 5.7.1 rechazado por política"],
                          "data451@x.cl": ["451 4.3.0 intente más tarde"],
                          "drop@x.cl": ["drop"]}  # fmt: skip
        settings = _settings(database_url, tmp_path, server, "none")
        first = _deliver(engine, settings)
        assert (first.sent, first.retrying, first.failed) == (0, 3, 2)
        after = _outbox(engine)
        assert after["rcpt550@x.cl"][:2] == ("failed", after["rcpt550@x.cl"][1])
        assert "550" in (after["rcpt550@x.cl"][1] or "") and "no existe" in (
            after["rcpt550@x.cl"][1] or ""
        )
        assert after["data554@x.cl"][0] == "failed" and "554" in (after["data554@x.cl"][1] or "")
        # Before the retry time nothing goes out; after it, everything does.
        assert _deliver(engine, settings, NOW + timedelta(seconds=30)).sent == 0
        second = _deliver(engine, settings, NOW + timedelta(minutes=2))
        assert (second.sent, second.retrying, second.failed) == (3, 0, 0)
    final = _outbox(engine)
    assert {k: v[0] for k, v in final.items()} == {
        "rcpt550@x.cl": "failed", "rcpt450@x.cl": "sent", "data554@x.cl": "failed",
        "data451@x.cl": "sent", "drop@x.cl": "sent",
    }  # fmt: skip
    assert sorted(r[0][0] for r in server.received) == ["data451@x.cl", "drop@x.cl",
                                                         "rcpt450@x.cl"]  # fmt: skip


def test_delivery_error_paths(
    engine: Engine, database_url: str, tmp_path: Path, authority: trustme.CA
) -> None:
    missing = json.dumps([str(tmp_path / "no-existe.pdf")])
    enqueue(engine, ["adjunto@x.cl"], attachments=missing)
    enqueue(engine, ["agotado@x.cl"])
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(
            update(table).where(table.c.recipient == "agotado@x.cl")
            .values(attempts=MAX_ATTEMPTS - 1)
        )  # fmt: skip
    with serving(authority, "none") as server:
        server.at_data = {"agotado@x.cl": ["451 4.3.0 sigue ocupado"]}
        report = _deliver(engine, _settings(database_url, tmp_path, server, "none"))
    outbox = _outbox(engine)
    assert (report.sent, report.retrying, report.failed) == (0, 0, 2)
    assert outbox["adjunto@x.cl"][0] == "failed"
    assert (outbox["adjunto@x.cl"][1] or "").startswith("adjunto ilegible:")
    assert outbox["agotado@x.cl"][:2] == (
        "failed", "reintentos agotados; último error: 451 4.3.0 sigue ocupado"
    )  # fmt: skip


@pytest.mark.postgres
def test_claims_go_back_when_the_database_goes_away(
    postgres_url: str, tmp_path: Path, authority: trustme.CA
) -> None:
    from sqlalchemy import create_engine

    from models.db import make_engine

    # Without pre-ping: a connection the server dropped fails the next
    # statement, as a database that restarts under a running delivery does.
    engine = create_engine(postgres_url)
    enqueue(engine, [f"p{i}@x.cl" for i in range(6)])

    class Cutting(Server):
        """Terminates cumple's database connections after the first message."""

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            answer = await super().handle_DATA(server, session, envelope)
            if len(self.received) == 1:
                with admin.connect() as connection:
                    connection.execute(text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    ))  # fmt: skip
            return answer

    admin = make_engine(postgres_url)
    server = Cutting(free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        settings = _settings(postgres_url, tmp_path, server, "none")
        with pytest.raises(DBAPIError):
            asyncio.run(deliver(engine, settings, now=NOW, concurrency=1))
        waiting = _outbox(engine)
        assert all(status in ("pending", "sent") for status, _, _ in waiting.values())
        assert sum(1 for status, _, _ in waiting.values() if status == "pending") >= 5
        report = asyncio.run(deliver(engine, settings, now=NOW, concurrency=1))
    finally:
        controller.stop()
        engine.dispose()
        admin.dispose()
    checker = make_engine(postgres_url)
    assert {status for status, _, _ in _outbox(checker).values()} == {"sent"}
    checker.dispose()
    # Every message arrived; the one the server accepted as the database went
    # away (its outcome could not be recorded) arrived twice, same Message-ID.
    ids = [mid for _, mid, _, _ in server.received]
    assert len(set(ids)) == 6 and len(ids) <= 7 and ids.count(ids[0]) == len(ids) - 5
    assert report.sent == len(ids) - 1


def test_the_scheduled_jobs_run(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.jobs import daily_cycle_job, delivery_job
    from models.db import make_engine

    for name in ("PREFECT_API_URL", "CUMPLE_SMTP_HOST", "CUMPLE_ORCHESTRATION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CUMPLE_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("CUMPLE_DATA_DIR", str(tmp_path / "var"))
    engine = make_engine(sqlite_url)
    daily_cycle_job()
    with engine.connect() as connection:
        runs = connection.execute(select(CycleRun.finished_at)).scalars().all()  # type: ignore[call-overload]
    assert len(runs) == 1 and runs[0] is not None
    enqueue(engine, ["cola@x.cl"])
    delivery_job()
    engine.dispose()
    sink = list((tmp_path / "var" / "mail").rglob("*.eml"))
    assert len(sink) == 1 and "cola@x.cl" in sink[0].name
