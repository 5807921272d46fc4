"""What one e-mail address answers for — as responsable, as gerente of a
territory, as director of an institution in a región — for the page behind
a person link (``/p/<token>``, :mod:`tracking.person_links`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, tuple_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from models.commitments import Commitment
from models.parties import Contact, ContactRole
from tracking.links import commitment_token
from tracking.queries import CommitmentView, Filters, list_commitments

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
        chosen = Filters(commitment_ids=frozenset(every))
        views = {view.id: view for view in list_commitments(session, chosen, day)}
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
