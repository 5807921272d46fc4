"""One transport per channel. Each sends one composed message and says how
it failed: :class:`TemporaryFailure` (try again later: 4xx, dropped
connection, timeout) or :class:`PermanentFailure` (5xx: record and show)."""

from __future__ import annotations

import os
import re
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from types import TracebackType
from typing import Protocol

import aiosmtplib

from config import Settings
from notifications.compose import stamp_date


def wall_clock() -> datetime:
    """The real current instant, in the server's local zone with its
    offset (the ``Date`` of a message is when it leaves, not when it was
    planned)."""
    return datetime.now(UTC).astimezone()


class TemporaryFailure(Exception):
    """The message may go through later. ``code`` is the server's reply
    code when it answered (421, 451, 452...), so that delivery can tell a
    "too many" from an outage."""

    def __init__(self, text: str, code: int | None = None) -> None:
        super().__init__(text)
        self.code = code


class PermanentFailure(Exception):
    """The server refused the message for good."""


class Transport(Protocol):
    async def __aenter__(self) -> Transport: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def send(self, message: Message, *, label: str) -> None: ...


class SinkTransport:
    """The local sink: one ``.eml`` file per message under ``folder``,
    written atomically. ``label`` names the file, so delivering the same
    message again replaces it instead of adding a copy."""

    def __init__(self, folder: Path, clock: Callable[[], datetime] = wall_clock) -> None:
        self.folder = folder
        self.clock = clock

    async def __aenter__(self) -> SinkTransport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def send(self, message: Message, *, label: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9._@/-]+", "_", label).strip("/")
        path = self.folder / f"{safe}.eml"
        stamp_date(message, self.clock())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".eml.tmp")
            temporary.write_bytes(message.as_bytes())
            os.replace(temporary, path)
        except OSError as exc:
            raise TemporaryFailure(f"no se pudo escribir {path}: {exc.strerror}") from None


class SmtpTransport:
    """SMTP over one persistent connection (aiosmtplib), reconnecting after
    a failure; STARTTLS, TLS and AUTH from the settings."""

    def __init__(
        self,
        settings: Settings,
        timeout: float = 30.0,
        clock: Callable[[], datetime] = wall_clock,
    ) -> None:
        if settings.smtp_host is None:
            raise ValueError("SmtpTransport needs CUMPLE_SMTP_HOST")
        self.settings = settings
        self.timeout = timeout
        self.clock = clock
        self._client: aiosmtplib.SMTP | None = None

    async def __aenter__(self) -> SmtpTransport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._close()

    async def _close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except (TimeoutError, aiosmtplib.SMTPException, OSError):
                client.close()

    async def _connect(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        settings = self.settings
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        client = aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls",  # never implicit
            username=settings.smtp_username,
            password=password,
            timeout=self.timeout,
            tls_context=ssl.create_default_context() if settings.smtp_security != "none" else None,
        )
        await client.connect()
        self._client = client
        return client

    async def send(self, message: Message, *, label: str) -> None:
        try:
            client = await self._connect()
            stamp_date(message, self.clock())  # after connecting: when it leaves
            await client.send_message(message)
        except aiosmtplib.SMTPAuthenticationError as exc:
            # A wrong user or password is the installation's, not the
            # message's: keep it queued until the settings are fixed.
            await self._close()
            raise TemporaryFailure(
                f"el servidor SMTP rechazó la autenticación ({exc.code} {exc.message}); revise "
                "CUMPLE_SMTP_USERNAME y CUMPLE_SMTP_PASSWORD"
            ) from None
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [error.code for error in exc.recipients]
            await self._reset_if_broken()
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentFailure(_describe(exc)) from None
            temporary = [code for code in codes if code < 500]
            raise TemporaryFailure(_describe(exc), temporary[0] if temporary else None) from None
        except aiosmtplib.SMTPResponseException as exc:
            await self._reset_if_broken()
            if 500 <= exc.code < 600:
                raise PermanentFailure(f"{exc.code} {exc.message}") from None
            raise TemporaryFailure(f"{exc.code} {exc.message}", exc.code) from None
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            await self._close()
            raise TemporaryFailure(_describe(exc)) from None

    async def _reset_if_broken(self) -> None:
        client = self._client
        if client is None or not client.is_connected:
            self._client = None
            return
        try:
            await client.rset()
        except (TimeoutError, aiosmtplib.SMTPException, OSError):
            await self._close()


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[:500]


def transport_for(settings: Settings) -> Transport:
    """The transport the settings ask for: SMTP when a host is set, else
    the local sink under ``DATA_DIR/mail``."""
    if settings.smtp_host:
        return SmtpTransport(settings)
    return SinkTransport(settings.mail_dir)
