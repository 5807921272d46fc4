"""Counts in words, as the documents print them ("1 compromiso", "2 compromisos"),
through gettext (:mod:`config.i18n`): the forms are chosen by the es-CL
catalog's plural rule, and ``make messages`` extracts every call written in
the templates and code of ``reports/`` (keywords ``plural`` and ``count_words``)."""

from __future__ import annotations

from config.i18n import ngettext, number


def plural(count: int, singular: str, plural_form: str) -> str:
    """The word (or words) that agree with ``count``: ``plural(1, "vencido",
    "vencidos")`` → ``"vencido"``."""
    return ngettext(singular, plural_form, count)


def count_words(count: int, singular: str, plural_form: str) -> str:
    """``count`` in es-CL followed by the words that agree with it:
    ``"1 compromiso"``, ``"1.234 compromisos"``."""
    return f"{number(count)} {plural(count, singular, plural_form)}"
