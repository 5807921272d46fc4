"""Processes and ports on loopback: a free port, and the recording SMTP
server (:mod:`testbed.smtp_recorder`) as a process that can be stopped,
killed and started again."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

from testbed.smtp_recorder import read_log

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Recorder:
    """The recording SMTP server (:mod:`testbed.smtp_recorder`) as a
    process that can be stopped, killed and started again on its port."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / f"received-{self.port}.txt"
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> Recorder:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "testbed.smtp_recorder", "--port", str(self.port),
             "--log", str(self.log)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "listo":
            raise RuntimeError("el servidor SMTP de prueba no arrancó")
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def received(self) -> list[str]:
        return read_log(self.log)
