"""Text keys used to match names the way people type them."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of ``text``.

    ``"  Región de  Ñuble "`` and ``"region de nuble"`` fold to the same key.
    """
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def text_key(text: str) -> str:
    """A fixed-length identity key for a long text (a commitment's wording).

    Whitespace and case do not change a commitment's identity; accents do not
    either, because spreadsheets lose them on the way through some exports.
    """
    return hashlib.sha256(fold(text).encode("utf-8")).hexdigest()


def slug(text: str) -> str:
    """A readable, stable address segment: ``"Región de Ñuble"`` becomes
    ``"region-de-nuble"`` (folded, every run of other characters a dash)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
