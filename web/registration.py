"""Registering actas from the web: a form with several commitments, and a
spreadsheet upload with a preview. Both go through the importer's own
validation and all-or-nothing write, so the web accepts exactly what the
CLI accepts."""

from __future__ import annotations

import contextlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import Session

from importer import ImportFailed, Limits, Sheet, UnreadableFile, import_sheet, read_sheet
from importer.errors import RowError
from importer.rows import CommitmentRow
from importer.writer import new_directors
from models.accounts import Role
from models.commitments import ActaKind
from models.geography import Region
from models.parties import Territory
from models.text import fold
from tracking.accounts import Account
from tracking.lookup import find_territories
from web import acta_draft, import_actas
from web.pages import check_csrf, current_account, render
from web.security import CSRF_FIELD

router = APIRouter()
ACTA_FIELDS = (
    "region", "territorio", "acta_fecha", "acta_instancia", "acta_numero", "acta_tipo",
    "territorio_gerente_email",
)  # fmt: skip
ROW_FIELDS = (
    "institucion", "institucion_rut", "responsable", "responsable_email",
    "institucion_director_email", "compromiso", "monto", "fuente", "plazo", "comunas",
)  # fmt: skip
LABELS = {
    "region": "región", "territorio": "territorio", "acta_fecha": "fecha",
    "acta_instancia": "instancia", "acta_numero": "número", "acta_tipo": "tipo",
    "territorio_gerente_email": "correo del gerente", "institucion": "institución",
    "institucion_rut": "RUT", "responsable": "responsable",
    "responsable_email": "correo del responsable",
    "institucion_director_email": "correo del director(a)", "compromiso": "compromiso",
    "monto": "monto", "fuente": "fuente", "plazo": "plazo", "comunas": "comunas",
}  # fmt: skip
INSTANCES = (
    "Consejo Público-Privado", "Directorio Ejecutivo", "Secretaría Técnica", "Mesa Territorial",
    "Mesa Técnica", "Concejo Municipal",
)  # fmt: skip
MAX_UPLOAD = 20 * 1024 * 1024


def _forbidden(request: Request, account: Account) -> Response:
    return render(
        request, "error.html", 403, title="Sin permiso", account=account,
        message="Su perfil permite consultar, no registrar actas.",
    )  # fmt: skip


def scope_check(account: Account, engine: Any) -> Any:
    """The importer's ``check`` for rows from this account: a gerente's rows
    must be in their territorios (so the responsables and the territorio's
    gerente contact they name are for their own territorios; an admin may
    create new territorios), and only an admin may create or change the
    director(a) of an institution in a región (who hears about every
    territorio of it)."""

    def check(rows: list[CommitmentRow]) -> list[RowError]:
        if account.role is Role.ADMIN:
            return []
        with Session(engine) as session:
            allowed = {
                (region_id, key)
                for region_id, key in session.execute(
                    select(Territory.region_id, Territory.name_key).where(
                        Territory.id.in_(sorted(account.territory_ids))  # type: ignore[attr-defined]
                    )
                )
            }
            directors = new_directors(session, rows)
        outside = [
            RowError(row.row, "territorio", f"«{row.territory}» no está entre sus territorios")
            for row in rows
            if (row.region_id, fold(row.territory)) not in allowed
        ]
        return sorted(outside + directors, key=lambda error: (error.row, error.column))

    return check


def _acta_context(request: Request, account: Account, values: dict[str, str],
                  rows: list[dict[str, str]], errors: list[str]) -> dict[str, Any]:  # fmt: skip
    with Session(request.app.state.engine) as session:
        regions = list(session.scalars(select(Region).order_by(Region.id)))
        query = select(Territory.name).order_by(Territory.name)
        if account.role is Role.GERENTE:
            query = query.where(Territory.id.in_(sorted(account.territory_ids)))  # type: ignore[attr-defined]
        territories = sorted(set(session.scalars(query)))
    return {
        "title": "Nueva acta", "account": account, "values": values, "rows": rows,
        "errors": errors, "regions": regions, "territories": territories,
        "instances": INSTANCES, "kinds": [k.value for k in ActaKind],
    }  # fmt: skip


@router.get("/actas/nueva", response_class=HTMLResponse)
def acta_form(request: Request, account: Account = Depends(current_account)) -> Response:
    if not account.can_edit:
        return _forbidden(request, account)
    values = {name: "" for name in ACTA_FIELDS} | {"acta_tipo": "acta", "region": "02"}
    rows = [{name: "" for name in ROW_FIELDS} for _ in range(3)]
    return render(request, "acta.html", **_acta_context(request, account, values, rows, []))


def _describe(error: RowError) -> str:
    label = LABELS.get(error.column, error.column)
    if error.column in ACTA_FIELDS:
        return f"Acta, {label}: {error.message}"
    return f"Compromiso {error.row - 1}, {label}: {error.message}"


@router.post("/actas/nueva", response_class=HTMLResponse)
async def acta_submit(request: Request, account: Account = Depends(current_account)) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    if not account.can_edit:
        return _forbidden(request, account)
    values = {name: str(form.get(name, "")).strip() for name in ACTA_FIELDS}
    try:
        count = max(1, min(int(str(form.get("filas", "3"))), 50))
    except ValueError:
        count = 3
    rows = [
        {name: str(form.get(f"{name}-{n}", "")).strip() for name in ROW_FIELDS}
        for n in range(1, count + 1)
    ]
    if form.get("accion") == "mas":
        rows.append({name: "" for name in ROW_FIELDS})
        return render(request, "acta.html", **_acta_context(request, account, values, rows, []))
    filled = [(n, r) for n, r in enumerate(rows, start=2) if any(r.values())]
    if not filled:
        context = _acta_context(request, account, values, rows, ["Agregue al menos un compromiso."])
        return render(request, "acta.html", 400, **context)
    header = [*ACTA_FIELDS, *ROW_FIELDS]
    sheet = Sheet(
        header=list(header),
        rows=[
            (n, [values[f] for f in ACTA_FIELDS] + [r[f] for f in ROW_FIELDS]) for n, r in filled
        ],
    )
    try:
        report = import_sheet(
            request.app.state.engine, sheet, actor=account.email,
            check=scope_check(account, request.app.state.engine),
        )  # fmt: skip
    except ImportFailed as failure:
        errors = list(dict.fromkeys(_describe(e) for e in failure.errors))
        context = _acta_context(request, account, values, rows, errors)
        return render(request, "acta.html", 400, **context)
    request.session["aviso"] = f"Acta registrada: {report.commitments} compromisos nuevos" + (
        f", {report.unchanged} ya existían." if report.unchanged else "."
    )
    return RedirectResponse("/compromisos", status_code=303)


@dataclass
class Preview:
    upload: str
    summary: str
    rows: list[CommitmentRow]
    warnings: list[str]


EXPIRED = "La vista previa venció; suba el archivo de nuevo."


def _uploads(request: Request) -> Path:
    """The folder of unconfirmed previews, with every preview older than
    ``preview_minutes`` removed: called whenever a preview is written or
    read, so an abandoned upload does not stay on disk."""
    folder = Path(request.app.state.settings.data_dir) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    oldest = time.time() - request.app.state.settings.preview_minutes * 60
    for path in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):  # another request removed it first
            if path.is_file() and path.stat().st_mtime < oldest:
                path.unlink()
    return folder


@router.get("/importar", response_class=HTMLResponse)
def import_page(request: Request, account: Account = Depends(current_account)) -> Response:
    if not account.can_edit:
        return _forbidden(request, account)
    message = request.session.pop("aviso", None)
    return render(request, "import.html", title="Importar", account=account, message=message,
                  errors=[], preview=None, result=None)  # fmt: skip


def _editor_scope(request: Request, account: Account) -> import_actas.EditorScope:
    """What the acta editor offers this user; a gerente of one territorio
    has its región and territorio filled in."""
    engine = request.app.state.engine
    context = _acta_context(request, account, {}, [], [])
    regions = [(region.code, region.name) for region in context["regions"]]
    region = territory = None
    if account.role is Role.GERENTE and len(account.territory_ids) == 1:
        with Session(engine) as session:
            own = [t for t in find_territories(session, context["territories"][0])
                   if t.id in account.territory_ids]  # fmt: skip
        if own:
            region, territory = f"{own[0].region_id:02d}", own[0].name
    return import_actas.EditorScope(
        regions=regions, territories=context["territories"], instances=INSTANCES,
        kinds=context["kinds"], check=scope_check(account, engine), region=region,
        territory=territory,
    )  # fmt: skip


@router.post("/importar", response_class=HTMLResponse)
async def import_preview(
    request: Request,
    planilla: UploadFile = File(...),
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    account: Account = Depends(current_account),
) -> Response:
    check_csrf(request, csrf_token_field)
    if not account.can_edit:
        return _forbidden(request, account)
    suffix = Path(planilla.filename or "").suffix.lower()
    content = await planilla.read(MAX_UPLOAD + 1)
    errors: list[str] = []
    if suffix not in (".csv", ".xlsx", *import_actas.DOCUMENT_SUFFIXES):
        errors = [
            f"Formato «{suffix or 'sin extensión'}» no admitido; suba una planilla .xlsx o "
            ".csv, o un acta .docx o .pdf."
        ]
    elif len(content) > MAX_UPLOAD:
        what = "El acta" if suffix in import_actas.DOCUMENT_SUFFIXES else "La planilla"
        errors = [f"{what} pesa más de 20 MB; divídala en partes."]
    elif suffix in import_actas.DOCUMENT_SUFFIXES:
        scope = _editor_scope(request, account)
        name = planilla.filename or f"acta{suffix}"
        return await import_actas.upload(request, account, scope, name, content)
    preview = None
    if not errors:
        name = f"{secrets.token_hex(12)}{suffix}"
        path = _uploads(request) / name
        path.write_bytes(content)
        try:
            sheet = read_sheet(path, Limits.from_settings(request.app.state.settings))
            report = import_sheet(
                request.app.state.engine, sheet, actor=account.email, dry_run=True,
                check=scope_check(account, request.app.state.engine),
            )  # fmt: skip
        except UnreadableFile as exc:
            errors = [f"No se pudo leer la planilla: {exc}."]
        except ImportFailed as failure:
            errors = [str(e) for e in failure.errors]
        if errors:
            path.unlink(missing_ok=True)
        else:
            from importer.rows import parse_sheet
            from importer.service import load_region_index

            with Session(request.app.state.engine) as session:
                parsed = parse_sheet(sheet, load_region_index(session))
            request.session["upload"] = name
            preview = Preview(
                upload=name,
                summary=(
                    f"{report.rows} filas: se crearían {report.actas} actas, "
                    f"{report.commitments} compromisos, {report.institutions} instituciones y "
                    f"{report.contacts} contactos; {report.unchanged} compromisos ya existen."
                ),
                rows=parsed.rows[:100],
                warnings=report.warnings,
            )
    status = 400 if errors else 200
    return render(request, "import.html", status, title="Importar", account=account,
                  message=None, errors=errors, preview=preview, result=None)  # fmt: skip


@router.post("/importar/confirmar", response_class=HTMLResponse)
def import_confirm(
    request: Request,
    archivo: str = Form(""),
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    account: Account = Depends(current_account),
) -> Response:
    check_csrf(request, csrf_token_field)
    if not account.can_edit:
        return _forbidden(request, account)
    # Only the upload this session previewed: never a path from the form.
    path = _uploads(request) / archivo if archivo else None
    if archivo != request.session.get("upload") or path is None or not path.is_file():
        return render(request, "import.html", 400, title="Importar", account=account,
                      message=None, preview=None, result=None, errors=[EXPIRED])  # fmt: skip
    try:
        report = import_sheet(
            request.app.state.engine,
            read_sheet(path, Limits.from_settings(request.app.state.settings)),
            actor=account.email,
            check=scope_check(account, request.app.state.engine),
        )  # fmt: skip
    except (ImportFailed, UnreadableFile) as exc:
        errors = [str(e) for e in exc.errors] if isinstance(exc, ImportFailed) else [str(exc)]
        return render(request, "import.html", 400, title="Importar", account=account,
                      message=None, preview=None, result=None, errors=errors)  # fmt: skip
    finally:
        request.session.pop("upload", None)
    path.unlink(missing_ok=True)
    request.session["aviso"] = (
        f"Importación completada: {report.actas} actas y {report.commitments} compromisos nuevos."
    )
    return RedirectResponse("/importar", status_code=303)


@router.post("/importar/acta", response_class=HTMLResponse)
async def import_acta_confirm(
    request: Request, account: Account = Depends(current_account)
) -> Response:
    """The acta editor's form: add a row, or import what the gerente confirmed."""
    form = await request.form(max_fields=acta_draft.MAX_FORM_FIELDS)
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    if not account.can_edit:
        return _forbidden(request, account)
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    return await import_actas.confirm(request, account, _editor_scope(request, account), values)
