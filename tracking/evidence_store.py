"""Evidence files on disk, stored by content: ``<root>/<aa>/<sha256>``.

A file is written once under a temporary name while its hash is computed,
checked by content (PDF, image, XLSX or DOCX; never by its name), and moved
to its address only if nothing is there yet: stored files are never
overwritten, so a history entry that names a hash always finds the same
bytes (``cumple audit verify`` checks it)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tracking.errors import InvalidChange

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
"""The largest evidence file accepted (20 MB)."""
MAX_FILES = 10
"""Files accepted in one report."""
MAX_REFERENCE = 500
IMAGE_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "TIFF": "image/tiff",
}
OFFICE_TYPES = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACCEPTED = "PDF, imagen (PNG, JPEG, GIF, WEBP, TIFF), planilla XLSX o documento DOCX"


@dataclass(frozen=True)
class StoredFile:
    name: str
    media_type: str
    size: int
    sha256: str


def clean_name(name: str | None) -> str:
    """A file name fit to show and store: its last path part, printable
    characters only, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    printable = "".join(ch for ch in base if unicodedata.category(ch)[0] not in ("C",))
    cleaned = " ".join(printable.split()).strip(". ")
    return cleaned[:200] or "evidencia"


def clean_reference(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = " ".join("".join(ch for ch in text if ch.isprintable()).split())
    if len(cleaned) > MAX_REFERENCE:
        raise InvalidChange(
            f"La referencia tiene {len(cleaned)} caracteres; el máximo es {MAX_REFERENCE}."
        )
    return cleaned or None


def sniff(path: Path) -> str | None:
    """The media type of a file by its content, or ``None`` when it is
    none of the accepted kinds."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names:
            for part, media_type in OFFICE_TYPES.items():
                if part in names:
                    return media_type
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return None
    return IMAGE_TYPES.get(kind or "")


class EvidenceStore:
    """The evidence folder (``DATA_DIR/evidencias``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / sha256

    def save(self, name: str | None, stream: BinaryIO) -> StoredFile:
        """Store one file; raises :class:`InvalidChange` (Spanish, naming
        the file) when it is too large or not an accepted kind."""
        shown = clean_name(name)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        digest = hashlib.sha256()
        size = 0
        handle, temporary = tempfile.mkstemp(prefix=".subiendo-", dir=self.root)
        path = Path(temporary)
        try:
            with os.fdopen(handle, "wb") as out:
                while block := stream.read(1 << 16):
                    size += len(block)
                    if size > MAX_EVIDENCE_BYTES:
                        raise InvalidChange(
                            f"«{shown}» supera los {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB "
                            "permitidos por archivo."
                        )
                    digest.update(block)
                    out.write(block)
            if size == 0:
                raise InvalidChange(f"«{shown}» está vacío.")
            media_type = sniff(path)
            if media_type is None:
                raise InvalidChange(
                    f"«{shown}» no es un archivo aceptado como evidencia ({ACCEPTED}); el tipo "
                    "se reconoce por su contenido, no por su nombre."
                )
            sha256 = digest.hexdigest()
            target = self.path_of(sha256)
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if target.exists():
                path.unlink()
            else:
                path.chmod(0o600)
                os.replace(path, target)
            return StoredFile(shown, media_type, size, sha256)
        finally:
            if path.exists():
                path.unlink()

    def save_files(self, files: Iterable[tuple[str | None, BinaryIO]]) -> list[StoredFile]:
        stored = []
        for count, (name, stream) in enumerate(files, start=1):
            if count > MAX_FILES:
                raise InvalidChange(f"Adjunte a lo más {MAX_FILES} archivos por vez.")
            stored.append(self.save(name, stream))
        return stored

    def digest_of(self, sha256: str) -> str | None:
        """The SHA-256 of the stored bytes now (``None`` when missing)."""
        path = self.path_of(sha256)
        if not path.is_file():
            return None
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
        return digest.hexdigest()
