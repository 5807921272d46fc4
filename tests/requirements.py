"""What the test suite needs from the machine, and what is missing. In CI
every one of them is required (the run fails at start, naming what is
missing); elsewhere the tests that need one are skipped and counted."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PROGRAMS = {
    "soffice": "LibreOffice (paquete Debian libreoffice-calc-nogui)",
    "pdftotext": "poppler-utils (pdftotext)",
    "pdftoppm": "poppler-utils (pdftoppm)",
    "time": "GNU time (paquete Debian time, /usr/bin/time: memoria máxima de un proceso)",
    "spamassassin": "SpamAssassin (paquete Debian spamassassin)",
    "tesseract": "Tesseract (paquetes Debian tesseract-ocr y tesseract-ocr-spa: actas escaneadas)",
}


def in_ci(environ: Mapping[str, str]) -> bool:
    return environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing_in_ci(
    environ: Mapping[str, str], postgres_url: str, postgres_reason: Callable[[], str | None]
) -> list[str]:
    """Every test dependency that is missing, when running in CI; an empty
    list outside CI."""
    if not in_ci(environ):
        return []
    missing = []
    reason = postgres_reason()
    if reason is not None:
        missing.append(
            f"PostgreSQL no responde en {postgres_url} (CUMPLE_TEST_POSTGRES_URL): {reason}"
        )
    if not Path(CHROMIUM).exists():
        missing.append("Chromium de Debian (paquete chromium, /usr/bin/chromium)")
    for program, what in PROGRAMS.items():
        if shutil.which(program, path=environ.get("PATH", os.defpath)) is None:
            missing.append(what)
    return missing
