"""Reading scanned pages: each page rasterised with ``pdftoppm``
(poppler-utils) and read by the ``tesseract`` command with its Spanish
model (Debian's ``tesseract-ocr`` and ``tesseract-ocr-spa``), through
subprocesses with time limits. No model is ever downloaded: when Tesseract
or its Spanish model is missing, the refusal says what to install."""

from __future__ import annotations

import functools
import math
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from importer.actas.pdf_layout import MARKER, join_lines
from importer.actas.proposal import Block, Paragraph
from importer.errors import UnreadableFile
from importer.limits import number

DPI = 300
MAX_PAGES = 30
"""Scanned pages read in one acta (Tesseract takes seconds per page)."""
MAX_PIXELS = 40_000_000
"""Pixels of one rasterised page: a huge page is read at a lower resolution."""
TIMEOUT_SECONDS = 180
"""Per page and per command."""
INSTALL = (
    "instale tesseract-ocr y tesseract-ocr-spa (apt-get install tesseract-ocr tesseract-ocr-spa)"
)
_PAGE_NUMBER = re.compile(r"^(p[áa]g(ina|\.)?\s*)?\d{1,4}(\s*(de|/)\s*\d{1,4})?$", re.IGNORECASE)


class OcrUnavailable(UnreadableFile):
    """A scanned PDF, and no Tesseract (or no Spanish model) to read it."""


@functools.lru_cache(maxsize=1)
def _tesseract() -> str:
    """The tesseract command, checked to have the Spanish model."""
    command = shutil.which("tesseract")
    if command is None:
        raise OcrUnavailable(f"el PDF es una imagen escaneada, sin texto; para leerlo {INSTALL}")
    try:
        listed = subprocess.run(
            [command, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        raise OcrUnavailable(f"no se pudo ejecutar tesseract; {INSTALL}") from None
    languages = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}
    if "spa" not in languages:
        raise OcrUnavailable(
            f"el PDF es una imagen escaneada y tesseract no tiene el modelo de español; {INSTALL}"
        )
    return command


def ocr_pages(path: Path, sizes: dict[int, tuple[float, float]]) -> dict[int, list[Block]]:
    """The paragraphs Tesseract reads on each page of ``sizes`` (page
    number → width and height in points). Raises :class:`OcrUnavailable`
    or :class:`UnreadableFile` (Spanish)."""
    if len(sizes) > MAX_PAGES:
        raise UnreadableFile(
            f"el PDF escaneado tiene {number(len(sizes))} páginas sin texto; el máximo que se "
            f"lee con OCR es {number(MAX_PAGES)}: divídalo en partes"
        )
    tesseract = _tesseract()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise OcrUnavailable(
            "el PDF es una imagen escaneada; para leerlo instale poppler-utils y "
            "tesseract-ocr-spa (apt-get install poppler-utils tesseract-ocr-spa)"
        )
    read: dict[int, list[Block]] = {}
    with tempfile.TemporaryDirectory(prefix="cumple-ocr-") as folder:
        for page, (width, height) in sorted(sizes.items()):
            image = _rasterise(pdftoppm, path, page, _dpi(width, height), Path(folder))
            read[page] = _paragraphs(_run(tesseract, image, page), page)
            image.unlink()
    return read


def _dpi(width: float, height: float) -> int:
    inches = max(width, 1.0) / 72 * max(height, 1.0) / 72
    return max(50, min(DPI, int(math.sqrt(MAX_PIXELS / inches))))


def _rasterise(pdftoppm: str, path: Path, page: int, dpi: int, folder: Path) -> Path:
    stem = folder / f"pagina-{page}"
    command = [pdftoppm, "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", "-png",
               "-singlefile", str(path), str(stem)]  # fmt: skip
    try:
        subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=True)
    except subprocess.TimeoutExpired:
        raise UnreadableFile(
            f"la página {page} del PDF tardó más de {TIMEOUT_SECONDS} segundos en convertirse "
            "en imagen; revise el archivo"
        ) from None
    except (OSError, subprocess.CalledProcessError):
        raise UnreadableFile(
            f"no se pudo convertir en imagen la página {page} del PDF (¿está dañado?)"
        ) from None
    image = stem.with_suffix(".png")
    if not image.is_file():
        raise UnreadableFile(f"no se pudo convertir en imagen la página {page} del PDF")
    from PIL import Image, ImageFilter

    # Dust on a scan is read as stray dots and commas, which cut sentences;
    # a 3-pixel median at 300 dpi removes it and leaves the letters whole.
    with Image.open(image) as raster:
        raster.convert("L").filter(ImageFilter.MedianFilter(3)).save(image)
    return image


def _run(tesseract: str, image: Path, page: int) -> str:
    try:
        done = subprocess.run(
            # One column of text of varying sizes (--psm 4): list numbers stay
            # on their lines instead of being read as a column of their own.
            [tesseract, str(image), "stdout", "-l", "spa", "--psm", "4"],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=True,
        )
    except subprocess.TimeoutExpired:
        raise UnreadableFile(
            f"la lectura (OCR) de la página {page} tardó más de {TIMEOUT_SECONDS} segundos"
        ) from None
    except (OSError, subprocess.CalledProcessError):
        raise UnreadableFile(f"tesseract no pudo leer la página {page} del PDF") from None
    return done.stdout.decode("utf-8", errors="replace")


def _paragraphs(text: str, page: int) -> list[Block]:
    """Tesseract separates the blocks it finds with blank lines."""
    groups: list[list[str]] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line for line in chunk.splitlines() if line.strip()]
        groups.append([])
        for line in lines:
            if _PAGE_NUMBER.match(line.strip()):
                continue
            if MARKER.match(line.strip()) and groups[-1]:
                groups.append([])
            groups[-1].append(line)
    texts = [join_lines(lines) for lines in groups if lines]
    return [
        Paragraph(f"página {page}, párrafo {index}", text)
        for index, text in enumerate(texts, start=1)
    ]
