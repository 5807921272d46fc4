"""``/evaluacion``: a región's annual self-evaluation draft (the grade of
each requirement with its evidence) for the regional government (its own
región) and the admin (any región, chosen in a selector), with the same
DOCX and PDF downloads as ``cumple evaluation --out``
(``/evaluacion/documento``). A gerente gets a 403; a región outside a
regional government's scope is a 404, the answer for one that does not
exist."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models.accounts import Role
from models.dates import DateError, parse_date
from models.geography import Region
from models.text import slug
from reports.evaluation import Evaluation, evaluate
from reports.evaluation_files import (
    FORMATS,
    MEDIA_TYPES,
    evaluation_file_name,
    render_evaluation,
)
from tracking.accounts import Account
from tracking.errors import NotFound, TrackingError
from tracking.evaluation import evaluable_regions, read_evidence, resolve_region
from web.pages import current_account, render, today

router = APIRouter()
PAGE = ["GET", "HEAD"]
"""A HEAD (link checkers, a browser's prefetch) gets the GET's status and
headers, as the portal's pages do."""


class _Refused(Exception):
    """An answer other than the page: ``status`` with ``message``."""

    def __init__(self, status: int, title: str, message: str) -> None:
        self.status, self.title, self.message = status, title, message


def _scope(session: Session, account: Account, region: str) -> tuple[Region | None, list[Region]]:
    """The región asked for (``None``: none chosen yet, an admin's first
    visit) and the regiones the account may choose from."""
    if account.role is Role.GERENTE:
        raise _Refused(
            403, "Sin permiso",
            "La autoevaluación anual es para el Gobierno Regional y la administración.",
        )  # fmt: skip
    every = evaluable_regions(session)
    allowed = (
        every if account.role is Role.ADMIN else [r for r in every if r.id == account.region_id]
    )
    if not region.strip():
        return (allowed[0] if account.role is Role.GORE and allowed else None), allowed
    try:
        found = resolve_region(session, region)
    except NotFound:
        found = None
    if found is None or all(r.id != found.id for r in allowed):
        raise _Refused(
            404, "No encontrado", f"No existe la región «{region}» o no está en su alcance."
        )
    return found, allowed


def _year(text: str, day: date) -> int:
    """The year asked for: four ASCII digits (``str.isdigit`` would also
    take ``²⁰²⁶`` or Arabic-Indic digits), this year when empty."""
    if not text.strip():
        return day.year
    if not re.fullmatch(r"[0-9]{4}", text.strip()):
        raise ValueError(f"Año: «{text}» no es un año; escríbalo con cuatro cifras (AAAA).")
    return int(text)


def _day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except DateError as exc:
        raise ValueError(f"Fecha: {exc}.") from None


def _evaluation(
    request: Request, session: Session, region: Region, anio: str, fecha: str
) -> Evaluation:
    day = today(request)
    evidence = read_evidence(
        session, region.name, _year(anio, day), _day(fecha), day, request.app.state.settings.zone
    )
    return evaluate(evidence)


@router.api_route("/evaluacion", methods=PAGE, response_class=HTMLResponse)
def evaluation_page(
    request: Request,
    region: str = "",
    anio: str = "",
    fecha: str = "",
    account: Account = Depends(current_account),
) -> Response:
    """The grades and evidence of ``region`` for ``anio`` (default: this
    year), read on ``fecha`` (default: today)."""
    evaluation, error, status = None, None, 200
    with Session(request.app.state.engine) as session:
        try:
            chosen, allowed = _scope(session, account, region)
        except _Refused as refused:
            return render(
                request, "error.html", refused.status, title=refused.title, account=account,
                message=refused.message,
            )  # fmt: skip
        if chosen is not None:
            try:
                evaluation = _evaluation(request, session, chosen, anio, fecha)
            except (TrackingError, ValueError) as exc:
                error, status = str(exc), 400
    downloads = {}
    if evaluation is not None and chosen is not None:
        query = {"region": slug(chosen.name), "anio": str(evaluation.evidence.year)}
        if fecha.strip():
            query["fecha"] = evaluation.evidence.day.isoformat()
        downloads = {
            kind: "/evaluacion/documento?" + urlencode({**query, "formato": kind})
            for kind in FORMATS
        }
    return render(
        request, "evaluacion.html", status, title="Autoevaluación anual", account=account,
        evaluation=evaluation, error=error, regions=[(slug(r.name), r.name) for r in allowed],
        selected=slug(chosen.name) if chosen else "", anio=anio or str(today(request).year),
        fecha=fecha, downloads=downloads,
        recommendations=evaluation.recommendations() if evaluation else [],
    )  # fmt: skip


@router.api_route("/evaluacion/documento", methods=PAGE)
def evaluation_download(
    request: Request,
    region: str = "",
    anio: str = "",
    fecha: str = "",
    formato: str = "pdf",
    account: Account = Depends(current_account),
) -> Response:
    """The self-evaluation as ``formato`` (``pdf`` or ``docx``)."""
    with Session(request.app.state.engine) as session:
        try:
            chosen, _ = _scope(session, account, region)
            if chosen is None:
                raise _Refused(400, "Autoevaluación anual", "Elija una región.")
        except _Refused as refused:
            return render(
                request, "error.html", refused.status, title=refused.title, account=account,
                message=refused.message,
            )  # fmt: skip
        try:
            if formato not in FORMATS:
                raise ValueError(f"Formato «{formato}» desconocido; use pdf o docx.")
            evaluation = _evaluation(request, session, chosen, anio, fecha)
        except (TrackingError, ValueError) as exc:
            return render(
                request, "error.html", 400, title="Autoevaluación anual", account=account,
                message=str(exc),
            )  # fmt: skip
    content = render_evaluation(evaluation, formato, generated_at=datetime.now(UTC))
    return Response(
        content,
        media_type=MEDIA_TYPES[formato],
        headers={
            "Content-Disposition": (
                f'attachment; filename="{evaluation_file_name(evaluation, formato)}"'
            ),
            "Cache-Control": "no-store",
        },
    )


__all__ = ["router"]
