"""Load the demo data: import the demo actas, then record the follow-up
facts a gerente would have typed in (payments, fulfilments, a new due date).
Running it again changes nothing."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import Settings
from flows.cycle import CycleReport, run_steps
from importer import ImportReport, import_file
from models.accounts import User
from models.calendar import calendar_for
from models.commitments import Commitment, CommitmentEvent
from models.parties import Contact, Institution
from models.protocols import Protocol, instrument_of
from models.schema import InitResult, init_database
from models.text import fold, text_key
from tracking.accounts import add_user
from tracking.evidence import report_progress
from tracking.evidence_store import EvidenceStore
from tracking.lookup import find_region
from tracking.protocols import set_protocol
from tracking.territories import ensure_territory
from tracking.updates import Change, Report, apply_change, decide

ACTOR = "demo"
SIMULATED_DAYS = 5


@dataclass(frozen=True)
class DemoReport:
    """A responsable's report through the link, with a PDF and a reference;
    ``verified_by`` is the gerente who verifies it (``None``: it waits)."""

    report: Report
    document: str
    reference: str
    verified_by: str | None = None


@dataclass(frozen=True)
class DemoFact:
    institution: str
    text: str
    change: Change | DemoReport


FACTS = (
    DemoFact(
        "FOSIS",
        "Transferir los recursos del convenio con la Comunidad Atacameña de Lasana para el "
        "fondo de emprendimiento turístico",
        DemoReport(
            Report(
                fulfilled=True,
                executed_amount=15_000_000,
                note="Transferencia recibida el 3 de mayo y asignada a la región el 3 de julio.",
                on=date(2026, 10, 5),
            ),
            "Resolución Exenta N° 1229 que asigna $15.000.000 al convenio con la Comunidad "
            "Atacameña de Lasana",
            "Resolución Exenta N° 1229",
            verified_by="gerente.loa@demo.cumple.cl",
        ),
    ),
    DemoFact(
        "CORFO",
        "Cofinanciar un tercio del fondo territorial de turismo rural",
        Change(status="cumplido", executed_amount=10_000_000, on=date(2026, 6, 25)),
    ),
    DemoFact(
        "Municipalidad de Ovalle",
        "Cofinanciar un tercio del fondo territorial de turismo rural",
        Change(status="cumplido", executed_amount=10_000_000, on=date(2026, 7, 3)),
    ),
    DemoFact(
        "SERCOTEC",
        "Fondo de fortalecimiento gremial para las ferias de Pichilemu y Paredones",
        Change(
            due_date=date(2026, 12, 15),
            reason="Retraso en la resolución que transfiere la glosa Chile Emprende.",
            on=date(2026, 9, 10),
        ),
    ),
    DemoFact(
        "INDAP",
        "Asistencia técnica a 40 crianceros caprinos de Alto del Carmen",
        Change(executed_amount=9_000_000, note="Primera cuota transferida.", on=date(2026, 10, 1)),
    ),
    DemoFact(
        "FOSIS",
        "Transferir el fondo de apoyo a emprendimientos de Vallenar y Freirina",
        DemoReport(
            Report(
                fulfilled=True,
                executed_amount=12_000_000,
                note="Licitado y adjudicado.",
                on=date(2026, 11, 20),
            ),
            "Orden de compra 1234-56-LE26: fondo de apoyo a emprendimientos de Vallenar y "
            "Freirina, licitado y adjudicado",
            "Orden de compra Mercado Público 1234-56-LE26",
        ),
    ),
    DemoFact(
        "Club Deportivo Lolol",
        "Clínica deportiva para jóvenes del secano durante las vacaciones de invierno",
        Change(status="cumplido", on=date(2026, 7, 24)),
    ),
)


DEMO_TERRITORIES = (
    # Loa Emprende works with the two Áreas de Desarrollo Indígena of El Loa:
    # ADI Atacama La Grande (San Pedro de Atacama) and ADI Alto El Loa (the
    # upper Loa villages of Calama, such as Lasana, and Ollagüe).
    ("Antofagasta", "Loa Emprende", "Calama, San Pedro de Atacama, Ollagüe"),
    ("Atacama", "Provincia del Huasco", "Vallenar, Freirina, Huasco, Alto del Carmen"),
    ("Coquimbo", "Limarí Emprende", "Ovalle, Punitaqui, Monte Patria, Río Hurtado, Combarbalá"),
    (
        "O'Higgins",
        "O'Higgins Emprende",
        "Navidad, Litueche, La Estrella, Marchigüe, Pichilemu, Paredones, Pumanque, "
        "Peralillo, Lolol, Chépica",
    ),
    (
        "La Araucanía",
        "Araucanía Andina",
        "Vilcún, Cunco, Melipeuco, Victoria, Curacautín, Lonquimay",
    ),
    ("Aysén", "Cuenca Lago General Carrera", "Chile Chico, Río Ibáñez"),
    (
        "Metropolitana",
        "Territorio Integrado Poniente",
        "Cerro Navia, Pudahuel, Quinta Normal, Lo Prado, Quilicura",
    ),
)
"""The demo's territorios and their comunas (../shared/spec/domain.md),
set before the actas are imported so every commitment is registered with
its place: the comunas its row names, else its territorio's."""


def set_territories(engine: Engine) -> int:
    """Create the demo territorios with their comunas (those that already
    have comunas keep them). Returns how many were written."""
    written = 0
    with Session(engine) as session:
        for region, name, comunas in DEMO_TERRITORIES:
            written += ensure_territory(session, region, name, comunas)
        session.commit()
    return written


DEMO_PROTOCOLS = (
    ("Antofagasta", ["gobernacion@gore-antofagasta.cl.example"], "quarter", date(2026, 7, 1)),
    ("Coquimbo", ["gobernacion@gore-coquimbo.cl.example"], "quarter", date(2026, 7, 1)),
    ("Metropolitana", ["planificacion@gore-rm.cl.example"], "month", date(2026, 10, 1)),
    # The year's instruments of Coquimbo: its ARI in April, its IRAL in December.
    ("Coquimbo", ["planificacion@gore-coquimbo.cl.example"], "ari", date(2026, 7, 1)),
    ("Coquimbo", ["planificacion@gore-coquimbo.cl.example"], "iral", date(2026, 7, 1)),
)


def set_protocols(engine: Engine) -> int:
    """The demo's agreements with three regional governments, and
    Coquimbo's ARI and IRAL protocols (each once)."""
    created = 0
    with Session(engine) as session:
        for region, recipients, every, since in DEMO_PROTOCOLS:
            found = find_region(session, region)
            exists = session.scalars(
                select(Protocol.id).where(
                    Protocol.region_id == found.id, Protocol.instrument == instrument_of(every)
                )
            )
            if exists.first() is None:
                set_protocol(
                    session, region_text=region, recipients=recipients, every=every,
                    since=since, title=None,
                )  # fmt: skip
                created += 1
        session.commit()
    return created


DEMO_PASSWORD = "demo-cumple-2026"
DEMO_USERS = (
    ("admin@demo.cumple.cl", "admin", [], None),
    ("gerente.loa@demo.cumple.cl", "gerente", ["Loa Emprende"], "Antofagasta"),
    ("gore.coquimbo@demo.cumple.cl", "gore", [], "Coquimbo"),
)


def set_users(engine: Engine) -> list[tuple[str, str]]:
    """The demo's logins (e-mail, role), created once with DEMO_PASSWORD."""
    with Session(engine) as session:
        existing = set(session.scalars(select(User.email)))
        for email, role, territories, region in DEMO_USERS:
            if email not in existing:
                add_user(
                    session, email=email, password=DEMO_PASSWORD, role=role,
                    territories=territories, region=region,
                )  # fmt: skip
        session.commit()
    return [(email, role) for email, role, _, _ in DEMO_USERS]


@dataclass(frozen=True)
class DemoResult:
    init: InitResult
    imported: ImportReport
    facts_recorded: int
    cycles: list[CycleReport]
    users: list[tuple[str, str]]

    @property
    def already_loaded(self) -> bool:
        """Every row of the demo file was stored by an earlier run: the
        import created nothing, and its notices (a row whose commitment the
        demo itself has since given a new due date) are about the demo's own
        data, not news for the person who runs it."""
        report = self.imported
        return report.rows > 0 and report.unchanged == report.rows - len(report.duplicate_rows)


def _find(session: Session, fact: DemoFact) -> Commitment | None:
    return session.scalars(
        select(Commitment)
        .join(Institution, Institution.id == Commitment.institution_id)
        .where(Institution.name_key == fold(fact.institution))
        .where(Commitment.text_key == text_key(fact.text))
        .order_by(Commitment.id)
    ).first()


def demo_document(title: str) -> bytes:
    """A one-page PDF standing for a verification document."""
    from html import escape

    from weasyprint import HTML

    html = (
        '<html lang="es"><body style="font-family: \'DejaVu Sans\', sans-serif">'
        "<p>DOCUMENTO DE DEMOSTRACIÓN</p>"
        f'<h1 style="font-size: 16pt">{escape(title)}</h1>'
        "<p>Este archivo acompaña los datos de demostración de cumple como medio de "
        "verificación.</p></body></html>"
    )
    return bytes(HTML(string=html).write_pdf())


def _record(session: Session, store: EvidenceStore, commitment_id: int, fact: DemoFact,
            today: date) -> None:  # fmt: skip
    change = fact.change
    if isinstance(change, Change):
        apply_change(session, commitment_id, change, ACTOR, today)
        return
    stored = store.save(f"{change.reference}.pdf", io.BytesIO(demo_document(change.document)))
    email = session.scalars(
        select(Contact.email)
        .join(Commitment, Commitment.responsable_id == Contact.id)
        .where(Commitment.id == commitment_id)
    ).one()
    report_progress(
        session, commitment_id, change.report, [stored], [change.reference], f"enlace: {email}",
        today,
    )  # fmt: skip
    if change.verified_by is not None:
        decide(session, commitment_id, "verify", change.verified_by, today)


def record_facts(engine: Engine, settings: Settings, today: date) -> int:
    """Record each demo fact once: a commitment that already has more than
    its "created" entry in the history is left alone."""
    recorded = 0
    store = EvidenceStore(settings.evidence_dir)
    with Session(engine) as session:
        for fact in FACTS:
            on = fact.change.on if isinstance(fact.change, Change) else fact.change.report.on
            if on is not None and on > today:
                continue
            commitment = _find(session, fact)
            if commitment is None or commitment.id is None:
                continue
            entries = session.scalars(
                select(func.count())
                .select_from(CommitmentEvent)
                .where(CommitmentEvent.commitment_id == commitment.id)
                .where(CommitmentEvent.field != "created")
            ).one()
            if entries:
                continue
            _record(session, store, commitment.id, fact, today)
            recorded += 1
        session.commit()
    return recorded


def simulated_days(today: date, count: int = SIMULATED_DAYS) -> list[date]:
    """The last ``count`` national business days up to ``today``."""
    calendar = calendar_for(None)
    days = [today] if calendar.is_business_day(today) else []
    day = today
    while len(days) < count:
        day = calendar.add(day, -1)
        days.append(day)
    return sorted(days)


def run_cycles(engine: Engine, settings: Settings, days: list[date]) -> list[CycleReport]:
    """The daily cycle on each day, as if it had run at 08:00 that day;
    the digests land in the mail sink (or the configured SMTP server)."""
    reports = []
    for day in days:
        morning = datetime.combine(day, time(8, 0), tzinfo=settings.zone).astimezone(UTC)
        reports.append(asyncio.run(run_steps(engine, settings, day, now=morning)))
    return reports


def load_demo(engine: Engine, settings: Settings, today: date) -> DemoResult:
    """Create the schema and the demo territorios with their comunas, import
    the demo actas, record the demo facts, set
    three protocols and run the daily cycle over the last few business days
    (which builds and mails the packages due since the protocols began)."""
    init = init_database(engine)
    set_territories(engine)
    source = resources.files("demo").joinpath("actas_demo.csv")
    with resources.as_file(source) as path:
        imported = import_file(engine, path, actor=ACTOR)
    facts = record_facts(engine, settings, today)
    set_protocols(engine)
    cycles = run_cycles(engine, settings, simulated_days(today))
    return DemoResult(init, imported, facts, cycles, set_users(engine))
