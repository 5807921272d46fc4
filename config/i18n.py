"""Spanish text with correct plurals, through gettext.

cumple's source language is Spanish: messages are written in Spanish in the
code and templates, extracted with Babel (``make messages``) into the es-CL
catalog ``config/locale/es_CL/LC_MESSAGES/cumple.po``, which carries the
plural rule (``the CLDR plural rule of Spanish``). The catalog is compiled in
memory when first used (no compiled ``.mo`` file in the tree). Every place a
count meets a noun goes through :func:`plural` (or ``ngettext``), so
"1 compromiso" and "2 compromisos" are both right, and a test keeps the
catalog in step with the code.
"""

from __future__ import annotations

import functools
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

DOMAIN = "cumple"
LOCALE = "es_CL"


def catalog_path() -> str:
    """Where the es-CL catalog lives (inside the installed package)."""
    return str(resources.files("config") / "locale" / LOCALE / "LC_MESSAGES" / f"{DOMAIN}.po")


@functools.cache
def translations() -> Translations:
    """The es-CL translations, compiled once per process from the catalog."""
    with open(catalog_path(), "rb") as handle:
        catalog = read_po(handle, locale=LOCALE, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext(message: str) -> str:
    return translations().gettext(message)


def ngettext(singular: str, plural_form: str, count: int) -> str:
    """The form of ``singular``/``plural_form`` that agrees with ``count``."""
    return translations().ngettext(singular, plural_form, count)


def number(value: int) -> str:
    """An integer as es-CL writes it: ``1.234``."""
    return format_decimal(value, locale=LOCALE)


def plural(count: int, singular: str, plural_form: str) -> str:
    """``singular`` or ``plural_form``, chosen by gettext for ``count``, with
    ``{n}`` replaced by the count in es-CL: ``plural(2, "{n} compromiso
    vencido", "{n} compromisos vencidos")`` → ``"2 compromisos vencidos"``."""
    return ngettext(singular, plural_form, count).replace("{n}", number(count))
