"""A gerente's (or admin's) decisions on a commitment's page: verify a
reported fulfilment, return it with a reason, reopen a closed commitment
with a reason; evidence added and downloaded by whoever can see it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import Session

from models.commitments import Commitment
from models.evidence import Evidence
from tracking.accounts import Account
from tracking.errors import TrackingError
from tracking.evidence import add_evidence
from tracking.scope import can_see
from tracking.updates import decide
from web.links import evidence_file, store_uploads
from web.pages import (
    Identifier,
    check_csrf,
    commitment_response,
    current_account,
    render,
    today,
)
from web.security import CSRF_FIELD

router = APIRouter()
DONE = {
    "verify": "Cumplimiento verificado: el compromiso queda cumplido.",
    "return": "Informe devuelto: el responsable verá el motivo en su próximo resumen.",
    "reopen": "Compromiso reabierto.",
}


def _allowed(request: Request, account: Account, commitment_id: int) -> Response | None:
    """``None`` when the account may change this commitment, else the page
    that says why not."""
    if not account.can_edit:
        return render(
            request, "error.html", 403, title="Sin permiso", account=account,
            message="Su perfil permite consultar, no modificar compromisos.",
        )  # fmt: skip
    with Session(request.app.state.engine) as session:
        visible = can_see(session, account, commitment_id)
    if not visible:
        return commitment_response(request, account, commitment_id)
    return None


def _decision(
    request: Request, account: Account, commitment_id: int, decision: str, reason: str | None
) -> Response:
    refused = _allowed(request, account, commitment_id)
    if refused is not None:
        return refused
    try:
        with Session(request.app.state.engine) as session:
            decide(session, commitment_id, decision, account.email, today(request), reason)
            session.commit()
    except TrackingError as exc:
        return commitment_response(request, account, commitment_id, 400, error=str(exc))
    request.session["aviso"] = DONE[decision]
    return RedirectResponse(f"/compromisos/{commitment_id}?guardado=1", status_code=303)


@router.post("/compromisos/{commitment_id}/verificar")
def verify(
    request: Request,
    commitment_id: Identifier,
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    account: Account = Depends(current_account),
) -> Response:
    check_csrf(request, csrf_token_field)
    return _decision(request, account, commitment_id, "verify", None)


@router.post("/compromisos/{commitment_id}/devolver")
def give_back(
    request: Request,
    commitment_id: Identifier,
    motivo: str = Form(""),
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    account: Account = Depends(current_account),
) -> Response:
    check_csrf(request, csrf_token_field)
    return _decision(request, account, commitment_id, "return", motivo or None)


@router.post("/compromisos/{commitment_id}/reabrir")
def reopen(
    request: Request,
    commitment_id: Identifier,
    motivo: str = Form(""),
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    account: Account = Depends(current_account),
) -> Response:
    check_csrf(request, csrf_token_field)
    return _decision(request, account, commitment_id, "reopen", motivo or None)


@router.post("/compromisos/{commitment_id}/evidencias")
def upload(
    request: Request,
    commitment_id: Identifier,
    referencia: str = Form(""),
    evidencia: list[UploadFile] = File(default=[]),
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    account: Account = Depends(current_account),
) -> Response:
    check_csrf(request, csrf_token_field)
    refused = _allowed(request, account, commitment_id)
    if refused is not None:
        return refused
    try:
        stored = store_uploads(request, evidencia)
        with Session(request.app.state.engine) as session:
            add_evidence(
                session, commitment_id, stored, [referencia], account.email, today(request)
            )
            session.commit()
    except TrackingError as exc:
        return commitment_response(request, account, commitment_id, 400, error=str(exc))
    request.session["aviso"] = "Evidencia agregada al historial."
    return RedirectResponse(f"/compromisos/{commitment_id}?guardado=1", status_code=303)


@router.get("/evidencias/{evidence_id}")
def download(
    request: Request, evidence_id: Identifier, account: Account = Depends(current_account)
) -> Response:
    """An evidence file, for whoever can see its commitment (or a
    commitment of its acta)."""
    with Session(request.app.state.engine) as session:
        row = session.get(Evidence, evidence_id)
        owner = None
        if row is not None:
            owner = row.commitment_id or session.scalar(
                select(Commitment.id).where(Commitment.acta_id == row.acta_id).limit(1)
            )
        visible = owner is not None and can_see(session, account, owner)
    if row is None or not visible:
        return render(
            request, "error.html", 404, title="No encontrado", account=account,
            message=f"No existe la evidencia N° {evidence_id} o no está en su alcance.",
        )  # fmt: skip
    return evidence_file(request, row)
