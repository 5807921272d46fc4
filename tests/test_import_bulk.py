"""The importer's bulk insert stores every value exactly as SQLAlchemy's
own insert would (the SQLite fast path applies the dialect's processors):
timestamps, dates, booleans and NULLs read back the same, raw."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer.bulk import insert_rows, table_of
from models.commitments import Acta
from models.parties import Institution, Territory


def test_bulk_insert_stores_what_sqlalchemy_stores(engine: Engine) -> None:
    moment = datetime(2026, 11, 30, 18, 0, 1, 5, tzinfo=UTC)
    with Session(engine) as session:
        fast = {"name": "A", "name_key": "a", "rut": None, "created_at": moment}
        insert_rows(session, Institution, [fast])
        session.execute(
            insert(table_of(Institution)),
            [{"name": "B", "name_key": "b", "rut": None, "created_at": moment}],
        )
        region = session.execute(text("select min(id) from region")).scalar_one()
        territory = {"region_id": region, "name": "T", "name_key": "t", "created_at": moment}
        insert_rows(session, Territory, [territory])
        territory_id = session.scalar(select(Territory.id).where(Territory.name_key == "t"))
        actas = [
            {"region_id": region, "territory_id": territory_id, "kind": "acta",
             "instance": "Mesa", "instance_key": "mesa", "number": number,
             "held_on": date(2026, 3, 4), "created_at": moment}
            for number in ("1", "2")
        ]  # fmt: skip
        insert_rows(session, Acta, actas[:1])
        session.execute(insert(table_of(Acta)), actas[1:])
        raw = session.execute(
            text("select name_key, created_at from institution where name_key in ('a', 'b')")
        ).all()
        stored = {key: value for key, value in raw}
        assert stored["a"] == stored["b"]
        assert session.scalar(select(Institution.created_at).where(Institution.name_key == "a"))
        raw_actas = session.execute(
            text("select number, held_on, created_at from acta order by number")
        ).all()
        assert [tuple(r)[1:] for r in raw_actas if r[0] == "1"] == [
            tuple(r)[1:] for r in raw_actas if r[0] == "2"
        ]
        session.rollback()
