"""Server-rendered pages (Spanish paths and words). Every page but the login
needs a session; every form carries a CSRF token; what a user sees is cut
to their scope (a gerente's territorios, a regional government's región)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlmodel import Session

from models.accounts import Role
from models.calendar import local_date
from models.commitments import STATUS_LABELS, Commitment, Status
from models.dates import DateError, parse_date
from models.money import AmountError, parse_clp
from models.parties import Territory
from tracking.accounts import Account, load_account
from tracking.errors import TrackingError
from tracking.queries import Filters, get_commitment, list_commitments
from tracking.scope import can_see, scope_of
from tracking.totals import TerritoryTotal, status_totals
from tracking.updates import Change, apply_change
from web.security import CSRF_FIELD, csrf_matches, new_csrf_token

router = APIRouter()
PAGE_SIZE = 200
SESSION_USER = "user_id"
SESSION_VERSION = "version"
"""Session keys: the user, and the ``session_version`` it was opened with."""
Identifier = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="Número en el sistema")]
"""A row id in a path: out-of-range numbers are a 422, not a database error
(ids are PostgreSQL ``integer``, the narrower of the two backends)."""


class LoginRequired(Exception):
    """Raised by :func:`current_account` when there is no valid session."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class CsrfFailed(Exception):
    """A form without the session's CSRF token."""


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = new_csrf_token()
        request.session[CSRF_FIELD] = token
    return str(token)


def check_csrf(request: Request, given: str | None) -> None:
    if not csrf_matches(request.session.get(CSRF_FIELD), given):
        raise CsrfFailed()


def today(request: Request) -> date:
    return local_date(datetime.now(UTC), request.app.state.settings.zone)


def current_account(request: Request) -> Account:
    """The session's account; :class:`LoginRequired` when there is none,
    the user is disabled, or the session was ended (its version is not the
    user's current ``session_version``)."""
    user_id = request.session.get(SESSION_USER)
    version = request.session.get(SESSION_VERSION)
    account = None
    if isinstance(user_id, int) and isinstance(version, int):
        with Session(request.app.state.engine) as session:
            account = load_account(session, user_id, version)
    if account is None:
        request.session.pop(SESSION_USER, None)
        request.session.pop(SESSION_VERSION, None)
        raise LoginRequired(request.url.path)
    return account


def scope_filters(account: Account, **values: Any) -> Filters:
    return Filters(**values, **scope_of(account))


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("title", "")
    context.setdefault("account", None)
    context["csrf_token"] = csrf_token(request)
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status_code
    )


@dataclass
class Tally:
    """A dashboard line: counts per status and amounts."""

    id: int = 0
    name: str = ""
    region: str = ""
    pendiente: int = 0
    por_vencer: int = 0
    vencido: int = 0
    informado: int = 0
    cumplido: int = 0
    cancelado: int = 0
    committed: int = 0
    executed: int = 0

    def add(self, total: TerritoryTotal) -> None:
        status = total.status.value
        setattr(self, status, getattr(self, status) + total.commitments)
        self.committed += total.committed
        self.executed += total.executed


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, account: Account = Depends(current_account)) -> Response:
    day = today(request)
    filters = scope_filters(account)

    def compute() -> list[TerritoryTotal]:
        with Session(request.app.state.engine) as session:
            return status_totals(session, filters, day)

    totals, computed_at = request.app.state.figures.get((repr(filters), day), compute)
    total = Tally(name="Total")
    by_territory: dict[int, Tally] = {}
    for line in totals:
        total.add(line)
        by_territory.setdefault(
            line.territory_id, Tally(id=line.territory_id, name=line.territory, region=line.region)
        ).add(line)
    territories = sorted(by_territory.values(), key=lambda t: (t.name, t.region))
    # Signing a feed link costs ~50 µs and a national dashboard shows
    # 160 of them: kept with the figures, per account (a link names it).
    ids = tuple(tally.id for tally in territories)
    feeds, _ = request.app.state.figures.get(
        ("feeds", account.id, account.feed_version, ids),
        lambda: {item: _feed(request, account, "territorio", item) for item in ids},
    )
    to_verify = []
    if total.informado:
        with Session(request.app.state.engine) as session:
            to_verify = list_commitments(
                session, replace(filters, status=Status.INFORMADO.value), day, limit=50
            )
    return render(
        request, "dashboard.html", title="Inicio", account=account, day=day, total=total,
        territories=territories, feeds=feeds, to_verify=to_verify,
        message=request.session.pop("aviso", None),
        computed_at=computed_at.astimezone(request.app.state.settings.zone),
    )  # fmt: skip


def _feed(request: Request, account: Account, kind: str, item_id: int) -> str:
    """The path of ``account``'s calendar feed (see :mod:`web.feeds`)."""
    from web.feeds import feed_path  # web.feeds needs this module's helpers

    return feed_path(request, account, kind, item_id)


def _territory_options(session: Session, account: Account) -> list[Territory]:
    query = select(Territory).order_by(Territory.name)
    if account.role is Role.GERENTE:
        query = query.where(Territory.id.in_(sorted(account.territory_ids)))  # type: ignore[attr-defined]
    elif account.role is Role.GORE:
        query = query.where(Territory.region_id == account.region_id)
    return list(session.scalars(query))


@router.get("/compromisos", response_class=HTMLResponse)
def commitments_page(
    request: Request,
    territorio: str = "",
    estado: str = "",
    q: str = "",
    fecha: str = "",
    pagina: int = 1,
    account: Account = Depends(current_account),
) -> Response:
    error = None
    day = today(request)
    page = max(1, min(pagina, 100_000))
    if fecha:
        try:
            day = parse_date(fecha)
        except DateError as exc:
            error = f"Fecha: {exc}."
    status = estado if estado in {s.value for s in Status} else None
    with Session(request.app.state.engine) as session:
        options = _territory_options(session, account)
        selected = next((t for t in options if str(t.id) == territorio), None)
        filters = scope_filters(account, status=status, text=q or None)
        if selected is not None:
            filters = replace(filters, territory_ids=frozenset({selected.id}))
        try:
            views = list_commitments(
                session, filters, day, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
            )
        except TrackingError as exc:
            views, error = [], str(exc)
    more = len(views) > PAGE_SIZE
    views = views[:PAGE_SIZE]
    query = {"territorio": territorio, "estado": estado, "q": q, "fecha": fecha}
    base = "/compromisos?" + urlencode({k: v for k, v in query.items() if v})
    return render(
        request, "commitments.html", title="Compromisos", account=account, views=views,
        message=request.session.pop("aviso", None),
        territory_options=options, selected_territory=selected.id if selected else None,
        statuses=list(STATUS_LABELS.items()), selected_status=status, q=q, day=day, error=error,
        page=page, first=(page - 1) * PAGE_SIZE + 1,
        previous_url=f"{base}&pagina={page - 1}" if page > 1 else None,
        next_url=f"{base}&pagina={page + 1}" if more else None,
    )  # fmt: skip


def commitment_response(
    request: Request, account: Account, commitment_id: int, status_code: int = 200, **extra: Any
) -> Response:
    day = today(request)
    with Session(request.app.state.engine) as session:
        visible = can_see(session, account, commitment_id)
        if visible:
            view, history = get_commitment(session, commitment_id, day)
            institution_id = session.scalars(
                select(Commitment.institution_id).where(Commitment.id == commitment_id)
            ).one()
        if not visible:
            return render(
                request, "error.html", 404, title="No encontrado", account=account,
                message=f"No existe el compromiso N° {commitment_id} o no está en su alcance.",
            )  # fmt: skip
    return render(
        request, "commitment.html", status_code, title=f"Compromiso N° {commitment_id}",
        account=account, view=view, history=history, today=day, can_edit=account.can_edit,
        feed=_feed(request, account, "institucion", institution_id),
        message=extra.get("message"), error=extra.get("error"),
    )  # fmt: skip


@router.get("/compromisos/{commitment_id}", response_class=HTMLResponse)
def commitment_page(
    request: Request,
    commitment_id: Identifier,
    guardado: str = "",
    account: Account = Depends(current_account),
) -> Response:
    message = request.session.pop("aviso", None) or (
        "Cambios guardados en el historial." if guardado else None
    )
    return commitment_response(request, account, commitment_id, message=message)


@router.post("/compromisos/{commitment_id}", response_class=HTMLResponse)
def update_commitment(
    request: Request,
    commitment_id: Identifier,
    estado: str = Form(""),
    monto_ejecutado: str = Form(""),
    plazo: str = Form(""),
    fecha: str = Form(""),
    motivo: str = Form(""),
    nota: str = Form(""),
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    account: Account = Depends(current_account),
) -> Response:
    check_csrf(request, csrf_token_field)
    if not account.can_edit:
        return render(
            request, "error.html", 403, title="Sin permiso", account=account,
            message="Su perfil permite consultar, no modificar compromisos.",
        )  # fmt: skip
    day = today(request)
    with Session(request.app.state.engine) as session:
        visible = can_see(session, account, commitment_id)
    if not visible:
        return commitment_response(request, account, commitment_id)
    try:
        if plazo.strip() and not motivo.strip():
            raise ValueError("Para cambiar el plazo indique el motivo.")
        change = Change(
            status=estado or None,
            executed_amount=parse_amount_field(monto_ejecutado),
            due_date=parse_date_field(plazo, "Nuevo plazo"),
            reason=motivo or None,
            note=nota or None,
            on=parse_date_field(fecha, "Fecha del hecho"),
        )
        with Session(request.app.state.engine) as session:
            apply_change(session, commitment_id, change, account.email, day)
            session.commit()
    except (TrackingError, ValueError) as exc:
        return commitment_response(request, account, commitment_id, 400, error=str(exc))
    return RedirectResponse(f"/compromisos/{commitment_id}?guardado=1", status_code=303)


def parse_amount_field(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        return parse_clp(text)
    except AmountError as exc:
        raise ValueError(f"Monto ejecutado: {exc}.") from None


def parse_date_field(text: str, label: str) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except DateError as exc:
        raise ValueError(f"{label}: {exc}.") from None


def login_redirect(exc: LoginRequired) -> Response:
    return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)
