"""Rendering messages from Jinja2 templates: a subject, a plain-text body and
an HTML body per kind of message (``templates/<kind>/``). HTML is
autoescaped; styles are written inline so that Outlook and Gmail keep them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

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
    )
    env.filters["clp"] = format_clp
    env.filters["fecha"] = format_long
    return env


def render(kind: str, context: dict[str, Any]) -> Rendered:
    """Render ``templates/<kind>/subject.txt``, ``body.txt`` and
    ``body.html``. The subject is folded to one line (no header injection)."""
    env = environment()
    subject = env.get_template(f"{kind}/subject.txt").render(context)
    return Rendered(
        subject=" ".join(subject.split())[:300],
        text=env.get_template(f"{kind}/body.txt").render(context),
        html=env.get_template(f"{kind}/body.html").render(context),
    )
