"""``/api/...``: the same operations for other systems, with token auth
(``Authorization: Bearer <token>``, from ``cumple users token``), described
by ``/openapi.json``. Records use the CLI's JSON field names."""

from __future__ import annotations

from datetime import date
from typing import Any, get_type_hints

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, create_model
from sqlmodel import Session

from importer import ImportFailed, Sheet, import_sheet
from models.commitments import Status
from tracking.accounts import Account, account_for_token
from tracking.errors import InvalidChange, NotFound, TrackingError
from tracking.queries import CommitmentView, get_commitment, list_commitments
from tracking.scope import can_see
from tracking.updates import Change, apply_change, decide
from web.pages import Identifier, scope_filters, today
from web.registration import ACTA_FIELDS, ROW_FIELDS, scope_check

router = APIRouter(prefix="/api", tags=["api"])
bearer = HTTPBearer(auto_error=False, description="Token de «cumple users token».")


def api_account(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Account:
    if credentials is None or not credentials.credentials:
        raise HTTPException(401, "Falta el token: Authorization: Bearer <token>.")
    with Session(request.app.state.engine) as session:
        account = account_for_token(session, credentials.credentials)
    if account is None:
        raise HTTPException(401, "Token inválido o de un usuario desactivado.")
    return account


class Evento(BaseModel):
    posicion: int
    registrado: str
    fecha_efectiva: date
    autor: str
    campo: str
    anterior: str | None
    nuevo: str | None
    motivo: str | None
    rectifica: str | None
    sha256: str


# The API's records are the CLI's: one definition, CommitmentView.
Compromiso = create_model(
    "Compromiso",
    **{name: (kind, ...) for name, kind in get_type_hints(CommitmentView).items()},  # type: ignore[call-overload]
)
CompromisoConHistorial = create_model(
    "CompromisoConHistorial", __base__=Compromiso, historial=(list[Evento], ...)
)


class Cambio(BaseModel):
    estado: str | None = Field(
        None, max_length=20, description="pendiente, cumplido (queda verificado) o cancelado"
    )
    monto_ejecutado: int | None = Field(None, ge=0, le=10**15)
    plazo: date | None = None
    motivo: str | None = Field(None, max_length=2000)
    nota: str | None = Field(None, max_length=4000)
    fecha: date | None = Field(None, description="Fecha del hecho; por defecto, hoy")


class CompromisoNuevo(BaseModel):
    institucion: str = Field(max_length=200)
    institucion_rut: str | None = Field(None, max_length=20)
    responsable: str | None = Field(None, max_length=200)
    responsable_email: str = Field(max_length=254)
    institucion_director_email: str | None = Field(None, max_length=254)
    compromiso: str = Field(max_length=4000)
    monto: int | None = Field(None, ge=0, le=10**15)
    fuente: str | None = Field(None, max_length=300)
    plazo: str = Field(max_length=40, description="AAAA-MM-DD o «N días hábiles»")
    comunas: str | None = Field(
        None,
        max_length=4000,
        description="Comunas donde se ejecuta (nombres o códigos CUT de la región), con su parte "
        "del monto si se indica: «Ovalle: $10.000.000; Punitaqui: $5.000.000». Por omisión, "
        "las comunas del territorio.",
    )


class ActaNueva(BaseModel):
    region: str = Field(max_length=120)
    territorio: str = Field(max_length=200)
    acta_fecha: date
    acta_instancia: str = Field(max_length=200)
    acta_numero: str | None = Field(None, max_length=100)
    acta_tipo: str | None = Field(None, max_length=20)
    territorio_gerente_email: str | None = Field(None, max_length=254)
    compromisos: list[CompromisoNuevo] = Field(min_length=1, max_length=500)


class Resultado(BaseModel):
    actas: int
    compromisos: int
    instituciones: int
    contactos: int
    ya_existian: int


def _check_visible(request: Request, account: Account, commitment_id: int) -> None:
    with Session(request.app.state.engine) as session:
        if not can_see(session, account, commitment_id):
            raise HTTPException(404, f"No existe el compromiso N° {commitment_id}.")


@router.get("/compromisos", response_model=list[Compromiso])
def api_list(
    request: Request,
    estado: Status | None = Query(None),
    q: str | None = Query(None, max_length=200),
    fecha: date | None = Query(None, description="Estado en esta fecha; por defecto, hoy"),
    account: Account = Depends(api_account),
) -> list[dict[str, Any]]:
    day = fecha or today(request)
    filters = scope_filters(account, status=estado.value if estado else None, text=q)
    try:
        with Session(request.app.state.engine) as session:
            return [view.record() for view in list_commitments(session, filters, day)]
    except InvalidChange as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/compromisos/{commitment_id}", response_model=CompromisoConHistorial)
def api_get(
    request: Request,
    commitment_id: Identifier,
    fecha: date | None = Query(None, description="Estado en esta fecha; por defecto, hoy"),
    account: Account = Depends(api_account),
) -> dict[str, Any]:
    _check_visible(request, account, commitment_id)
    try:
        with Session(request.app.state.engine) as session:
            view, history = get_commitment(session, commitment_id, fecha or today(request))
    except InvalidChange as exc:
        raise HTTPException(422, str(exc)) from None
    return view.record() | {"historial": [event.record() for event in history]}


@router.patch("/compromisos/{commitment_id}", response_model=CompromisoConHistorial)
def api_update(
    request: Request,
    commitment_id: Identifier,
    cambio: Cambio,
    account: Account = Depends(api_account),
) -> dict[str, Any]:
    if not account.can_edit:
        raise HTTPException(403, "Su perfil permite consultar, no modificar compromisos.")
    _check_visible(request, account, commitment_id)
    change = Change(
        status=cambio.estado, executed_amount=cambio.monto_ejecutado, due_date=cambio.plazo,
        reason=cambio.motivo, note=cambio.nota, on=cambio.fecha,
    )  # fmt: skip
    try:
        with Session(request.app.state.engine) as session:
            apply_change(session, commitment_id, change, f"api: {account.email}", today(request))
            session.commit()
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except (InvalidChange, TrackingError) as exc:
        raise HTTPException(422, str(exc)) from None
    return api_get(request, commitment_id, None, account)


class Decision(BaseModel):
    motivo: str | None = Field(
        None, max_length=2000, description="Obligatorio al devolver o reabrir"
    )


def _decide(
    request: Request, account: Account, commitment_id: int, decision: str, reason: str | None
) -> dict[str, Any]:
    if not account.can_edit:
        raise HTTPException(403, "Su perfil permite consultar, no modificar compromisos.")
    _check_visible(request, account, commitment_id)
    try:
        with Session(request.app.state.engine) as session:
            decide(session, commitment_id, decision, f"api: {account.email}", today(request),
                   reason)  # fmt: skip
            session.commit()
    except TrackingError as exc:
        raise HTTPException(422, str(exc)) from None
    return api_get(request, commitment_id, None, account)


@router.post("/compromisos/{commitment_id}/verificar", response_model=CompromisoConHistorial)
def api_verify(
    request: Request, commitment_id: Identifier, account: Account = Depends(api_account)
) -> dict[str, Any]:
    """Verifica un cumplimiento informado: queda cumplido en la fecha informada."""
    return _decide(request, account, commitment_id, "verify", None)


@router.post("/compromisos/{commitment_id}/devolver", response_model=CompromisoConHistorial)
def api_return(
    request: Request,
    commitment_id: Identifier,
    decision: Decision,
    account: Account = Depends(api_account),
) -> dict[str, Any]:
    """Devuelve un cumplimiento informado al responsable, con el motivo."""
    return _decide(request, account, commitment_id, "return", decision.motivo)


@router.post("/compromisos/{commitment_id}/reabrir", response_model=CompromisoConHistorial)
def api_reopen(
    request: Request,
    commitment_id: Identifier,
    decision: Decision,
    account: Account = Depends(api_account),
) -> dict[str, Any]:
    """Reabre un compromiso cumplido o cancelado, con el motivo."""
    return _decide(request, account, commitment_id, "reopen", decision.motivo)


@router.post("/actas", response_model=Resultado, status_code=201)
def api_acta(
    request: Request, acta: ActaNueva, account: Account = Depends(api_account)
) -> Resultado:
    if not account.can_edit:
        raise HTTPException(403, "Su perfil permite consultar, no registrar actas.")
    head = acta.model_dump(include=set(ACTA_FIELDS))
    rows = []
    for index, item in enumerate(acta.compromisos, start=2):
        values = head | item.model_dump()
        rows.append(
            (
                index,
                [
                    "" if values.get(f) is None else str(values[f])
                    for f in (*ACTA_FIELDS, *ROW_FIELDS)
                ],
            )
        )
    sheet = Sheet(header=[*ACTA_FIELDS, *ROW_FIELDS], rows=rows)
    try:
        report = import_sheet(
            request.app.state.engine, sheet, actor=f"api: {account.email}",
            check=scope_check(account, request.app.state.engine),
        )  # fmt: skip
    except ImportFailed as failure:
        detail = [
            {"compromiso": e.row - 1, "campo": e.column, "mensaje": e.message}
            for e in failure.errors
        ]
        raise HTTPException(422, detail) from None
    return Resultado(
        actas=report.actas, compromisos=report.commitments, instituciones=report.institutions,
        contactos=report.contacts, ya_existian=report.unchanged,
    )  # fmt: skip
