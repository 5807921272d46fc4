"""``/login`` and ``/logout``. A login is counted in the database before
its password is checked (:mod:`tracking.logins`), and at most
``login_concurrency`` passwords are checked at once; a logout ends every
session of the user (``session_version``)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from tracking.accounts import authenticate, end_sessions
from tracking.logins import LoginLimits, release, reserve, succeeded
from web.pages import SESSION_USER, SESSION_VERSION, check_csrf, render
from web.security import CSRF_FIELD, client_address, new_csrf_token

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", title="Iniciar sesión", next=next, email="", error=None)


def _safe_next(path: str) -> str:
    # Only paths of this site: no scheme, no host, no "//evil".
    return path if path.startswith("/") and not path.startswith("//") else "/"


def request_address(request: Request) -> str:
    """The client's address (see :func:`web.security.client_address`)."""
    return client_address(
        request.client.host if request.client else None,
        request.headers.getlist("x-forwarded-for"),
        request.app.state.settings.proxy_networks,
    )


@router.post("/login")
def login(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    next: str = Form("/"),
) -> Response:
    check_csrf(request, csrf_token_field)
    settings = request.app.state.settings
    engine = request.app.state.engine

    def refuse(status: int, error: str) -> Response:
        return render(request, "login.html", status, title="Iniciar sesión", next=next,
                      email=email, error=error)  # fmt: skip

    limits = LoginLimits(settings.login_attempts, timedelta(minutes=settings.login_window_minutes))
    reservation = reserve(engine, request_address(request), email, limits)
    if not reservation.allowed:
        return refuse(
            429,
            f"Demasiados intentos fallidos. Espere {settings.login_window_minutes} minutos y "
            "vuelva a intentar.",
        )
    gate = request.app.state.password_gate
    if not gate.enter():
        release(engine, reservation)
        return refuse(
            429, "Hay muchos inicios de sesión en curso. Espere unos segundos y vuelva a intentar."
        )
    try:
        with Session(engine) as session:
            account = authenticate(session, email, password)
    finally:
        gate.leave()
    if account is None:
        return refuse(401, "Correo o contraseña incorrectos.")
    succeeded(engine, reservation)
    request.session.clear()
    request.session[SESSION_USER] = account.id
    request.session[SESSION_VERSION] = account.session_version
    request.session[CSRF_FIELD] = new_csrf_token()
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf_token_field: str = Form("", alias=CSRF_FIELD)) -> Response:
    """End this session and every other session of the same user (a
    copied cookie stops working too)."""
    check_csrf(request, csrf_token_field)
    user_id = request.session.get(SESSION_USER)
    if isinstance(user_id, int):
        with Session(request.app.state.engine) as session:
            end_sessions(session, user_id)
            session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
