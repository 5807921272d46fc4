"""Turning an outbox row into a MIME message: text with an HTML
alternative, UTF-8, a stable Message-ID. Python's ``email`` package with
the SMTP policy refuses CR or LF inside a header, so no field can inject
one."""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr


def message_id_for(key: str, mail_from: str) -> str:
    """A Message-ID derived from the outbox key: the same message keeps
    the same id however many times it is delivered."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "cumple.localhost"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def _single_line(text: str) -> str:
    return " ".join(text.split())


def compose(
    *,
    mail_from: str,
    recipient: str,
    recipient_name: str | None,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    date: datetime,
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> EmailMessage:
    """The message to send. ``attachments`` are ``(filename, mime type,
    content)``."""
    message = EmailMessage(policy=SMTP)
    from_name, from_address = parseaddr(mail_from)
    message["From"] = str(Address(_single_line(from_name), addr_spec=from_address))
    message["To"] = str(Address(_single_line(recipient_name or ""), addr_spec=recipient))
    message["Subject"] = _single_line(subject)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    for filename, mime, content in attachments or []:
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message
