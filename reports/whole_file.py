"""A document written whole: the formats a downloadable document comes in,
and a write through a temporary file renamed into place, so a failed render
never leaves half a file behind. Imports no renderer, so a caller pays only
for the one it uses."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FORMATS = ("docx", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def write_whole(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file in the same
    folder, renamed into place once complete."""
    handle, temporary = tempfile.mkstemp(prefix=".cumple-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
