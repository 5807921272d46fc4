"""The public transparency portal, under ``/publico/``, without login.

Only published regiones answer, only with :mod:`tracking.public`'s public
projection (no person, e-mail, token, note or withheld commitment); any
other address under ``/publico/`` is a Spanish 404 that does not say
whether something exists. Pages set ``Cache-Control: public, max-age=300``
(the security middleware would otherwise set ``no-store``) and an ``ETag``
of their body, answering ``If-None-Match`` with 304. No session is read or
written: nothing here sets a cookie.

Every page takes ``?fecha=AAAA-MM-DD``: the state on that past date (the
record replayed, as ``cumple commitments list --on``). Rendered pages are
kept in :class:`web.portal_cache.PortalCache` under their address, day and
the data's :func:`tracking.public_stamp.portal_stamp`, so a región page of
a national database is computed once per change, not once per visit.
GET and HEAD are answered; any other address under ``/publico/`` is the
portal's 404."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.commitments import STATUS_LABELS, Status
from models.dates import DateError, format_long, parse_date
from tracking import public
from tracking.public_stamp import portal_stamp
from tracking.public_totals import public_addresses, region_totals
from web.pages import today
from web.portal_cache import Rendered

router = APIRouter()
CACHE_CONTROL = "public, max-age=300"


def identifier(text: str) -> int | None:
    """A row number from an address segment (1 … 2³¹−1), or ``None``: a
    malformed number is the portal's 404, not a validation error."""
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= 2**31 - 1 else None


SITEMAP_LIMIT = 50_000
"""URLs per sitemap file (the sitemaps.org protocol's limit)."""
PORTAL = ["GET", "HEAD"]


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


def render_page(request: Request, template: str, canonical_path: str, **context: Any) -> bytes:
    """A public page's HTML, without session or CSRF token, with its
    canonical address and Open Graph description."""
    context.update(
        account=None, canonical=_absolute(request, canonical_path), site=_absolute(request, "")
    )
    body = request.app.state.templates.get_template(template).render(request=request, **context)
    return body.encode()


def page(request: Request, template: str, canonical_path: str, **context: Any) -> Response:
    """:func:`render_page` with the portal's cache headers."""
    body = render_page(request, template, canonical_path, **context)
    return cached(request, body, "text/html; charset=utf-8")


def _error_body(request: Request, title: str, message: str) -> bytes:
    return (
        request.app.state.templates.get_template("publico_error.html")
        .render(request=request, account=None, title=title, message=message, canonical="", site="")
        .encode()
    )


NOT_FOUND = "La dirección no existe o no está publicada en el portal de transparencia."


def not_published(request: Request) -> Response:
    """The portal's 404: the same words for what does not exist and for
    what is not published or withheld."""
    body = _error_body(request, "Página no encontrada", NOT_FOUND)
    return Response(body, status_code=404, media_type="text/html; charset=utf-8")


class BadDate(Exception):
    """``?fecha=`` that is not a date up to today."""


def requested_day(request: Request, fecha: str) -> date:
    """Today, or the past date asked for with ``?fecha=``; :class:`BadDate`
    with the Spanish reason otherwise."""
    current = today(request)
    if not fecha:
        return current
    try:
        day = parse_date(fecha)
    except DateError as exc:
        raise BadDate(f"La fecha «{fecha[:40]}» no es válida: {exc}. Use AAAA-MM-DD.") from None
    if day > current:
        raise BadDate(
            f"La fecha {format_long(day)} es posterior a hoy: el portal muestra el estado "
            "de hoy o de una fecha pasada."
        )
    return day


def serve(
    request: Request, key: tuple[object, ...], compute: Callable[[], Rendered | None]
) -> Response:
    """The answer for ``key`` (the address's meaningful parts) kept under the
    data's current stamp, or computed now; ``compute`` returns ``None`` for
    the portal's 404. Pages keep their ETag and answer 304."""
    with Session(request.app.state.engine) as session:
        stamp = portal_stamp(session)

    def render() -> Rendered:
        found = compute()
        if found is None:
            return Rendered(404, _error_body(request, "Página no encontrada", NOT_FOUND), "")
        return found

    answer = request.app.state.portal_cache.get((request.url.path, *key, stamp), render)
    if answer.status != 200:
        return Response(answer.body, answer.status, media_type="text/html; charset=utf-8")
    return cached(request, answer.body, answer.media_type)


def bad_date(request: Request, error: BadDate) -> Response:
    body = _error_body(request, "Fecha no válida", str(error))
    return Response(body, status_code=400, media_type="text/html; charset=utf-8")


HTML = "text/html; charset=utf-8"


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


def _urlset(request: Request, paths: list[str]) -> bytes:
    lines = [f"  <url><loc>{escape(_absolute(request, p))}</loc></url>" for p in paths]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(line + "\n" for line in lines)
        + "</urlset>\n"
    ).encode()


def _region_paths(request: Request, region: public.PublicRegion) -> list[str]:
    with Session(request.app.state.engine) as session:
        addresses = public_addresses(session, region)
    territories = sorted({territory for _, territory in addresses})
    return [
        region.path,
        f"{region.path}/datos",
        *(f"{region.path}/{territory}" for territory in territories),
        *(f"{region.path}/{territory}/compromisos/{n}" for n, territory in addresses),
    ]


@router.api_route("/publico/sitemap.xml", methods=PORTAL)
def sitemap(request: Request) -> Response:
    """A sitemap index: the portal's own sitemap and, per published región,
    sitemaps of at most 50.000 addresses each (the protocol's limit)."""

    def compute() -> Rendered:
        with Session(request.app.state.engine) as session:
            regions = public.published_regions(session)
        parts = ["/publico/inicio.xml"]
        for region in regions:
            files = -(-len(_region_paths(request, region)) // SITEMAP_LIMIT)
            parts += [f"{region.path}/sitemap-{n}.xml" for n in range(1, files + 1)]
        lines = [f"  <sitemap><loc>{escape(_absolute(request, p))}</loc></sitemap>" for p in parts]
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(line + "\n" for line in lines)
            + "</sitemapindex>\n"
        )
        return Rendered(200, body.encode(), "application/xml")

    return serve(request, (today(request),), compute)


@router.api_route("/publico/inicio.xml", methods=PORTAL)
def home_sitemap(request: Request) -> Response:
    """The sitemap of the portal's home page and its data catalogue."""
    paths = ["/publico/", "/publico/catalogo.jsonld"]
    return cached(request, _urlset(request, paths), "application/xml")


@router.api_route("/publico/{region_slug}/sitemap-{number}.xml", methods=PORTAL)
def region_sitemap(request: Request, region_slug: str, number: str) -> Response:
    """The ``number``-th sitemap of a published región's addresses."""

    def compute() -> Rendered | None:
        nth = identifier(number)
        if nth is None:
            return None
        with Session(request.app.state.engine) as session:
            region = public.published_region(session, region_slug)
        if region is None:
            return None
        chunk = _region_paths(request, region)[(nth - 1) * SITEMAP_LIMIT :][:SITEMAP_LIMIT]
        return Rendered(200, _urlset(request, chunk), "application/xml") if chunk else None

    return serve(request, (today(request),), compute)


@router.api_route("/publico/", methods=PORTAL)
def portal_home(request: Request, fecha: str = "") -> Response:
    """The published regiones, each with its totals on the day."""
    try:
        day = requested_day(request, fecha)
    except BadDate as error:
        return bad_date(request, error)

    def compute() -> Rendered:
        with Session(request.app.state.engine) as session:
            regions = [
                (region, region_totals(session, region, day).total)
                for region in public.published_regions(session)
            ]
        return Rendered(200, render_page(
            request, "publico_inicio.html", "/publico/", title="Portal de transparencia",
            description="Compromisos de las actas territoriales: qué se prometió, quién, por "
            "cuánto y si se cumplió.", regions=regions, day=day, as_of=fecha and day,
            **_common(),
        ), HTML)  # fmt: skip

    return serve(request, (day,), compute)


@router.api_route("/publico/{region_slug}", methods=PORTAL)
def region_page(request: Request, region_slug: str, fecha: str = "") -> Response:
    """A published región: totals, rates, status by territorio and by
    institution."""
    try:
        day = requested_day(request, fecha)
    except BadDate as error:
        return bad_date(request, error)

    def compute() -> Rendered | None:
        with Session(request.app.state.engine) as session:
            region = public.published_region(session, region_slug)
            if region is None:
                return None
            figures = region_totals(session, region, day)
        total = figures.total
        top = max(total.counts.values(), default=0) or 1
        bars = [(status, total.counts[status], total.counts[status] * 240 // top)
                for status in STATUS_ORDER]  # fmt: skip
        return Rendered(200, render_page(
            request, "publico_region.html", region.path, title=region.official_name,
            description=f"Compromisos de las actas territoriales de la {region.official_name}: "
            "montos, plazos y cumplimiento.", region=region, day=day, as_of=fecha and day,
            total=total, bars=bars, territories=figures.territories,
            institutions=figures.institutions, **_common(),
        ), HTML)  # fmt: skip

    return serve(request, (day,), compute)


def _year(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) == 4 else None


@router.api_route("/publico/{region_slug}/{territory_slug}", methods=PORTAL)
def territory_page(
    request: Request,
    region_slug: str,
    territory_slug: str,
    institucion: str = "",
    estado: str = "",
    anio: str = "",
    fecha: str = "",
) -> Response:
    """A territorio's actas and commitments, filtered by institution,
    status and acta year (GET parameters ``institucion``, ``estado``,
    ``anio``)."""
    try:
        day = requested_day(request, fecha)
    except BadDate as error:
        return bad_date(request, error)
    chosen = public.CommitmentFilters(institucion[:100], estado[:20], _year(anio))

    def compute() -> Rendered | None:
        with Session(request.app.state.engine) as session:
            region = public.published_region(session, region_slug)
            if region is None:
                return None
            items = public.region_commitments(session, region, day, territory_slug)
        if not items:
            return None
        shown = [item for item in items if chosen.keep(item)]
        actas: dict[str, list[public.PublicCommitment]] = {}
        for item in sorted(shown, key=lambda i: (i.acta_date, i.acta, i.id)):
            actas.setdefault(item.acta, []).append(item)
        institutions = sorted(
            {(i.institution_slug, i.institution) for i in items}, key=lambda x: x[1]
        )
        name, path = items[0].territory, f"{region.path}/{territory_slug}"
        return Rendered(200, render_page(
            request, "publico_territorio.html", path, form_action=path,
            title=f"{name} ({region.name})", region=region, territory=name, day=day,
            as_of=fecha and day,
            description=f"Actas y compromisos del territorio {name}, {region.official_name}.",
            actas=actas, total=public.tally(name, items), shown=len(shown), chosen=chosen,
            institutions=institutions, years=sorted({i.acta_date.year for i in items}),
            **_common(),
        ), HTML)  # fmt: skip

    return serve(request, (day, chosen), compute)


@router.api_route(
    "/publico/{region_slug}/{territory_slug}/compromisos/{commitment_id}", methods=PORTAL
)
def commitment_page(
    request: Request,
    region_slug: str,
    territory_slug: str,
    commitment_id: str,
    fecha: str = "",
) -> Response:
    """One public commitment and its public timeline."""
    try:
        day = requested_day(request, fecha)
    except BadDate as error:
        return bad_date(request, error)
    number = identifier(commitment_id)
    if number is None:
        return not_published(request)

    def compute() -> Rendered | None:
        with Session(request.app.state.engine) as session:
            region = public.published_region(session, region_slug)
            found = None if region is None else public.public_commitment(
                session, region, number, day
            )  # fmt: skip
        if region is None or found is None or found[0].territory_slug != territory_slug:
            return None
        item, events = found
        return Rendered(200, render_page(
            request, "publico_compromiso.html", item.path,
            title=f"Compromiso N° {item.id}: {item.institution}", region=region, item=item,
            events=events, day=day, as_of=fecha and day,
            description=f"{item.institution} — {item.text}"[:300], **_common(),
        ), HTML)  # fmt: skip

    return serve(request, (day,), compute)


@router.api_route("/publico/{rest:path}", methods=PORTAL)
def anything_else(request: Request, rest: str) -> Response:
    """Any other address under ``/publico/``: the portal's 404, without a
    session cookie."""
    return not_published(request)
