"""The page behind a person link (``/p/<token>``, ``tracking.person_links``):
a read-only list of every commitment the linked e-mail address answers
for — as responsable, as gerente of its territory, as director of its
institution in its región — with status, due date, amount and a link to
each one. No account is needed and nothing can be changed here; an altered
or expired token gets a Spanish 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select, tuple_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from models.commitments import Commitment
from models.parties import Contact, ContactRole
from tracking.feeds import person_feed_url
from tracking.links import LinkInvalid, commitment_token
from tracking.person_links import read_person_token
from tracking.queries import CommitmentView, _base_query, _view, state_source
from web.pages import render, today

router = APIRouter()
ROLES = (
    (ContactRole.RESPONSABLE, "Como responsable"),
    (ContactRole.GERENTE, "Como gerente del territorio"),
    (ContactRole.DIRECTOR, "Como director(a) regional de la institución"),
)


@dataclass(frozen=True)
class Section:
    """The commitments a person answers for in one role, with their links."""

    title: str
    rows: list[tuple[CommitmentView, str]]


def _ids_by_role(session: Session, email: str) -> dict[ContactRole, set[int]]:
    """Commitment ids per role of the contacts with ``email`` (any case)."""
    contacts = session.execute(
        select(Contact.id, Contact.role, Contact.territory_id, Contact.institution_id,
               Contact.region_id).where(func.lower(Contact.email) == email)
    ).all()  # fmt: skip
    conditions: dict[ContactRole, ColumnElement[bool]] = {}
    responsable = [c.id for c in contacts if c.role == ContactRole.RESPONSABLE]
    if responsable:
        conditions[ContactRole.RESPONSABLE] = Commitment.responsable_id.in_(responsable)  # type: ignore[attr-defined]
    territories = [c.territory_id for c in contacts if c.role == ContactRole.GERENTE]
    if territories:
        conditions[ContactRole.GERENTE] = Commitment.territory_id.in_(territories)  # type: ignore[attr-defined]
    scopes = [(c.institution_id, c.region_id) for c in contacts if c.role == ContactRole.DIRECTOR]
    if scopes:
        conditions[ContactRole.DIRECTOR] = tuple_(
            Commitment.institution_id, Commitment.region_id
        ).in_(scopes)
    found: dict[ContactRole, set[int]] = {role: set() for role, _ in ROLES}
    for role, condition in conditions.items():
        found[role] = set(session.scalars(select(Commitment.id).where(condition)))
    return found


def person_sections(session: Session, email: str, day: date, secret: str) -> list[Section]:
    """What ``email`` answers for on ``day``, by role (empty roles left
    out), each commitment with its state on ``day``, by due date. A
    responsable's rows link to the signed page where it is reported
    (``/c/<token>``); a gerente's or director's to the commitment's page."""
    by_role = _ids_by_role(session, email)
    every = sorted(set().union(*by_role.values()))
    views: dict[int, CommitmentView] = {}
    if every:
        source = state_source(session, day)
        rows = session.execute(_base_query(day, source).where(Commitment.id.in_(every))).all()  # type: ignore[attr-defined]
        for row in rows:
            view = _view(*row[:6], row[6] if len(row) > 6 else None, day)
            views[view.id] = view
    sections = []
    for role, title in ROLES:
        ordered = sorted(
            (views[i] for i in by_role[role] if i in views), key=lambda v: (v.vencimiento, v.id)
        )
        if not ordered:
            continue
        rows_out = [
            (
                view,
                f"/c/{commitment_token(secret, view.id)}"
                if role is ContactRole.RESPONSABLE
                else f"/compromisos/{view.id}",
            )
            for view in ordered
        ]
        sections.append(Section(title, rows_out))
    return sections


@router.get("/p/{token}", response_class=HTMLResponse)
def person_page(request: Request, token: str) -> Response:
    secret = request.app.state.secret
    try:
        email = read_person_token(secret, token)
    except LinkInvalid as exc:
        return render(request, "error.html", 404, title="Enlace no válido", message=str(exc))
    day = today(request)
    settings = request.app.state.settings
    with Session(request.app.state.engine) as session:
        sections = person_sections(session, email, day, secret)
        calendar = person_feed_url(session, secret, settings.base_url, email) if sections else None
    response = render(
        request, "person.html", title="Mis compromisos", email=email, sections=sections,
        today=day, calendar=calendar,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
