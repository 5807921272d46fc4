"""The public transparency portal, under ``/publico/``, without login.

Only published regiones answer, only with :mod:`tracking.public`'s public
projection (no person, e-mail, token, note or withheld commitment); any
other address under ``/publico/`` is a Spanish 404 that does not say
whether something exists. Pages set ``Cache-Control: public, max-age=300``
(the security middleware would otherwise set ``no-store``) and an ``ETag``
of their body, answering ``If-None-Match`` with 304. No session is read or
written: nothing here sets a cookie."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from sqlmodel import Session

from models.commitments import STATUS_LABELS, Status
from tracking import public
from web.pages import today

router = APIRouter()
CACHE_CONTROL = "public, max-age=300"
Identifier = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


def _absolute(request: Request, path: str) -> str:
    return request.app.state.settings.base_url.rstrip("/") + path


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def cached(request: Request, body: bytes, media_type: str) -> Response:
    """``body`` with the portal's cache headers, or an empty 304 when the
    request's ``If-None-Match`` names its ETag."""
    etag = _etag(body)
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag}
    given = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in given or "*" in given:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def page(request: Request, template: str, canonical_path: str, **context: Any) -> Response:
    """A public page: rendered without session or CSRF token, with its
    canonical address and Open Graph description."""
    context.update(
        account=None, canonical=_absolute(request, canonical_path), site=_absolute(request, "")
    )
    body = request.app.state.templates.get_template(template).render(request=request, **context)
    return cached(request, body.encode(), "text/html; charset=utf-8")


def not_published(request: Request) -> Response:
    """The portal's 404: the same words for what does not exist and for
    what is not published or withheld."""
    body = request.app.state.templates.get_template("publico_error.html").render(
        request=request, account=None, title="Página no encontrada", canonical="", site=""
    )
    return Response(body, status_code=404, media_type="text/html; charset=utf-8")


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)} %"


STATUS_ORDER = [
    Status.PENDIENTE,
    Status.POR_VENCER,
    Status.VENCIDO,
    Status.INFORMADO,
    Status.CUMPLIDO,
    Status.CANCELADO,
]


def _common() -> dict[str, Any]:
    return {"percent": _percent, "statuses": STATUS_ORDER, "labels": STATUS_LABELS}


@router.get("/publico/sitemap.xml")
def sitemap(request: Request) -> Response:
    """Every public address: the portal, each published región, its
    territorios with public commitments and each public commitment."""
    day = today(request)
    paths = ["/publico/"]
    with Session(request.app.state.engine) as session:
        for region in public.published_regions(session):
            items = public.region_commitments(session, region, day)
            paths.append(region.path)
            territories = sorted({item.territory_slug for item in items})
            paths.extend(f"{region.path}/{territory}" for territory in territories)
            paths.extend(item.path for item in items)
    lines = [f"  <url><loc>{escape(_absolute(request, p))}</loc></url>" for p in paths]
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(lines)
        + "\n</urlset>\n"
    )
    return cached(request, body.encode(), "application/xml")


@router.get("/publico/")
def portal_home(request: Request) -> Response:
    """The published regiones, each with its totals on today's date."""
    day = today(request)
    with Session(request.app.state.engine) as session:
        regions = [
            (region, public.tally(region.name, public.region_commitments(session, region, day)))
            for region in public.published_regions(session)
        ]
    return page(
        request, "publico_inicio.html", "/publico/", title="Portal de transparencia",
        description="Compromisos de las actas territoriales: qué se prometió, quién, por "
        "cuánto y si se cumplió.", regions=regions, day=day, **_common(),
    )  # fmt: skip


@router.get("/publico/{region_slug}")
def region_page(request: Request, region_slug: str) -> Response:
    """A published región: totals, rates, status by territorio and by
    institution."""
    day = today(request)
    with Session(request.app.state.engine) as session:
        region = public.published_region(session, region_slug)
        if region is None:
            return not_published(request)
        items = public.region_commitments(session, region, day)
    total = public.tally(region.official_name, items)
    top = max(total.counts.values(), default=0) or 1
    bars = [(status, total.counts[status], total.counts[status] * 240 // top)
            for status in STATUS_ORDER]  # fmt: skip
    return page(
        request, "publico_region.html", region.path, title=region.official_name,
        description=f"Compromisos de las actas territoriales de la {region.official_name}: "
        "montos, plazos y cumplimiento.", region=region, day=day, total=total, bars=bars,
        territories=public.group(items, "territory"),
        institutions=public.group(items, "institution"), **_common(),
    )  # fmt: skip


def _year(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) == 4 else None


@router.get("/publico/{region_slug}/{territory_slug}")
def territory_page(
    request: Request,
    region_slug: str,
    territory_slug: str,
    institucion: str = "",
    estado: str = "",
    anio: str = "",
) -> Response:
    """A territorio's actas and commitments, filtered by institution,
    status and acta year (GET parameters ``institucion``, ``estado``,
    ``anio``)."""
    day = today(request)
    with Session(request.app.state.engine) as session:
        region = public.published_region(session, region_slug)
        if region is None:
            return not_published(request)
        items = [
            item
            for item in public.region_commitments(session, region, day)
            if item.territory_slug == territory_slug
        ]
    if not items:
        return not_published(request)
    chosen = public.CommitmentFilters(institucion, estado, _year(anio))
    shown = [item for item in items if chosen.keep(item)]
    actas: dict[str, list[public.PublicCommitment]] = {}
    for item in sorted(shown, key=lambda i: (i.acta_date, i.acta, i.id)):
        actas.setdefault(item.acta, []).append(item)
    institutions = sorted({(i.institution_slug, i.institution) for i in items}, key=lambda x: x[1])
    name, path = items[0].territory, f"{region.path}/{territory_slug}"
    return page(
        request, "publico_territorio.html", path, form_action=path,
        title=f"{name} ({region.name})", region=region, territory=name, day=day,
        description=f"Actas y compromisos del territorio {name}, {region.official_name}.",
        actas=actas, total=public.tally(name, items), shown=len(shown), chosen=chosen,
        institutions=institutions, years=sorted({i.acta_date.year for i in items}),
        **_common(),
    )  # fmt: skip


@router.get("/publico/{region_slug}/{territory_slug}/compromisos/{commitment_id}")
def commitment_page(
    request: Request, region_slug: str, territory_slug: str, commitment_id: Identifier
) -> Response:
    """One public commitment and its public timeline."""
    day: date = today(request)
    with Session(request.app.state.engine) as session:
        region = public.published_region(session, region_slug)
        found = None if region is None else public.public_commitment(
            session, region, commitment_id, day
        )  # fmt: skip
    if region is None or found is None or found[0].territory_slug != territory_slug:
        return not_published(request)
    item, events = found
    return page(
        request, "publico_compromiso.html", item.path,
        title=f"Compromiso N° {item.id}: {item.institution}", region=region, item=item,
        events=events, day=day,
        description=f"{item.institution} — {item.text}"[:300], **_common(),
    )  # fmt: skip
