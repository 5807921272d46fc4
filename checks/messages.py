"""``make messages``: extract every Spanish text with a count from the code
and the templates (Babel), and write the es-CL catalog
``config/locale/es_CL/LC_MESSAGES/cumple.po``; ``--check`` only says whether
the catalog is current (exit 1 when it is not, as the suite checks).

The source language is Spanish, so each entry's translation is its own text;
the catalog carries the plural rule and lets another locale be added later.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from config.i18n import DOMAIN, LOCALE

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "config" / "locale" / LOCALE / "LC_MESSAGES" / f"{DOMAIN}.po"
FOLDERS = ("cli", "config", "flows", "importer", "models", "notifications", "operations",
           "planning", "reports", "tracking", "web", "demo")  # fmt: skip
KEYWORDS = {
    "plural": (2, 3),
    "count_words": (2, 3),
    "ngettext": (1, 2),
    "gettext": None,
    "_": None,
}
METHODS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.txt", "jinja2"),
]
OPTIONS = {"**/templates/**": {"extensions": "jinja2.ext.i18n"}}
FIXED = datetime(2026, 1, 1, tzinfo=UTC)


def build_catalog(root: Path = ROOT) -> bytes:
    """The catalog's bytes for the texts in the tree under ``root``."""
    catalog = Catalog(
        locale=LOCALE,
        domain=DOMAIN,
        project="cumple",
        version="1",
        copyright_holder="cumple",
        creation_date=FIXED,
        revision_date=FIXED,
        fuzzy=False,
    )
    for folder in FOLDERS:
        found = extract_from_dir(
            root / folder, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS
        )
        for _file, _line, message, _comments, _context in found:
            if isinstance(message, str):
                catalog.add(message, message)
                continue
            # CLDR's Spanish has a third form ("many", a million and its
            # multiples: "1 millón de …"); written in digits, a count of a
            # million takes the plural like any other.
            singular, plural_form = message[0], message[1]
            forms = [singular] + [plural_form] * (catalog.num_plurals - 1)
            catalog.add(tuple(message), tuple(forms))
    output = BytesIO()
    write_po(output, catalog, width=100, no_location=True, sort_output=True, omit_header=False)
    return output.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="solo verificar")
    args = parser.parse_args(argv)
    expected = build_catalog()
    current = CATALOG.read_bytes() if CATALOG.exists() else b""
    if args.check:
        if current != expected:
            print(f"{CATALOG.relative_to(ROOT)} no está al día: ejecute «make messages».")
            return 1
        print(f"{CATALOG.relative_to(ROOT)} está al día.")
        return 0
    CATALOG.parent.mkdir(parents=True, exist_ok=True)
    CATALOG.write_bytes(expected)
    print(f"{CATALOG.relative_to(ROOT)} escrito.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
