"""A real SMTP server on loopback (aiosmtpd) whose answers tests control:
accept, a temporary 4xx, a permanent 5xx, or a dropped connection."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        body = self.message.get_body(("plain",))
        assert body is not None
        return str(body.get_content())


@dataclass
class Handler:
    """``plan[address]`` is a list of answers for the next deliveries to
    that address: ``"451"``, ``"550"`` or ``"drop"``; then it accepts."""

    plan: dict[str, list[str]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            for address in envelope.rcpt_tos:
                answers = self.plan.get(address.lower())
                if answers:
                    answer = answers.pop(0)
                    if answer == "drop":
                        server.transport.close()
                        return "421 closing"
                    if answer == "451":
                        return "451 4.3.0 Mailbox temporarily unavailable"
                    return "550 5.1.1 User unknown"
            message = email.message_from_bytes(envelope.content, policy=policy.SMTP)
            assert isinstance(message, EmailMessage)
            self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 OK"

    def by_recipient(self) -> dict[str, list[Received]]:
        found: dict[str, list[Received]] = {}
        for item in self.received:
            for address in item.envelope_to:
                found.setdefault(address, []).append(item)
        return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Handler, int]]:
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
