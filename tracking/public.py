"""The public projection of the record, for the transparency portal.

Only public fields leave this module: región, territorio, the acta (kind,
instance, number, date), the institution and its RUT, the commitment's
text, amounts committed and executed, source, programme, due dates (as
agreed and effective), the status on the day, the dates of fulfilment and
verification, the medios de verificación the gerencia marked public
(:mod:`tracking.evidence_publication`: kind, name, type, size, SHA-256, a
reference's text, the date added) and how many others it has, and its
public history (what changed and when, rectifications marked). Never an
e-mail address, a person's name (responsable, contacts, users, who
verified, recorded a change, added or published evidence), a token, a note
or a free-text reason, the name or content of evidence not marked public,
nor anything of a región that is not published or of a commitment that is
withheld (Ley 19.628).

Every read goes through :func:`tracking.queries.list_commitments` and
:func:`tracking.queries.get_commitment` (the state on a date of
``commitment_state``) and :func:`tracking.evidence_publication.public_evidence`,
a fixed number of queries per page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models.commitments import STATUS_LABELS, Commitment, Status, acta_label
from models.dates import format_long
from models.geography import Region
from models.money import format_clp
from models.parties import Territory
from models.portal import PublishedRegion, WithheldCommitment
from models.text import slug
from tracking.errors import TrackingError
from tracking.evidence_publication import PublicMedium, public_evidence
from tracking.history import TRANSITIONS
from tracking.queries import CommitmentView, EventView, Filters, get_commitment, list_commitments


@dataclass(frozen=True)
class PublicRegion:
    """A published región."""

    id: int
    slug: str
    name: str
    official_name: str

    @property
    def path(self) -> str:
        return f"/publico/{self.slug}"


@dataclass(frozen=True)
class PublicCommitment:
    """One commitment as the public sees it on ``day`` (public fields only)."""

    id: int
    region_slug: str
    territory: str
    territory_slug: str
    acta: str
    acta_kind: str
    acta_instance: str
    acta_number: str
    acta_date: date
    institution: str
    institution_rut: str | None
    institution_slug: str
    text: str
    amount: int | None
    executed: int
    source: str | None
    programme: str | None
    plazo: date
    plazo_text: str
    due_date: date
    status: Status
    fulfilled_on: date | None
    verified_on: date | None
    evidence_count: int
    """All its medios de verificación (its own and its acta's), public or not."""
    evidence: tuple[PublicMedium, ...] = ()
    """Those marked public, acta's first, oldest first."""

    @property
    def unpublished_evidence(self) -> int:
        """How many of its medios de verificación are not public."""
        return self.evidence_count - len(self.evidence)

    def evidence_path(self, medium: PublicMedium) -> str:
        """The public download address of one of its public files."""
        return f"{self.path}/evidencias/{medium.id}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def on_time(self) -> bool:
        """Fulfilled on or before its effective due date."""
        return self.fulfilled_on is not None and self.fulfilled_on <= self.due_date

    @property
    def path(self) -> str:
        return f"/publico/{self.region_slug}/{self.territory_slug}/compromisos/{self.id}"


@dataclass(frozen=True)
class PublicEvent:
    """One public entry of a commitment's history: its date, what happened
    and, for a rectification, the period it corrects. No author, no reason."""

    on: date
    label: str
    detail: str
    rectifies: str | None = None


@dataclass
class Tally:
    """Counts per status and amounts of a group of public commitments."""

    name: str
    slug: str = ""
    counts: Counter[Status] = field(default_factory=Counter)
    committed: int = 0
    executed: int = 0
    fulfilled: int = 0
    on_time: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def execution_rate(self) -> float | None:
        """Executed over committed amounts; ``None`` with nothing committed."""
        return self.executed / self.committed if self.committed else None

    @property
    def on_time_rate(self) -> float | None:
        """Of the fulfilled commitments, the share fulfilled by their
        effective due date; ``None`` when none is fulfilled."""
        return self.on_time / self.fulfilled if self.fulfilled else None

    def add(self, item: PublicCommitment) -> None:
        self.counts[item.status] += 1
        self.committed += item.amount or 0
        self.executed += item.executed
        if item.status is Status.CUMPLIDO:
            self.fulfilled += 1
            self.on_time += item.on_time


def tally(name: str, items: Iterable[PublicCommitment], key: str = "") -> Tally:
    """The :class:`Tally` of ``items``."""
    result = Tally(name, key)
    for item in items:
        result.add(item)
    return result


def published_regions(session: Session) -> list[PublicRegion]:
    """The regiones published on the portal, by CUT number."""
    rows = session.scalars(
        select(Region)
        .join(PublishedRegion, PublishedRegion.region_id == Region.id)
        .order_by(Region.id)
    )
    return [PublicRegion(r.id, slug(r.name), r.name, r.official_name) for r in rows]


def published_region(session: Session, region_slug: str) -> PublicRegion | None:
    """The published región whose address segment is ``region_slug``."""
    return next((r for r in published_regions(session) if r.slug == region_slug), None)


def _withheld(session: Session) -> set[int]:
    return set(session.scalars(select(WithheldCommitment.commitment_id)))


def _programmes(session: Session, region_id: int) -> dict[int, str | None]:
    rows = session.execute(
        select(Commitment.id, Commitment.programme).where(Commitment.region_id == region_id)
    )
    return {row[0]: row[1] for row in rows}


RESERVED_SEGMENTS = frozenset({"datos", "instituciones", "cambios"})
"""Address segments under ``/publico/<región>/`` that the portal's own
pages use; a territorio with such a name takes its number as well."""


def _territory_segments(session: Session, region_id: int) -> list[tuple[int, str, str]]:
    """(id, name, address segment) of every territorio of the región, the
    segment unique within it (a clash takes the territorio's number)."""
    found = []
    taken: set[str] = set()
    rows = session.execute(
        select(Territory.id, Territory.name)
        .where(Territory.region_id == region_id)
        .order_by(Territory.id)  # type: ignore[arg-type]
    )
    for territory_id, name in rows:
        candidate = slug(name) or "territorio"
        if candidate in taken or candidate in RESERVED_SEGMENTS:
            candidate = f"{candidate}-{territory_id}"
        taken.add(candidate)
        found.append((territory_id, name, candidate))
    return found


def territory_slugs(session: Session, region_id: int) -> dict[str, str]:
    """Territory name → address segment, for every territorio of the región."""
    return {name: segment for _, name, segment in _territory_segments(session, region_id)}


def _project(
    view: CommitmentView,
    region: PublicRegion,
    territory_slug: str,
    programme: str | None,
    public: Sequence[PublicMedium],
) -> PublicCommitment:
    # Only what this view counts, so that the public and the unpublished
    # always add up to its medios de verificación.
    listed = {evidence.id for evidence in view.evidencias}
    return PublicCommitment(
        id=view.id,
        region_slug=region.slug,
        territory=view.territorio,
        territory_slug=territory_slug,
        acta=acta_label(view.acta_tipo, view.acta_instancia, view.acta_numero, view.acta_fecha),
        acta_kind=view.acta_tipo,
        acta_instance=view.acta_instancia,
        acta_number=view.acta_numero,
        acta_date=view.acta_fecha,
        institution=view.institucion,
        institution_rut=view.institucion_rut,
        institution_slug=slug(view.institucion),
        text=view.compromiso,
        amount=view.monto,
        executed=view.monto_ejecutado,
        source=view.fuente,
        programme=programme,
        plazo=view.plazo,
        plazo_text=view.plazo_texto,
        due_date=view.vencimiento,
        status=view.estado,
        fulfilled_on=view.cumplido_el,
        verified_on=view.verificado_el,
        evidence_count=len(view.evidencias),
        evidence=tuple(medium for medium in public if medium.id in listed),
    )


def region_commitments(
    session: Session, region: PublicRegion, day: date, territory_slug: str | None = None
) -> list[PublicCommitment]:
    """Every public commitment of a published región (of one of its
    territorios, by address segment, when ``territory_slug`` is given) with
    its state on ``day`` (withheld ones left out) and its public evidence,
    ordered by effective due date; a fixed number of queries whatever the
    number of commitments."""
    filters = Filters(region_id=region.id)
    if territory_slug is not None:
        chosen = {t for t, _, segment in _territory_segments(session, region.id)
                  if segment == territory_slug}  # fmt: skip
        filters = Filters(region_id=region.id, territory_ids=frozenset(chosen))
    views = list_commitments(session, filters, day) if filters.territory_ids != frozenset() else []
    withheld = _withheld(session)
    views = [v for v in views if v.id not in withheld]
    slugs = territory_slugs(session, region.id)
    programmes = _programmes(session, region.id)
    public = public_evidence(session, [v.id for v in views], day)
    return [
        _project(v, region, slugs[v.territorio], programmes.get(v.id), public.get(v.id, ()))
        for v in views
    ]


def group(items: Iterable[PublicCommitment], by: str) -> list[Tally]:
    """Tallies per ``territory`` or ``institution``, by name."""
    groups: dict[str, Tally] = {}
    for item in items:
        name = getattr(item, by)
        key = getattr(item, f"{by}_slug")
        groups.setdefault(name, Tally(name, key)).add(item)
    return [groups[name] for name in sorted(groups)]


@dataclass(frozen=True)
class CommitmentFilters:
    """The territory page's filters (GET parameters): institution slug,
    status value and acta year; empty means all."""

    institution: str = ""
    status: str = ""
    year: int | None = None

    def keep(self, item: PublicCommitment) -> bool:
        return (
            (not self.institution or item.institution_slug == self.institution)
            and (not self.status or item.status.value == self.status)
            and (self.year is None or item.acta_date.year == self.year)
        )


def _detail(event: EventView) -> tuple[str, str] | None:
    """The public label and words of one history entry; ``None`` for what
    is never public (notes)."""
    old, new = event.old_value, event.new_value
    if event.field == "created":
        return "Registro en el acta", "Compromiso suscrito en el acta."
    if event.field == "status":
        on = format_long(event.effective_on)
        if new == "cumplido":
            return "Verificación", f"Verificado el {on} por la gerencia."
        label = TRANSITIONS.get((old or "", new or ""), "Cambio de estado")
        if new == "informado":
            return label, "La institución informó el cumplimiento, con medios de verificación."
        if new == "cancelado":
            return "Cancelación", f"Cancelado el {on}."
        if old == "informado":
            return label, "La gerencia devolvió el informe a la institución para completarlo."
        return label, "El compromiso vuelve a estar abierto."
    if event.field == "executed_amount":
        before = format_clp(int(old)) if old else format_clp(0)
        return "Monto ejecutado", f"De {before} a {format_clp(int(new or 0))}."
    if event.field == "plazo" and new:
        before = format_long(date.fromisoformat(old)) if old else "—"
        return "Nuevo plazo", f"Del {before} al {format_long(date.fromisoformat(new))}."
    if event.field == "evidence":
        return "Medio de verificación", "Se agregó un medio de verificación."
    return None


def public_events(events: Sequence[EventView]) -> list[PublicEvent]:
    """The public timeline of a commitment's history, by the date each fact
    happened (no author, reason, note or file name)."""
    out = []
    for event in sorted(events, key=lambda e: (e.effective_on, e.position)):
        words = _detail(event)
        if words is not None:
            out.append(PublicEvent(event.effective_on, words[0], words[1], event.rectifies))
    return out


def public_commitment(
    session: Session, region: PublicRegion, commitment_id: int, day: date
) -> tuple[PublicCommitment, list[PublicEvent]] | None:
    """One commitment of a published región, with its public evidence, and
    its public timeline up to ``day``; ``None`` when it does not exist,
    belongs to another región, did not exist yet on ``day`` or is
    withheld."""
    if commitment_id in _withheld(session):
        return None
    try:
        view, events = get_commitment(session, commitment_id, day)
    except TrackingError:
        return None
    if int(view.region_code) != region.id:
        return None
    slugs = territory_slugs(session, region.id)
    programme = session.scalar(select(Commitment.programme).where(Commitment.id == commitment_id))
    public = public_evidence(session, [commitment_id], day).get(commitment_id, ())
    item = _project(view, region, slugs[view.territorio], programme, public)
    return item, public_events(events)
