"""A loopback SMTP server in its own process that records the Message-ID
of every message it accepts, one per line, *before* it answers 250: a line
in the log means the server took the message.

    python -m testbed.smtp_recorder --port 2525 --log received.txt
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import sys
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class Recorder:
    def __init__(self, log: Path) -> None:
        self.out = log.open("a", encoding="ascii", buffering=1)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        found = MESSAGE_ID.search(content)
        self.out.write((found.group(1).decode() if found else "<sin-id>") + "\n")
        self.out.flush()
        return "250 OK"


def read_log(path: Path) -> list[str]:
    """The Message-IDs recorded so far (a partial last line is ignored)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="ascii")
    lines = text.split("\n")
    return [line for line in lines[:-1] if line]


async def serve(port: int, log: Path) -> None:
    loop = asyncio.get_running_loop()
    recorder = Recorder(log)

    def factory() -> Any:
        return SMTP(recorder, hostname="recorder.local", data_size_limit=50_000_000)

    server = await loop.create_server(factory, host="127.0.0.1", port=port)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print("listo", flush=True)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args()
    try:
        asyncio.run(serve(args.port, args.log))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()


class CappedRelay:
    """An in-process relay that enforces a provider's caps as Microsoft 365
    or Google Workspace do: at most ``per_minute`` messages in any sliding
    minute (``421 4.7.0 ... try again in N seconds``) and ``daily`` per
    day (``452 4.5.3 daily quota exceeded`` at RCPT). ``clock`` gives the
    instant (tests scale time); :meth:`new_day` starts the next day.
    ``accepted`` lists the Message-IDs taken, in order; ``refused`` counts
    the refusals for rate or quota."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        per_minute: int | None = None,
        daily: int | None = None,
        name_limit: bool = True,
    ) -> None:
        self.clock = clock
        self.per_minute = per_minute
        self.daily = daily
        self.name_limit = name_limit
        self.accepted: list[str] = []
        self.times: deque[datetime] = deque()
        self.today = 0
        self.refused = 0
        self.worst_minute = 0
        self.events: list[tuple[datetime, str]] = []
        """``(instant, "ok" | "421" | "452")`` of every answer, in order."""

    def new_day(self) -> None:
        self.today = 0

    def _in_minute(self, now: datetime) -> int:
        while self.times and self.times[0] <= now - timedelta(minutes=1):
            self.times.popleft()
        return len(self.times)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.daily is not None and self.today >= self.daily:
            self.refused += 1
            return "452 4.5.3 Daily user sending quota exceeded"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        now = self.clock()
        if self.per_minute is not None and self._in_minute(now) >= self.per_minute:
            self.refused += 1
            wait = max(1, int((self.times[0] + timedelta(minutes=1) - now).total_seconds()) + 1)
            named = f" (limit {self.per_minute} per minute)" if self.name_limit else ""
            self.events.append((now, "421"))
            return f"421 4.7.0 Too many messages{named}, try again in {wait} seconds"
        if self.daily is not None and self.today >= self.daily:
            self.refused += 1
            return "452 4.5.3 Daily user sending quota exceeded"
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        found = MESSAGE_ID.search(content)
        self.accepted.append(found.group(1).decode() if found else "<sin-id>")
        self.times.append(now)
        self.events.append((now, "ok"))
        self.today += 1
        self.worst_minute = max(self.worst_minute, self._in_minute(now))
        return "250 OK"

    async def start(self) -> tuple[asyncio.AbstractServer, int]:
        """Serve on a free loopback port of the running loop."""
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: SMTP(self, hostname="relay.local"), host="127.0.0.1", port=0
        )
        return server, server.sockets[0].getsockname()[1]
