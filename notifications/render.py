"""Rendering messages from Jinja2 templates: a subject, a plain-text body and
an HTML body per kind of message (``templates/<kind>/``). HTML is
autoescaped; styles are written inline so that Outlook and Gmail keep them.
Counts meet nouns through ``plural(n, "{n} compromiso", "{n} compromisos")``
(gettext, es-CL)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape

from config import i18n
from models.dates import format_long
from models.money import format_clp


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates ship with the package; no stat() per render
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(i18n.translations(), newstyle=True)  # type: ignore[attr-defined]
    env.globals["plural"] = i18n.plural
    env.filters["clp"] = format_clp
    env.filters["fecha"] = format_long
    return env


def render(kind: str, context: dict[str, Any]) -> Rendered:
    """Render ``templates/<kind>/subject.txt``, ``body.txt`` and
    ``body.html``. The subject is folded to one line (no header injection)."""
    subject, text, html = _templates(kind)
    return Rendered(
        subject=" ".join(subject.render(context).split())[:300],
        text=text.render(context),
        html=html.render(context),
    )


@functools.cache
def _templates(kind: str) -> tuple[Template, Template, Template]:
    env = environment()
    return tuple(env.get_template(f"{kind}/{name}") for name in TEMPLATE_FILES)  # type: ignore[return-value]


TEMPLATE_FILES = ("subject.txt", "body.txt", "body.html")
