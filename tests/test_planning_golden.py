"""Planning's output pinned to a golden file: four months of daily plans
over a small fixed dataset (deadline stages, escalations, reports waiting
for verification, a returned report, a new due date, a cancellation) must
give the same outbox, message by message: recipient, subject, Message-ID
and the SHA-256 of both bodies. The golden file was written by the planner
as it was before its rewrite for speed; regenerate it only for an intended
change of the messages (``python -m tests.test_planning_golden``)."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import Settings, load_settings
from importer import import_file
from models import Commitment, OutboxMessage
from models.reminders import Reminder
from planning.cycle import plan_cycle
from tests.helpers import row, write_csv
from tracking.evidence import report_progress
from tracking.links import read_commitment_token
from tracking.person_links import read_person_token
from tracking.updates import Change, Report, apply_change, decide

GOLDEN = Path(__file__).parent / "golden" / "planning_outbox.json"
FIRST, LAST = date(2026, 8, 3), date(2026, 11, 30)
SECRET = "clave-de-prueba-para-enlaces"
TOKEN = re.compile(r"/([cp])/([A-Za-z0-9_.\-]+)")

PEOPLE = [
    ("Marcela Jara", "marcela.jara@fosis.cl.example"),
    ("Íñigo Muñoz", "inigo.munoz@sence.cl.example"),
    ("", "sin.nombre@indap.cl.example"),
    ("Ana Pérez", "ana.perez@corfo.cl.example"),
]
PLACES = [
    ("Antofagasta", "Loa Emprende", "gerente.loa@cumple.example"),
    ("Ñuble", "Valle del Itata", "gerente.itata@cumple.example"),
]
DIRECTORS = ["director@fosis.cl.example", "", "directora@sence.cl.example"]


def dataset() -> list[dict[str, object]]:
    """Thirty commitments, their facts spread by index (deterministic)."""
    rows = []
    for i in range(30):
        name, email = PEOPLE[i % len(PEOPLE)]
        region, territory, gerente = PLACES[i % 3 == 2]
        held = date(2026, 6, 1) + timedelta(days=7 * (i % 9))
        plazo = (
            f"{10 + i % 4 * 5} días hábiles"
            if i % 5 == 4
            else (date(2026, 8, 10) + timedelta(days=4 * i)).isoformat()
        )
        rows.append(
            row(
                region=region, territorio=territory, acta_fecha=held.isoformat(),
                acta_numero=str(10 + i % 6), responsable=name, responsable_email=email,
                institucion_director_email=DIRECTORS[i % 3],
                territorio_gerente_email=gerente if i % 7 else "",
                compromiso=f"C{i:02d} compromiso número {i} de la mesa «{territory}»",
                monto=f"${(i + 1) * 750_000:,}".replace(",", ".") if i % 2 else "",
                plazo=plazo, institucion_rut="60.109.000-7" if i % 4 else "",
            )
        )  # fmt: skip
    return rows


def _ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {c.text.split()[0]: c.id for c in session.scalars(select(Commitment))}


def _events(engine: Engine, ids: dict[str, int], day: date) -> None:
    """What happens on ``day`` besides planning."""
    with Session(engine) as session:
        if day == date(2026, 9, 1):
            report_progress(session, ids["C03"], Report(fulfilled=True), [], ["OC 1"], "r", day)
            report_progress(session, ids["C07"], Report(fulfilled=True), [], ["OC 2"], "r", day)
        elif day == date(2026, 9, 15):
            decide(session, ids["C03"], "return", "gerente", day, reason="Falta la resolución")
        elif day == date(2026, 9, 21):
            apply_change(
                session, ids["C10"], Change(due_date=date(2026, 11, 16), reason="Nueva"), "g", day
            )
        elif day == date(2026, 10, 5):
            apply_change(
                session, ids["C12"], Change(status="cancelado", reason="Sin local"), "g", day
            )
        else:
            return
        session.commit()


def plan_days(engine: Engine, settings: Settings) -> list[dict[str, object]]:
    """Plan every day from ``FIRST`` to ``LAST`` (twice each: the second
    plan must add nothing) and return the outbox as compact records."""
    import_file(engine, write_csv(Path(settings.data_dir) / "actas.csv", dataset()), actor="t")
    ids = _ids(engine)
    day = FIRST
    while day <= LAST:
        _events(engine, ids, day)
        now = datetime(day.year, day.month, day.day, 11, tzinfo=UTC)
        plan_cycle(engine, settings, day, now)
        with engine.connect() as connection:
            before = connection.execute(select(func.count()).select_from(Reminder)).scalar_one()
        again = plan_cycle(engine, settings, day, now)
        assert (again.reminders, again.messages) == (0, 0), day
        with engine.connect() as connection:
            after = connection.execute(select(func.count()).select_from(Reminder)).scalar_one()
        assert after == before, day
        day += timedelta(days=1)
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(select(outbox).order_by(outbox.c.cycle_date, outbox.c.key)).all()
    return [
        {
            "day": r.cycle_date.isoformat(),
            "to": r.recipient,
            "name": r.recipient_name,
            "subject": r.subject,
            "message_id": r.message_id,
            "text": _sha(r.body_text),
            "html": _sha(r.body_html),
        }
        for r in rows
    ]


def _unsigned(body: str) -> str:
    """``body`` with each signed link's token replaced by what it carries
    (a token holds the instant it was signed; the link must still verify)."""

    def plain(match: re.Match[str]) -> str:
        kind, token = match.groups()
        if kind == "c":
            return f"/c/<{read_commitment_token(SECRET, token)}>"
        return f"/p/<{read_person_token(SECRET, token)}>"

    return TOKEN.sub(plain, body)


def _sha(body: str) -> str:
    return hashlib.sha256(_unsigned(body).encode()).hexdigest()[:32]


def golden_settings(folder: Path, database_url: str) -> Settings:
    return load_settings(
        database_url=database_url, data_dir=folder, base_url="http://cumple.test",
        secret_key=SECRET, mail_from="Cumple <avisos@cumple.example>",
    )  # fmt: skip


def test_planning_matches_golden(engine: Engine, database_url: str, tmp_path: Path) -> None:
    records = plan_days(engine, golden_settings(tmp_path, database_url))
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(records) == len(golden)
    for got, want in zip(records, golden, strict=True):
        assert got == want


def main() -> None:
    """Write the golden file from a fresh SQLite database."""
    import tempfile

    from models.db import make_engine
    from models.schema import init_database

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/golden.sqlite"
        engine = make_engine(url)
        init_database(engine)
        records = plan_days(engine, golden_settings(Path(folder), url))
        engine.dispose()
    GOLDEN.parent.mkdir(exist_ok=True)
    lines = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    GOLDEN.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    print(f"{len(records)} mensajes → {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
