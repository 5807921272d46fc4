"""Downloads of the medios de verificación the gerencia marked public, on
the transparency portal, without login.

A file answers only when its commitment's public page does (región
published, commitment not withheld, of that región and territorio) and
the evidence is marked public and is the commitment's or its acta's;
anything else is the portal's 404, the same words for what does not exist
and for what is private. It is served as an attachment, with ``nosniff``,
its stored media type only when that is one the evidence store accepts
(never a type a browser would run: HTML, SVG, XML, JavaScript go out as
``application/octet-stream``), its SHA-256 as ``ETag`` and the portal's
``Cache-Control``; ``If-None-Match`` answers 304."""

from __future__ import annotations

import unicodedata
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response
from sqlmodel import Session

from tracking import public
from tracking.evidence_publication import served_type
from tracking.evidence_store import EvidenceStore
from web.pages import today
from web.public import CACHE_CONTROL, not_published

router = APIRouter()
Identifier = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the
    exact name as ``filename*`` (RFC 6266, RFC 8187)."""
    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_"
        for ch in unicodedata.normalize("NFKD", name)
        if not unicodedata.combining(ch)
    )
    return (
        f'attachment; filename="{fallback.strip() or "evidencia"}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )


@router.api_route(
    "/publico/{region_slug}/{territory_slug}/compromisos/{commitment_id}/evidencias/{evidence_id}",
    methods=["GET", "HEAD"],
)
def evidence_download(
    request: Request,
    region_slug: str,
    territory_slug: str,
    commitment_id: Identifier,
    evidence_id: Identifier,
) -> Response:
    """The bytes of a public evidence file of a public commitment."""
    with Session(request.app.state.engine) as session:
        region = public.published_region(session, region_slug)
        found = None if region is None else public.public_commitment(
            session, region, commitment_id, today(request)
        )  # fmt: skip
    if found is None or found[0].territory_slug != territory_slug:
        return not_published(request)
    medium = next((m for m in found[0].evidence if m.id == evidence_id and m.is_file), None)
    if medium is None or medium.sha256 is None:
        return not_published(request)
    path = EvidenceStore(request.app.state.settings.evidence_dir).path_of(medium.sha256)
    if not path.is_file():
        return not_published(request)
    etag = f'"{medium.sha256}"'
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag, "X-Content-Type-Options": "nosniff"}
    given = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in given or "*" in given:
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = content_disposition(medium.name)
    return FileResponse(path, media_type=served_type(medium.media_type), headers=headers)
