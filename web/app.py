"""App factory. ``cumple serve`` runs this app and the embedded scheduler in
one process; the scheduler starts and stops with the app."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Match

from config import Settings
from config.i18n import plural, translations
from models.commitments import STATUS_LABELS
from models.dates import format_long
from models.db import make_engine
from models.money import format_bytes, format_clp
from tracking.history import event_label, event_value, field_label
from web import (
    agenda,
    api,
    evaluation,
    feeds,
    links,
    login,
    packages,
    person,
    public,
    public_downloads,
    public_evidence,
    public_feed,
    registration,
    verification,
)
from web.cache import FiguresCache
from web.headers import BodyLimit, SecurityHeaders, install_log_redaction, stylesheet_router
from web.pages import CsrfFailed, LoginRequired, login_redirect, render, router
from web.portal_cache import PortalCache
from web.security import PasswordGate

log = logging.getLogger("cumple.web")
SESSION_HOURS = 8


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=PackageLoader("web", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",)),
    )
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(translations(), newstyle=True)  # type: ignore[attr-defined]
    env.globals["plural"] = plural
    env.filters["clp"] = lambda amount: format_clp(amount, empty="—")
    env.filters["fecha"] = format_long
    env.filters["bytes"] = format_bytes
    env.globals["event_label"] = event_label
    env.globals["status_label"] = lambda status: STATUS_LABELS.get(status, status)
    env.globals["field_label"] = field_label
    env.globals["event_value"] = event_value
    return Jinja2Templates(env=env)


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
"""The methods a 405's ``Allow`` header may list."""


def _not_allowed(request: Request, exc: StarletteHTTPException) -> Response:
    """405 in Spanish with an ``Allow`` header: JSON with a ``detail``
    under /api, a page elsewhere (a HEAD or a POST on a page that only
    answers GET)."""
    # Routing names the methods of the first route with this path only:
    # /login has a GET route and a POST route, and would allow just GET.
    # Each method is asked of the routes themselves (matching is pure).
    methods = [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]
    headers = dict(exc.headers or {})
    if methods:
        headers["Allow"] = ", ".join(methods)
    allowed = headers.get("Allow", "")
    method = request.method
    if request.url.path.startswith("/api"):
        detail = f"Método {method} no permitido en esta dirección" + (
            f"; use {allowed}." if allowed else "."
        )
        return JSONResponse({"detail": detail}, status_code=405, headers=headers)
    message = f"Esta dirección no admite {method}" + (f" (admite {allowed})." if allowed else ".")
    response = render(
        request, "error.html", 405, title="Operación no permitida",
        message=f"{message} Vuelva al inicio y siga desde allí.",
    )  # fmt: skip
    response.headers.update(headers)
    return response


def create_app(settings: Settings, *, with_scheduler: bool = True) -> FastAPI:
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        scheduler = None
        if with_scheduler:
            from flows.jobs import daily_cycle_job
            from flows.scheduler import build_scheduler, missed_today

            scheduler = build_scheduler(settings)
            scheduler.start()
            app.state.scheduler = scheduler
            if missed_today(engine, settings):
                log.info("ciclo de hoy no ejecutado: se ejecuta ahora")
                threading.Thread(target=daily_cycle_job, name="catch-up", daemon=True).start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            engine.dispose()

    app = FastAPI(
        title="cumple",
        description="Seguimiento de compromisos de actas territoriales.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    # Read once: without CUMPLE_SECRET_KEY it lives in a file under DATA_DIR.
    app.state.secret = settings.resolved_secret_key()
    app.state.engine = engine
    app.state.templates = _templates()
    install_log_redaction()
    app.state.password_gate = PasswordGate(settings.login_concurrency)
    app.state.figures = FiguresCache()
    app.state.portal_cache = PortalCache()

    @app.middleware("http")
    async def _fresh_figures(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        if request.method not in ("GET", "HEAD") and response.status_code < 400:
            app.state.figures.clear()  # a change went through: recount
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.secret,
        session_cookie="cumple_sesion",
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )
    # Added last, so outermost: a refused body is never read, and every
    # answer (the 413 too) carries the security headers.
    app.add_middleware(BodyLimit, limit_mb=settings.max_request_mb)
    app.add_middleware(SecurityHeaders, https=settings.base_url.startswith("https://"))
    # Pages are for people; /openapi.json describes the API for systems.
    people = (login.router, router, links.router, verification.router, feeds.router,
              packages.router, registration.router, person.router, agenda.router,
              evaluation.router)  # fmt: skip
    # The portal's own routes before its pages: /publico/<región>/<territorio>
    # would otherwise take /publico/<región>/datos and the like.
    portal = (public_downloads.router, public_feed.router, public_evidence.router, public.router)
    for pages in (*people, *portal):
        app.include_router(pages, include_in_schema=False)
    app.include_router(stylesheet_router(app.state.templates.env))
    app.include_router(api.router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return login_redirect(exc)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        return render(
            request, "error.html", 403, title="Formulario vencido",
            message="El formulario venció o no es de este sitio. Vuelva a la página e "
            "inténtelo de nuevo.",
        )  # fmt: skip

    @app.exception_handler(StarletteHTTPException)
    async def _not_found(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            return _not_allowed(request, exc)
        # A person who mistypes an address gets a page; systems keep JSON.
        if exc.status_code != 404 or request.url.path.startswith("/api"):
            return await http_exception_handler(request, exc)
        return render(
            request, "error.html", 404, title="Página no encontrada",
            message="La dirección no existe. Vuelva al inicio y busque desde allí.",
        )  # fmt: skip

    @app.get("/health")
    def health() -> JSONResponse:
        """200 when the database answers, 503 otherwise."""
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # any database failure means "not healthy"
            return JSONResponse({"estado": "sin base de datos"}, status_code=503)
        return JSONResponse({"estado": "ok"})

    return app
