"""Accounts that end (sessions, API tokens, whole accounts, through the
real console script) and a login limit shared by every process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from models.accounts import LoginAttempt
from tests.helpers import Cli
from tests.test_web import client_for, token
from tests.web_fixtures import PASSWORD, USERS
from tracking.accounts import add_user, new_api_token
from web.app import create_app


def make_app(database_url: str, tmp_path: Path, **values: object) -> FastAPI:
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var", **values)
    return create_app(settings, with_scheduler=False)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> FastAPI:
    return make_app(database_url, tmp_path)


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli(tmp_path, database_url)


def logged_out(client: TestClient) -> bool:
    response = client.get("/", follow_redirects=False)
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def test_logout_ends_every_copy_of_the_session(app: FastAPI, site: dict[str, int]) -> None:
    client = client_for(app, "gerente_loa")
    copy = TestClient(app, cookies=dict(client.cookies))
    assert copy.get("/").status_code == 200
    other_device = client_for(app, "gerente_loa")
    out = client.post("/logout", data={"csrf_token": token(client, "/")}, follow_redirects=False)
    assert out.status_code == 303
    assert logged_out(copy) and logged_out(other_device)
    # The copied cookie cannot write either.
    path = f"/compromisos/{site['loa']}"
    write = copy.post(path, data={"nota": "x", "csrf_token": "x"}, follow_redirects=False)
    assert write.status_code == 303 and write.headers["location"].startswith("/login")
    assert client_for(app, "gerente_loa").get("/").status_code == 200  # logging in again works


def test_a_new_password_ends_sessions(app: FastAPI, site: dict[str, int], engine: Engine) -> None:
    client = client_for(app, "gerente_loa")
    email, role, territories, region = USERS["gerente_loa"]
    with Session(engine) as session:
        add_user(session, email=email, password="otra-clave-bien-larga", role=role,
                 territories=territories, region=region)  # fmt: skip
        session.commit()
    assert logged_out(client)
    again = TestClient(app)
    old = again.post("/login", data={"email": email, "password": PASSWORD,
                                     "csrf_token": token(again)})  # fmt: skip
    assert old.status_code == 401


def test_disable_ends_sessions_tokens_and_logins_at_once(
    app: FastAPI, site: dict[str, int], engine: Engine, cli: Cli
) -> None:
    email = USERS["gerente_loa"][0]
    with Session(engine) as session:
        api_token = new_api_token(session, email, "erp")
        session.commit()
    bearer = {"Authorization": f"Bearer {api_token}"}
    api = TestClient(app)
    assert api.get("/api/compromisos", headers=bearer).status_code == 200
    client = client_for(app, "gerente_loa")
    result, missing = cli.batch(
        [["users", "disable", "Gerente@Loa.cl "], ["users", "disable", "nadie@cumple.cl"]]
    )
    assert result.returncode == 0, result.stderr
    assert "desactivado" in result.stdout and "1 token revocado" in result.stdout
    assert logged_out(client)
    refused = api.get("/api/compromisos", headers=bearer)
    assert refused.status_code == 401 and "Token inválido" in refused.json()["detail"]
    login = TestClient(app)
    attempt = login.post("/login", data={"email": email, "password": PASSWORD,
                                         "csrf_token": token(login)})  # fmt: skip
    assert attempt.status_code == 401
    assert missing.returncode == 1 and "No existe el usuario" in missing.stderr


def test_tokens_are_listed_without_the_secret_and_revoked(
    app: FastAPI, site: dict[str, int], engine: Engine, cli: Cli
) -> None:
    email = USERS["gore_an"][0]
    with Session(engine) as session:
        erp = new_api_token(session, email, "erp")
        bi = new_api_token(session, email, "tablero")
        session.commit()
    api = TestClient(app)

    def status(api_token: str) -> int:
        headers = {"Authorization": f"Bearer {api_token}"}
        return api.get("/api/compromisos", headers=headers).status_code

    listed, one, relisted, unknown = cli.batch(
        [
            ["users", "tokens", email],
            ["users", "revoke", email, "--name", "erp"],
            ["users", "tokens", email],
            ["users", "revoke", email, "--name", "otro"],
        ]
    )
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["erp", "tablero"]
    assert all(line.endswith("\tactivo") for line in lines)
    assert erp not in listed.stdout and bi not in listed.stdout
    assert one.returncode == 0 and "1 token revocado" in one.stdout
    assert (status(erp), status(bi)) == (401, 200)
    assert "\trevocado el " in relisted.stdout.splitlines()[0]
    assert unknown.returncode == 1 and "no tiene un token llamado «otro»" in unknown.stderr
    [every] = cli.batch([["users", "revoke", email]])  # after bi was seen still working
    assert every.returncode == 0 and "1 token revocado" in every.stdout
    assert status(bi) == 401


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("corta", "al menos 12 caracteres"),
        ("aaaaaaaaaaaaaaaa", "un mismo carácter repetido"),
        ("contraseña123", "de las más usadas"),
        ("Chile2026!!!!", "de las más usadas"),
    ],
)
def test_weak_passwords_are_refused(cli: Cli, password: str, message: str) -> None:
    result = cli("users", "add", "x@cumple.cl", "--role", "admin", "--password-stdin",
                 stdin=password + "\n")  # fmt: skip
    assert result.returncode == 1 and message in result.stderr, result.stderr


def test_users_add_changes_role_or_scope_only_with_update(
    site: dict[str, int], engine: Engine, cli: Cli
) -> None:
    email = USERS["gerente_loa"][0]
    promote = ["users", "add", email, "--role", "admin", "--password-stdin"]
    other = ["users", "add", email, "--role", "gerente", "--territory", "Provincia del Huasco",
             "--password-stdin"]  # fmt: skip
    same = ["users", "add", email, "--role", "gerente", "--territory", "Loa Emprende",
            "--password-stdin"]  # fmt: skip
    refused, moved, kept, updated = cli.batch(
        [promote, other, same, [*promote, "--update"]], stdin=["una-clave-nueva-larga\n"] * 4
    )
    assert refused.returncode == 1 and "--update" in refused.stderr
    assert moved.returncode == 1
    assert kept.returncode == 0
    assert updated.returncode == 0, updated.stderr
    from models.accounts import User

    with Session(engine) as session:
        assert session.scalars(select(User.role).where(User.email == email)).one() == "admin"


# --- the login limit ------------------------------------------------------


def wrong_login(client: TestClient, email: str) -> int:
    data = {"email": email, "password": "no-es-la-clave", "csrf_token": token(client)}
    return client.post("/login", data=data).status_code


def test_the_limit_is_shared_by_processes_and_email_spellings(
    database_url: str, tmp_path: Path, site: dict[str, int]
) -> None:
    apps = [make_app(database_url, tmp_path), make_app(database_url, tmp_path)]
    # Alternating app instances, each attempt from its own address, the
    # e-mail spelled differently each time: only the e-mail's count is shared.
    spellings = ["gerente@loa.cl", "GERENTE@loa.cl", "gerente@loa.cl ", " Gerente@Loa.CL",
                 "gerente@LOA.cl"]  # fmt: skip
    statuses = [
        wrong_login(TestClient(apps[n % 2], client=(f"192.0.2.{n}", 5000)), email)
        for n, email in enumerate(spellings)
    ]
    assert statuses == [401] * 5
    for app in apps:
        client = TestClient(app, client=("192.0.2.99", 5000))
        right = {"email": "gerente@loa.cl", "password": PASSWORD, "csrf_token": token(client)}
        assert client.post("/login", data=right).status_code == 429
    other = TestClient(apps[0], client=("192.0.2.99", 5000))
    assert wrong_login(other, "admin@cumple.cl") == 401  # that address is not blocked


def test_a_success_clears_the_email_count(
    database_url: str, tmp_path: Path, site: dict[str, int], engine: Engine
) -> None:
    client = TestClient(make_app(database_url, tmp_path))
    for _ in range(3):
        assert wrong_login(client, "admin@cumple.cl") == 401
    right = {"email": "admin@cumple.cl", "password": PASSWORD, "csrf_token": token(client)}
    assert client.post("/login", data=right, follow_redirects=False).status_code == 303
    with Session(engine) as session:
        keys = list(session.scalars(select(LoginAttempt.key)))
    assert "email:admin@cumple.cl" not in keys and keys.count("ip:testclient") == 3


@pytest.fixture
def counted_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """The real argon2 check, counted: how many ran, and most at once."""
    from tracking import accounts

    hasher = accounts._hasher()
    real = type(hasher).verify
    seen = {"checks": 0, "running": 0, "most": 0}
    lock = threading.Lock()

    def verify(self: object, hashed: str, password: str) -> bool:
        with lock:
            seen["checks"] += 1
            seen["running"] += 1
            seen["most"] = max(seen["most"], seen["running"])
        try:
            return real(hasher, hashed, password)
        finally:
            with lock:
                seen["running"] -= 1

    monkeypatch.setattr(type(hasher), "verify", verify)
    yield seen


def test_parallel_attempts_check_at_most_the_limit(
    database_url: str, tmp_path: Path, site: dict[str, int], counted_checks: dict[str, int]
) -> None:
    app = make_app(database_url, tmp_path, login_concurrency=2)
    clients = [TestClient(app) for _ in range(20)]
    csrf = [token(client) for client in clients]
    statuses: list[int] = []
    start = threading.Barrier(20)

    def attempt(n: int) -> None:
        start.wait()
        data = {"email": "gore@atacama.cl", "password": "mala-clave-123", "csrf_token": csrf[n]}
        response = clients[n].post("/login", data=data)
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == 20
    assert counted_checks["checks"] == statuses.count(401) <= 5
    assert statuses.count(401) + statuses.count(429) == 20
    assert counted_checks["most"] <= 2


@pytest.mark.parametrize(
    ("trusted", "peer", "limited"),
    [
        ("", "10.0.0.1", "ip:10.0.0.1"),
        ("127.0.0.1", "10.0.0.1", "ip:10.0.0.1"),
        ("10.0.0.0/8", "10.0.0.1", "ip:198.51.100.7"),
        ("10.0.0.0/8, 198.51.100.0/24", "10.0.0.1", "ip:203.0.113.9"),
    ],
)
def test_forwarded_for_only_from_a_trusted_proxy(
    database_url: str,
    tmp_path: Path,
    site: dict[str, int],
    engine: Engine,
    trusted: str,
    peer: str,
    limited: str,
) -> None:
    app = make_app(database_url, tmp_path, trusted_proxies=trusted)
    client = TestClient(app, client=(peer, 5000))
    forged = {"X-Forwarded-For": "1.2.3.4, 203.0.113.9, 198.51.100.7"}
    data = {"email": "nadie@cumple.cl", "password": "x", "csrf_token": token(client)}
    assert client.post("/login", data=data, headers=forged).status_code == 401
    with Session(engine) as session:
        keys = set(session.scalars(select(LoginAttempt.key)))
    assert keys == {limited, "email:nadie@cumple.cl"}


def test_client_address_rules() -> None:
    from ipaddress import ip_network

    from web.security import client_address

    proxies = (ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8"))
    assert client_address("203.0.113.5", ["1.1.1.1"], proxies) == "203.0.113.5"
    assert client_address("127.0.0.1", [], proxies) == "127.0.0.1"
    assert client_address("127.0.0.1", ["1.1.1.1, 10.1.2.3"], proxies) == "1.1.1.1"
    # A client's own header is before the proxy's: only the proxy's addition counts.
    assert client_address("127.0.0.1", ["6.6.6.6", "8.8.8.8"], proxies) == "8.8.8.8"
    assert client_address("127.0.0.1", ["basura"], proxies) == "127.0.0.1"
