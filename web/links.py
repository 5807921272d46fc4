"""The page behind a reminder's link: a responsable reports progress or
fulfilment of that one commitment, with evidence, without an account.

A reported fulfilment waits as ``informado`` until the gerente verifies
it; a fulfilled or cancelled commitment takes nothing more through the link
(the form is not shown and a POST is refused); an ``informado`` one takes
evidence only."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import Session

from models.commitments import Commitment, CommitmentEvent
from models.evidence import Evidence
from models.parties import Contact
from tracking.errors import Closed, TrackingError
from tracking.evidence import report_progress
from tracking.evidence_store import EvidenceStore, StoredFile
from tracking.links import LinkInvalid, read_commitment_token
from tracking.queries import get_commitment
from tracking.updates import Report
from web.pages import check_csrf, parse_amount_field, parse_date_field, render, today
from web.security import CSRF_FIELD

router = APIRouter()
GONE = "El compromiso de este enlace ya no existe. Consulte a su gerente."
THANKS = {
    "informado": "Gracias: su informe de cumplimiento quedó registrado y la gerencia lo "
    "verificará.",
    "avance": "Gracias: su avance quedó registrado y el gerente lo verá.",
}


def _commitment_id(request: Request, token: str) -> int:
    """The commitment of a link (raises :class:`LinkInvalid`). A signed id
    no database row can have is a commitment that does not exist, not a
    query for the database to fail on."""
    commitment_id = read_commitment_token(request.app.state.secret, token)
    if not 0 < commitment_id < 2**31:
        raise LinkInvalid(GONE)
    return commitment_id


def _returned(session: Session, commitment_id: int) -> CommitmentEvent | None:
    """The gerente's return of the last report, when that is the latest
    status change."""
    last = session.scalars(
        select(CommitmentEvent)
        .where(CommitmentEvent.commitment_id == commitment_id, CommitmentEvent.field == "status")
        .order_by(CommitmentEvent.position.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    if last is not None and (last.old_value, last.new_value) == ("informado", "pendiente"):
        return last
    return None


def _invalid(request: Request, message: str) -> Response:
    return render(request, "error.html", 404, title="Enlace no válido", message=message)


def _page(request: Request, token: str, status_code: int = 200, **extra: object) -> Response:
    try:
        commitment_id = _commitment_id(request, token)
    except LinkInvalid as exc:
        return _invalid(request, str(exc))
    day = today(request)
    with Session(request.app.state.engine) as session:
        try:
            view, _ = get_commitment(session, commitment_id, day)
        except TrackingError:
            return _invalid(request, GONE)
        returned = _returned(session, commitment_id)
    return render(
        request, "link.html", status_code, title="Informar avance", view=view, token=token,
        today=day, returned=returned, message=extra.get("message"), error=extra.get("error"),
    )  # fmt: skip


@router.get("/c/{token}", response_class=HTMLResponse)
def link_page(request: Request, token: str, enviado: str = "") -> Response:
    return _page(request, token, message=THANKS.get(enviado))


def _uploads(files: list[UploadFile]) -> list[UploadFile]:
    # A form with an empty file field still sends a part without a name.
    return [upload for upload in files if upload.filename]


def store_uploads(request: Request, files: list[UploadFile]) -> list[StoredFile]:
    """Store uploaded evidence files by content (raises InvalidChange)."""
    store = EvidenceStore(request.app.state.settings.evidence_dir)
    return store.save_files((upload.filename, upload.file) for upload in _uploads(files))


@router.post("/c/{token}", response_class=HTMLResponse)
def link_report(
    request: Request,
    token: str,
    cumplido: str = Form(""),
    monto_ejecutado: str = Form(""),
    fecha: str = Form(""),
    nota: str = Form(""),
    referencia: str = Form(""),
    evidencia: list[UploadFile] = File(default=[]),
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
) -> Response:
    check_csrf(request, csrf_token_field)
    try:
        commitment_id = _commitment_id(request, token)
    except LinkInvalid as exc:
        return _invalid(request, str(exc))
    engine = request.app.state.engine
    with Session(engine) as session:
        email = session.scalars(
            select(Contact.email)
            .join(Commitment, Commitment.responsable_id == Contact.id)
            .where(Commitment.id == commitment_id)
        ).first()
    if email is None:
        return _invalid(request, GONE)
    try:
        report = Report(
            fulfilled=bool(cumplido),
            executed_amount=parse_amount_field(monto_ejecutado),
            note=nota or None,
            on=parse_date_field(fecha, "Fecha del hecho"),
        )
        stored = store_uploads(request, evidencia)
        with Session(engine) as session:
            report_progress(
                session, commitment_id, report, stored, [referencia], f"enlace: {email}",
                today(request),
            )  # fmt: skip
            session.commit()
    except Closed as exc:
        return _page(request, token, 409, error=str(exc))
    except (TrackingError, ValueError) as exc:
        return _page(request, token, 400, error=str(exc))
    kind = "informado" if report.fulfilled else "avance"
    return RedirectResponse(f"/c/{token}?enviado={kind}", status_code=303)


@router.get("/c/{token}/evidencias/{evidence_id}")
def link_evidence(request: Request, token: str, evidence_id: int) -> Response:
    """A file of this commitment's evidence (or its acta's), for the holder
    of the link."""
    try:
        commitment_id = _commitment_id(request, token)
    except LinkInvalid as exc:
        return _invalid(request, str(exc))
    with Session(request.app.state.engine) as session:
        row = session.get(Evidence, evidence_id) if 0 < evidence_id < 2**31 else None
        acta_id = session.scalar(select(Commitment.acta_id).where(Commitment.id == commitment_id))
    if acta_id is None:
        return _invalid(request, GONE)
    if row is None or not (row.commitment_id == commitment_id or (
        row.commitment_id is None and row.acta_id == acta_id
    )):  # fmt: skip
        return _invalid(request, "No existe esa evidencia para este compromiso.")
    return evidence_file(request, row)


def evidence_file(request: Request, row: Evidence) -> Response:
    """The stored bytes of a file evidence, as a download."""
    store = EvidenceStore(request.app.state.settings.evidence_dir)
    if row.sha256 is None or not store.path_of(row.sha256).is_file():
        return render(
            request, "error.html", 404, title="Archivo no disponible",
            message="Esa evidencia no tiene un archivo en el servidor (es una referencia o "
            "falta el archivo).",
        )  # fmt: skip
    return FileResponse(
        store.path_of(row.sha256),
        media_type=row.media_type or "application/octet-stream",
        filename=row.name,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )
