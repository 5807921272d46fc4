"""The portal's downloads: the public versions of a published región's
information packages and the DCAT catalogue of all of them.

- ``/publico/<región>/datos``: each package (period, when it was generated)
  with its files, their description, size and SHA-256;
- ``/publico/<región>/datos/<periodo>/<archivo>``: one file, as an
  attachment, with its SHA-256 as ``ETag`` (304 on ``If-None-Match``) and
  the portal's ``Cache-Control``;
- ``/publico/catalogo.jsonld``: one DCAT-AP ``dcat:Catalog`` (JSON-LD)
  whose datasets are the packages' own ``catalogo.jsonld``.

Only a public version whose stamp is current is listed or served (see
:mod:`reports.public_package`); anything else (a región that is not
published, an unknown period or file name, a stale version, a path trick)
answers the portal's 404. The file name is checked against the fixed list
of a package's files and the period against the región's packages: nothing
the request says becomes a path."""

from __future__ import annotations

import json
from typing import Any

from babel.dates import format_datetime
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from sqlmodel import Session

from reports.build import CATALOG
from reports.catalog import distribution, portal_catalog
from reports.periods import parse_period
from reports.public_package import DOWNLOADS, MANIFEST, PublicVariant, current_variant
from tracking import public
from tracking.public_packages import public_packages
from web.public import CACHE_CONTROL, cached, not_published, page

router = APIRouter()
CATALOGUE_PATH = "/publico/catalogo.jsonld"


def downloads_path(region: public.PublicRegion) -> str:
    """The address of a región's downloads page."""
    return f"{region.path}/datos"


def _variants(request: Request, region_slug: str | None) -> list[PublicVariant]:
    """The current public versions (of one región, or of all)."""
    settings = request.app.state.settings
    with Session(request.app.state.engine) as session:
        packages = public_packages(session, region_slug)
    return [v for p in packages if (v := current_variant(settings, p)) is not None]


@router.api_route(CATALOGUE_PATH, methods=["GET", "HEAD"])
def catalogue(request: Request) -> Response:
    """Every current public version as a ``dcat:Dataset``, each file a
    ``dcat:Distribution`` with its absolute download address, media type,
    size and SPDX checksum (the package's manifest and catalogue too)."""
    settings = request.app.state.settings
    root = settings.base_url.rstrip("/")
    datasets: list[dict[str, Any]] = []
    for variant in _variants(request, None):
        document = json.loads((variant.folder / CATALOG).read_bytes())
        base = f"{root}{variant.package.region.path}/datos/{variant.package.period}/"
        for node in document["@graph"]:
            if node.get("@type") != "dcat:Dataset":
                continue
            node["dcat:distribution"] = [
                *node["dcat:distribution"],
                *(
                    distribution(variant.folder, name, base, item.sha256)
                    for name in (CATALOG, MANIFEST)
                    if (item := variant.file(name)) is not None
                ),
            ]
            datasets.append(node)
    body = portal_catalog(
        datasets, url=root + CATALOGUE_PATH, homepage=root + "/publico/",
        publisher=settings.report_sender,
    )  # fmt: skip
    return cached(request, body, "application/ld+json")


@router.api_route("/publico/{region_slug}/datos", methods=["GET", "HEAD"])
def downloads_page(request: Request, region_slug: str) -> Response:
    """The región's published packages, newest period first."""
    with Session(request.app.state.engine) as session:
        region = public.published_region(session, region_slug)
    if region is None:
        return not_published(request)
    zone = request.app.state.settings.zone
    packages = [
        {
            "period": parse_period(variant.package.period),
            "generated": format_datetime(
                variant.generated_at, "d 'de' MMMM 'de' y, HH:mm", tzinfo=zone, locale="es_CL"
            ),
            "base": f"{downloads_path(region)}/{variant.package.period}",
            "files": variant.files,
        }
        for variant in _variants(request, region.slug)
    ]
    return page(
        request, "publico_datos.html", downloads_path(region),
        title=f"Datos y descargas — {region.official_name}",
        description=f"Versión pública de los paquetes de información de la {region.official_name}: "
        "informe, planilla y datos abiertos con su SHA-256.",
        region=region, packages=packages, catalogue=CATALOGUE_PATH, downloads=DOWNLOADS,
    )  # fmt: skip


@router.api_route("/publico/{region_slug}/datos/{period}/{name}", methods=["GET", "HEAD"])
def download(request: Request, region_slug: str, period: str, name: str) -> Response:
    """One file of a current public version, as an attachment."""
    if name not in DOWNLOADS:
        return not_published(request)
    with Session(request.app.state.engine) as session:
        packages = [p for p in public_packages(session, region_slug) if p.period == period]
    found = current_variant(request.app.state.settings, packages[0]) if packages else None
    item = found.file(name) if found is not None else None
    if found is None or item is None:
        return not_published(request)
    etag = f'"{item.sha256}"'
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag}
    given = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in given or "*" in given:
        return Response(status_code=304, headers=headers)
    return FileResponse(
        found.folder / name, media_type=item.media_type, headers=headers,
        filename=f"{region_slug}-{period}-{name}",
    )  # fmt: skip
