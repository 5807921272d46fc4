"""``/publico/<región>/cambios.atom``: the Atom 1.0 feed (RFC 4287) of a
published región's latest public changes.

Each entry is one public fact of a commitment's history as the
commitment page's timeline words it (see :mod:`tracking.public_changes`):
its title ``Compromiso N° 17 — Verificación``, a ``tag:`` id that never
changes (the commitment's number and the entry's position in its
history), ``updated`` when the fact was recorded, and a text with the
date it happened, the institution, the territorio and the commitment; its
link is the commitment's public page. The feed is signed by the gerencia,
never by a person. An unpublished región answers the portal's 404. Like
every public page, the feed is kept rendered under the data's stamp
(:func:`web.public.serve`), carries an ETag and ``Cache-Control`` (304 on
``If-None-Match``), and takes ``?fecha=`` (the facts dated up to then)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.dates import format_long
from tracking import public
from tracking.public_changes import PublicChange, RegionChanges, region_changes
from web.portal_cache import Rendered
from web.public import BadDate, bad_date, requested_day, serve

router = APIRouter()
ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
TAG_YEAR = 2026
"""The date of the ``tag:`` URIs (RFC 4151): when cumple began minting them."""

# Characters XML 1.0 cannot carry at all (a feed reader would reject the
# whole document over one of them in a commitment's text).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def feed_path(region: public.PublicRegion) -> str:
    """The address of a región's feed."""
    return f"{region.path}/cambios.atom"


def _rfc3339(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    clean = {key: _NOT_XML.sub("", value) for key, value in attributes.items()}
    element = ET.SubElement(parent, name, clean)
    element.text = None if text is None else _NOT_XML.sub("", text)
    return element


def _summary(change: PublicChange) -> str:
    words = f"{format_long(change.effective_on)}: {change.label}. {change.detail}"
    if change.rectifies:
        words += f" Rectificación del período {change.rectifies}, ya informado."
    return (
        f"{words} Institución: {change.institution}. Territorio: {change.territory}. "
        f"Compromiso: {change.text}"
    )


def atom_feed(found: RegionChanges, base_url: str) -> bytes:
    """The feed document of ``found``, links absolute on ``base_url``."""
    base = base_url.rstrip("/")
    authority = f"tag:{urlsplit(base).hostname or 'localhost'},{TAG_YEAR}:cumple"
    region = found.region
    newest = max((c.recorded_at for c in found.changes), default=found.published_at)
    # Unqualified names under a literal xmlns: no prefix registered globally.
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "es-CL"})
    _add(feed, "id", f"{authority}/region/{region.slug}/cambios")
    _add(feed, "title", f"Cambios en los compromisos de la {region.official_name}")
    _add(feed, "subtitle", "Hechos públicos de los compromisos de las actas territoriales: "
         "registro, pagos, nuevos plazos, informes y verificaciones.")  # fmt: skip
    _add(feed, "updated", _rfc3339(newest))
    _add(feed, "link", rel="self", type=MEDIA_TYPE, href=base + feed_path(region))
    _add(feed, "link", rel="alternate", type="text/html", href=base + region.path)
    author = _add(feed, "author")
    _add(author, "name", f"Gerencia territorial, {region.official_name}")
    _add(author, "uri", base + region.path)
    for change in found.changes:
        entry = _add(feed, "entry")
        _add(entry, "id", f"{authority}/compromiso/{change.commitment_id}/{change.position}")
        _add(entry, "title", f"Compromiso N° {change.commitment_id} — {change.label}")
        _add(entry, "updated", _rfc3339(change.recorded_at))
        _add(entry, "link", rel="alternate", type="text/html", href=base + change.path)
        _add(entry, "category", term=change.territory, label=f"Territorio: {change.territory}")
        _add(entry, "category", term=change.institution,
             label=f"Institución: {change.institution}")  # fmt: skip
        _add(entry, "summary", _summary(change), type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


@router.api_route("/publico/{region_slug}/cambios.atom", methods=["GET", "HEAD"])
def region_feed(request: Request, region_slug: str, fecha: str = "") -> Response:
    """The latest public changes of a published región, newest first; with
    ``?fecha=`` as the portal's pages, only the facts dated up to then."""
    try:
        day = requested_day(request, fecha)
    except BadDate as error:
        return bad_date(request, error)

    def compute() -> Rendered | None:
        with Session(request.app.state.engine) as session:
            region = public.published_region(session, region_slug)
            if region is None:
                return None
            found = region_changes(session, region, day)
        return Rendered(200, atom_feed(found, request.app.state.settings.base_url), MEDIA_TYPE)

    return serve(request, (day,), compute)
