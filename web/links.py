"""The page behind a reminder's link: a responsable reports progress or
fulfilment of that one commitment, without an account."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import Session

from models.commitments import Commitment
from models.parties import Contact
from tracking.errors import TrackingError
from tracking.links import LinkInvalid, read_commitment_token
from tracking.queries import get_commitment
from tracking.updates import Change, apply_change
from web.pages import check_csrf, parse_amount_field, parse_date_field, render, today
from web.security import CSRF_FIELD

router = APIRouter()


def _commitment_id(request: Request, token: str) -> int:
    return read_commitment_token(request.app.state.secret, token)


def _page(request: Request, token: str, status_code: int = 200, **extra: object) -> Response:
    try:
        commitment_id = _commitment_id(request, token)
    except LinkInvalid as exc:
        return render(request, "error.html", 404, title="Enlace no válido", message=str(exc))
    day = today(request)
    with Session(request.app.state.engine) as session:
        view, _ = get_commitment(session, commitment_id, day)
    return render(
        request, "link.html", status_code, title="Informar avance", view=view, token=token,
        today=day, message=extra.get("message"), error=extra.get("error"),
    )  # fmt: skip


@router.get("/c/{token}", response_class=HTMLResponse)
def link_page(request: Request, token: str, enviado: str = "") -> Response:
    message = "Gracias: su avance quedó registrado y el gerente lo verá." if enviado else None
    return _page(request, token, message=message)


@router.post("/c/{token}", response_class=HTMLResponse)
def link_report(
    request: Request,
    token: str,
    cumplido: str = Form(""),
    monto_ejecutado: str = Form(""),
    fecha: str = Form(""),
    nota: str = Form(""),
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
) -> Response:
    check_csrf(request, csrf_token_field)
    try:
        commitment_id = _commitment_id(request, token)
    except LinkInvalid as exc:
        return render(request, "error.html", 404, title="Enlace no válido", message=str(exc))
    with Session(request.app.state.engine) as session:
        email = session.scalars(
            select(Contact.email)
            .join(Commitment, Commitment.responsable_id == Contact.id)
            .where(Commitment.id == commitment_id)
        ).one()
    try:
        change = Change(
            status="cumplido" if cumplido else None,
            executed_amount=parse_amount_field(monto_ejecutado),
            note=nota or None,
            on=parse_date_field(fecha, "Fecha del hecho"),
        )
        with Session(request.app.state.engine) as session:
            apply_change(session, commitment_id, change, f"enlace: {email}", today(request))
            session.commit()
    except (TrackingError, ValueError) as exc:
        return _page(request, token, 400, error=str(exc))
    return RedirectResponse(f"/c/{token}?enviado=1", status_code=303)
