"""A gerente's (or admin's) decisions on a commitment's page: verify a
reported fulfilment, return it with a reason, reopen a closed commitment
with a reason, publish a medio de verificación on the transparency portal
or take it off; evidence added and downloaded by whoever can see it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from tracking.accounts import Account
from tracking.errors import NotFound, TrackingError
from tracking.evidence import add_evidence, evidence_of, evidence_owner
from tracking.evidence_publication import publish, unpublish
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
        found = evidence_owner(session, evidence_id)
        visible = found is not None and can_see(session, account, found[1])
    if found is None or not visible:
        return render(
            request, "error.html", 404, title="No encontrado", account=account,
            message=f"No existe la evidencia N° {evidence_id} o no está en su alcance.",
        )  # fmt: skip
    return evidence_file(request, found[0])


PUBLISHED = (
    "Evidencia N° {id} publicada en el portal. Se verá en la página pública del compromiso "
    "solo si su región está publicada y el compromiso no está reservado."
)
WITHDRAWN = "Evidencia N° {id} retirada del portal: vuelve a ser privada."


def _publication(
    request: Request, account: Account, commitment_id: int, evidence_id: int, public: bool
) -> Response:
    """Mark one of the commitment's (or its acta's) evidence public or
    private, for whoever may change the commitment."""
    refused = _allowed(request, account, commitment_id)
    if refused is not None:
        return refused
    try:
        with Session(request.app.state.engine) as session:
            evidence_of(session, commitment_id, evidence_id)
            if public:
                publish(session, evidence_id, account.email)
            else:
                unpublish(session, evidence_id)
            session.commit()
    except TrackingError as exc:
        status = 404 if isinstance(exc, NotFound) else 400
        return commitment_response(request, account, commitment_id, status, error=str(exc))
    request.session["aviso"] = (PUBLISHED if public else WITHDRAWN).format(id=evidence_id)
    return RedirectResponse(f"/compromisos/{commitment_id}?guardado=1", status_code=303)


@router.post("/compromisos/{commitment_id}/evidencias/{evidence_id}/publicar")
def publish_evidence(
    request: Request,
    commitment_id: Identifier,
    evidence_id: Identifier,
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    account: Account = Depends(current_account),
) -> Response:
    check_csrf(request, csrf_token_field)
    return _publication(request, account, commitment_id, evidence_id, True)


@router.post("/compromisos/{commitment_id}/evidencias/{evidence_id}/retirar")
def withdraw_evidence(
    request: Request,
    commitment_id: Identifier,
    evidence_id: Identifier,
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    account: Account = Depends(current_account),
) -> Response:
    check_csrf(request, csrf_token_field)
    return _publication(request, account, commitment_id, evidence_id, False)
