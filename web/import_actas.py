"""An acta document (``.docx`` or ``.pdf``) at ``/importar``: read into
proposals for the gerente to edit, then imported through the same
all-or-nothing path as a spreadsheet, with the document kept as the acta's
evidence.

Between the two steps the document waits in the evidence store (stored by
content) and the form carries only a signed token naming its SHA-256, bound
to the user who uploaded it and expiring with a working session: a forged
or borrowed form cannot attach anyone else's file. The routes live in
:mod:`web.registration`, which passes in the user's scope
(:class:`EditorScope`)."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from config.i18n import plural
from importer import ImportFailed, Limits, UnreadableFile, import_sheet
from importer.actas.confirm import acta_ids, has_document
from importer.actas.institutions import known_institutions
from importer.actas.proposal import ActaReading, Found
from importer.actas.read import known_places, read_acta
from importer.errors import RowError
from importer.rows import CommitmentRow
from importer.service import ConcurrentImport, ImportReport, load_region_index
from models.text import fold, text_key
from tracking.accounts import Account
from tracking.errors import TrackingError
from tracking.evidence import add_acta_evidence
from tracking.evidence_store import EvidenceStore, StoredFile
from tracking.queries import CommitmentView, Filters, list_commitments
from tracking.scope import scope_of
from web import acta_draft
from web.acta_draft import Draft
from web.pages import render, today

DOCUMENT_SUFFIXES = (".docx", ".pdf")
TOKEN_SALT = "cumple-acta-por-importar"
TOKEN_HOURS = 8
"""How long a read acta waits for its confirmation: a working session."""
RELOAD = "Vuelva a Importar y suba el acta de nuevo."

Check = Callable[[list[CommitmentRow]], list[RowError]]


@dataclass(frozen=True)
class EditorScope:
    """What the editor offers a user: the regiones ``(code, name)``, the
    territorios they may import into, the usual instancias, the kinds of
    acta, the región and territorio a gerente of one territorio always
    works in, and the importer's scope ``check`` for their rows."""

    regions: list[tuple[str, str]]
    territories: list[str]
    instances: tuple[str, ...]
    kinds: list[str]
    check: Check
    region: str | None = None
    territory: str | None = None


class DocumentRefused(Exception):
    """A token that does not name a document this user may attach."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=TOKEN_SALT)


def document_token(secret: str, user_id: int, stored: StoredFile) -> str:
    """The form's proof that ``user_id`` uploaded ``stored``."""
    data = {"u": user_id, "h": stored.sha256, "n": stored.name, "m": stored.media_type}
    return _serializer(secret).dumps({**data, "b": stored.size})


def read_document_token(secret: str, token: str, user_id: int, store: EvidenceStore) -> StoredFile:
    """The document a token names, when ``user_id`` uploaded it, it has not
    expired and its bytes are still those in the store; raises
    :class:`DocumentRefused` (Spanish) otherwise."""
    try:
        data = _serializer(secret).loads(token, max_age=TOKEN_HOURS * 3600)
    except SignatureExpired:
        raise DocumentRefused(400, f"La propuesta venció. {RELOAD}") from None
    except BadSignature:
        raise DocumentRefused(
            400, f"El formulario no corresponde a un acta subida. {RELOAD}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("h"), str):
        raise DocumentRefused(400, f"El formulario no corresponde a un acta subida. {RELOAD}")
    if data.get("u") != user_id:
        raise DocumentRefused(403, f"Esa acta la subió otra persona. {RELOAD}")
    try:
        present = store.digest_of(data["h"]) == data["h"]
    except ValueError:
        present = False
    if not present:
        raise DocumentRefused(400, f"El documento del acta ya no está en el servidor. {RELOAD}")
    return StoredFile(str(data.get("n", "acta")), str(data.get("m", "")), int(data.get("b", 0)),
                      data["h"])  # fmt: skip


# --- reading ------------------------------------------------------------------


def _read(path: Path, engine: Any, scope: EditorScope, limits: Limits) -> ActaReading:
    with Session(engine) as session:
        known = known_institutions(session)
        places = known_places(session)
    region_name = dict(scope.regions).get(scope.region or "")
    return read_acta(path, known=known, region=region_name, territory=scope.territory,
                     places=places, limits=limits)  # fmt: skip


def _stored_document(
    request: Request, account: Account, scope: EditorScope, name: str, content: bytes
) -> tuple[ActaReading, StoredFile]:
    """Read the uploaded acta and, when it reads, keep it in the evidence
    store. A hostile or unreadable file is refused before it is stored."""
    settings = request.app.state.settings
    suffix = Path(name).suffix.lower()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".acta-", dir=settings.data_dir) as folder:
        path = Path(folder) / f"acta{suffix}"
        path.write_bytes(content)
        reading = _read(path, request.app.state.engine, scope, Limits.from_settings(settings))
    stored = EvidenceStore(settings.evidence_dir).save(name, io.BytesIO(content))
    return reading, stored


def _region_codes(engine: Any, scope: EditorScope) -> Callable[[str], str | None]:
    with Session(engine) as session:
        index = load_region_index(session)
    codes = {int(code): code for code, _ in scope.regions}
    return lambda text: codes.get(index.by_alias.get(fold(text), -1))


async def upload(
    request: Request, account: Account, scope: EditorScope, name: str, content: bytes
) -> Response:
    """The proposals editor for an uploaded acta, or the import page with
    the reader's Spanish reason (400)."""
    try:
        reading, stored = await run_in_threadpool(
            _stored_document, request, account, scope, name, content
        )
    except (UnreadableFile, TrackingError) as exc:
        message = str(exc).rstrip(".")
        return render(request, "import.html", 400, title="Importar", account=account,
                      message=None, preview=None, result=None,
                      errors=[f"No se pudo leer el acta «{name}»: {message}."])  # fmt: skip
    draft = acta_draft.from_reading(
        reading,
        region_code=_region_codes(request.app.state.engine, scope),
        region=scope.region,
        territory=scope.territory,
    )
    token = document_token(request.app.state.secret, account.id, stored)
    return await _editor(request, account, scope, draft, stored, token, 200, fresh=True)


# --- the editor ---------------------------------------------------------------


def _responsables(engine: Any, draft: Draft) -> Callable[[str], list[tuple[str, str]]]:
    """The responsable on record of an institution in the draft's región:
    ``[(e-mail, "Name (e-mail)")]``, or nothing."""
    with Session(engine) as session:
        known = known_institutions(session)
    region = draft.header.get("region", "")

    def lookup(institution: str) -> list[tuple[str, str]]:
        person = known.responsable(region, institution) if institution.strip() else None
        if person is None:
            return []
        return [(person.email, f"{person.name} ({person.email})" if person.name else person.email)]

    return lookup


def _suggest(draft: Draft, lookup: Callable[[str], list[tuple[str, str]]], fresh: bool) -> None:
    """Offer each row the institution's known responsables; on a fresh
    reading, a missing e-mail takes the first one as a guess, with a note."""
    for row in draft.rows:
        row.suggestions = lookup(row.values.get("institucion", ""))
        if not fresh or not row.suggestions or row.values.get("responsable_email"):
            continue
        email, described = row.suggestions[0]
        row.values["responsable_email"] = email
        row.states["responsable_email"] = Found.GUESSED.value
        if not row.values.get("responsable"):
            name = described.removesuffix(f" ({email})")
            if name != email:
                row.values["responsable"] = name
                row.states["responsable"] = Found.GUESSED.value
        row.notes.append(
            f"El acta no da el correo del responsable: se propone {described}, responsable "
            f"registrado de {row.values.get('institucion')} en esta región. Revíselo."
        )


async def _editor(
    request: Request,
    account: Account,
    scope: EditorScope,
    draft: Draft,
    document: StoredFile,
    token: str,
    status_code: int,
    *,
    fresh: bool = False,
) -> Response:
    lookup = await run_in_threadpool(_responsables, request.app.state.engine, draft)
    _suggest(draft, lookup, fresh)
    return render(
        request, "import_propuestas.html", status_code, title="Propuestas del acta",
        account=account, draft=draft, scope=scope, document=document, token=token,
        columns=acta_draft.ROW_COLUMNS, wide=("compromiso", "productos"),
        long_text=("compromiso", "productos"), label=acta_draft.label,
        state_text=acta_draft.STATE_TEXT, required=acta_draft.REQUIRED,
        encoded=acta_draft.encoded_states,
    )  # fmt: skip


# --- confirmation -------------------------------------------------------------


@dataclass
class Imported:
    """What a confirmation created: the importer's counts, the acta's
    commitments among the confirmed rows, and the document attached."""

    report: ImportReport
    commitments: list[CommitmentView]
    document: StoredFile
    attached: bool


def _import_and_attach(
    request: Request, account: Account, scope: EditorScope, draft: Draft, document: StoredFile
) -> Imported:
    """Import the kept rows (all or nothing; raises ImportFailed), then
    attach the document to their acta unless it already keeps it."""
    engine = request.app.state.engine
    rows: list[CommitmentRow] = []

    def check(parsed: list[CommitmentRow]) -> list[RowError]:
        rows.extend(parsed)
        return scope.check(parsed)

    report = import_sheet(engine, acta_draft.to_sheet(draft), actor=account.email, check=check)
    day = today(request)
    attached = False
    with Session(engine) as session:
        actas = acta_ids(session, rows)
        for acta_id in actas:
            if not has_document(session, acta_id, document.sha256):
                add_acta_evidence(session, acta_id, [document], [], account.email, day)
                attached = True
        session.commit()
        texts = {row.text_key for row in rows}
        first = rows[0]
        filters = Filters(**scope_of(account), territory=first.territory, region_id=first.region_id)
        views = [
            view
            for view in list_commitments(session, filters, max(day, first.held_on))
            if view.acta_id in actas and text_key(view.compromiso) in texts
        ]
    return Imported(report, views, document, attached)


def _summary(done: Imported) -> str:
    report = done.report
    parts = [plural(report.commitments, "{n} compromiso nuevo", "{n} compromisos nuevos")]
    if report.actas:
        parts.insert(0, plural(report.actas, "{n} acta nueva", "{n} actas nuevas"))
    if report.unchanged:
        parts.append(plural(report.unchanged, "{n} ya existía", "{n} ya existían"))
    text = "Importación completada: " + ", ".join(parts) + "."
    if done.attached:
        text += f" El documento «{done.document.name}» quedó como evidencia del acta."
    return text


async def confirm(
    request: Request, account: Account, scope: EditorScope, form: Mapping[str, Any]
) -> Response:
    """Add a row, or import the edited rows; a refused import shows the
    errors beside the rows, with the form as it was typed (400)."""
    store = EvidenceStore(request.app.state.settings.evidence_dir)
    token = str(form.get("documento", ""))
    try:
        document = read_document_token(request.app.state.secret, token, account.id, store)
    except DocumentRefused as refused:
        return render(request, "error.html", refused.status_code, title="Acta no disponible",
                      account=account, message=refused.message)  # fmt: skip
    draft = acta_draft.from_form(form)
    if form.get("accion") == "fila":
        draft.add_row()
        return await _editor(request, account, scope, draft, document, token, 200)
    if not draft.included():
        draft.summary.append(
            ("propuesta-1", "Marque «Incluir» en al menos una propuesta con datos.")
        )
        return await _editor(request, account, scope, draft, document, token, 400)
    try:
        done = await run_in_threadpool(_import_and_attach, request, account, scope, draft, document)
    except ImportFailed as failure:
        acta_draft.apply_errors(draft, failure.errors)
        return await _editor(request, account, scope, draft, document, token, 400)
    except ConcurrentImport:
        draft.summary.append(("propuesta-1", "Otra persona importó lo mismo al mismo tiempo; "
                              "vuelva a confirmar."))  # fmt: skip
        return await _editor(request, account, scope, draft, document, token, 409)
    except (UnreadableFile, TrackingError) as exc:
        draft.summary.append(("propuesta-1", str(exc)))
        return await _editor(request, account, scope, draft, document, token, 400)
    return render(request, "import.html", title="Importar", account=account,
                  message=_summary(done), errors=[], preview=None, result=done)  # fmt: skip
