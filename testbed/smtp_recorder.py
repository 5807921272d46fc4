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
