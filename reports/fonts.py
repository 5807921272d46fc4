"""The one typeface of the documents: DejaVu Sans, as matplotlib ships it.

The PDF and its charts use the same files, found inside matplotlib's own
package data (``mpl-data/fonts/ttf``, with its licence ``LICENSE_DEJAVU``), so
a document looks the same on any machine whatever fonts the system has, and
the widths the charts are laid out with are the widths WeasyPrint draws."""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib

FAMILY = "Cumple DejaVu Sans"
"""The name the template and the charts' SVG use. It is not a system font's
name, so fontconfig can never substitute another file for it."""

MATPLOTLIB_FAMILY = "DejaVu Sans"
"""The same files' name inside matplotlib's font manager."""

FACES: dict[tuple[int, str], str] = {
    (400, "normal"): "DejaVuSans.ttf",
    (700, "normal"): "DejaVuSans-Bold.ttf",
    (400, "italic"): "DejaVuSans-Oblique.ttf",
    (700, "italic"): "DejaVuSans-BoldOblique.ttf",
}


def font_folder() -> Path:
    """matplotlib's bundled TrueType folder."""
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def licence_path() -> Path:
    """The DejaVu licence that comes with the files."""
    return font_folder() / "LICENSE_DEJAVU"


@functools.cache
def font_face_css() -> str:
    """``@font-face`` rules for :data:`FAMILY`, one per weight and style,
    pointing at the files by ``file://`` URL. Raises ``FileNotFoundError``
    when a file is missing (a broken matplotlib install), rather than letting
    WeasyPrint fall back silently to a system font."""
    rules = []
    for (weight, style), name in FACES.items():
        path = font_folder() / name
        if not path.is_file():
            raise FileNotFoundError(path)
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.as_uri()}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)
