"""What every response carries and what no request may exceed: security
headers, the request body limit (refused before it is read), the
stylesheet (a file, so that no inline style is needed), and tokens kept
out of the access log. All are pure ASGI or logging pieces, registered by
:func:`web.app.create_app`."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from jinja2 import Environment
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
STYLESHEET = "/estilo.css"


class SecurityHeaders:
    """Adds to every response: the content security policy (no inline
    script or style, no framing), ``Referrer-Policy: no-referrer`` (token
    URLs never leak to other sites), ``nosniff``, HSTS when the site is
    served over https, and ``Cache-Control: no-store`` unless the response
    set its own (only the stylesheet and the public portal do): pages, token pages, downloads
    and the API are never kept by a browser or a proxy."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.extra: list[tuple[bytes, bytes]] = [
            (b"content-security-policy", CSP.encode()),
            (b"referrer-policy", b"no-referrer"),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
        ]
        if https:
            self.extra.append((b"strict-transport-security", HSTS.encode()))
        self.names = {name for name, _ in self.extra}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in self.names
                ]
                headers.extend(self.extra)
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    """Raised from ``receive`` once a body passes the limit."""


def too_large_page(limit_mb: int) -> bytes:
    return (
        '<!DOCTYPE html><html lang="es"><head><meta charset="utf-8">'
        "<title>Archivo demasiado grande · Seguimiento de Compromisos</title></head><body>"
        "<main><h1>Archivo demasiado grande</h1>"
        f"<p>Lo enviado supera el máximo de {limit_mb} MB por solicitud. Divida el archivo o "
        'envíe uno más liviano.</p><p><a href="/">Volver al inicio</a></p></main></body></html>'
    ).encode()


class BodyLimit:
    """Refuses a request body over ``limit_mb`` with a Spanish 413 page:
    at once when ``Content-Length`` says so (nothing is read), and for a
    body without one (chunked) as soon as the bytes received pass the
    limit, whatever the application was doing with them."""

    def __init__(self, app: ASGIApp, limit_mb: int) -> None:
        self.app = app
        self.limit_mb = limit_mb
        self.limit = limit_mb * 1024 * 1024

    async def _refuse(self, send: Send) -> None:
        body = too_large_page(self.limit_mb)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        state = {"received": 0, "over": False, "started": False}

        async def counted_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.limit:
                    state["over"] = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            if state["over"]:
                return  # the application's answer to a cut body is replaced by ours
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            # Frameworks wrap errors raised while reading a body; ours is
            # known by the flag, anything else goes on up.
            if not state["over"]:
                raise
        if state["over"] and not state["started"]:
            await self._refuse(send)


_TOKEN_PATHS = re.compile(r"(/c/|/calendario/)[^/?\s\"]+?(\.ics)?(?=[/?\s\"]|$)")
_TOKEN_PARAMS = re.compile(r"((?:^|[?&])token=)[^&\s\"]+")


def redact(text: str) -> str:
    """``text`` with the token of ``/c/…``, ``/calendario/….ics`` and any
    ``token=`` parameter replaced by ``…``."""
    return _TOKEN_PARAMS.sub(r"\1…", _TOKEN_PATHS.sub(r"\1…\2", text))


class RedactTokens(logging.Filter):
    """Keeps link and feed tokens out of log records (uvicorn's access log
    passes the path as an argument): whoever reads the logs must not be
    able to open a responsable's link or a feed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_log_redaction(name: str = "uvicorn.access") -> None:
    """Add :class:`RedactTokens` to the logger ``name`` (once)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())


def stylesheet_router(env: Environment) -> APIRouter:
    """``/estilo.css``: the site's one stylesheet (``templates/cumple.css``,
    packaged with the templates), cacheable for an hour."""
    router = APIRouter()
    loader = env.loader
    assert loader is not None
    css = loader.get_source(env, "cumple.css")[0].encode()

    @router.get(STYLESHEET, include_in_schema=False)
    def stylesheet() -> Any:
        return Response(
            css,
            media_type="text/css; charset=utf-8",
            headers={"Cache-Control": "public, max-age=3600"},
        )

    return router
