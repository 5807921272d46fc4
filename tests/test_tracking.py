"""Commitment changes with their history, status on a date, list filters."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models import Commitment, CommitmentEvent, Status, status_on
from models.calendar import calendar_for
from models.history import State
from tests.helpers import row, write_csv
from tracking.errors import InvalidChange, NotFound
from tracking.protocols import list_protocols, set_protocol
from tracking.queries import Filters, get_commitment, list_commitments
from tracking.updates import Change, Rules, apply_change, plan_change

AN = calendar_for("AN")
TODAY = date(2026, 11, 25)


def sample(**values: object) -> Commitment:
    base: dict[str, object] = {
        "acta_id": 1,
        "region_id": 2,
        "territory_id": 1,
        "institution_id": 1,
        "responsable_id": 1,
        "text": "x",
        "text_key": "k",
        "plazo_text": "2026-09-21",
        "original_plazo": date(2026, 9, 21),
        "plazo": date(2026, 9, 21),
        "due_date": date(2026, 9, 21),
    }
    base.update(values)
    return Commitment(**base)  # type: ignore[arg-type]


# --- status on a date (pure) -------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 1), Status.PENDIENTE),  # 15 business days before
        (date(2026, 9, 4), Status.POR_VENCER),  # 10 business days before (holidays 18-19)
        (date(2026, 9, 3), Status.PENDIENTE),  # 11 business days before
        (date(2026, 9, 21), Status.POR_VENCER),  # due today
        (date(2026, 9, 22), Status.VENCIDO),
    ],
)
def test_status_on_a_date(day: date, expected: Status) -> None:
    assert sample().status_on(day, AN) is expected


def test_fulfilment_counts_from_its_business_date() -> None:
    done = sample(status="cumplido", fulfilled_on=date(2026, 10, 5))
    assert done.status_on(date(2026, 10, 1), AN) is Status.VENCIDO
    assert done.status_on(date(2026, 10, 5), AN) is Status.CUMPLIDO
    cancelled = sample(status="cancelado", cancelled_on=date(2026, 8, 1))
    assert cancelled.status_on(date(2026, 7, 31), AN) is Status.PENDIENTE
    assert cancelled.status_on(date(2026, 8, 1), AN) is Status.CANCELADO


# --- planning a change (pure) ------------------------------------------------

ACTA = date(2026, 6, 15)
RULES = Rules(acta_date=ACTA, amount=15_000_000, calendar=AN)


def state(**values: object) -> State:
    """An open commitment due 21 September 2026, nothing executed."""
    base: dict[str, object] = {
        "status": "pendiente", "executed_amount": 0, "plazo": date(2026, 9, 21),
        "due_date": date(2026, 9, 21),
    }  # fmt: skip
    base.update(values)
    return State(**base)  # type: ignore[arg-type]


def test_plan_fulfilment_on_a_past_date() -> None:
    plan = plan_change(state(), Change(status="cumplido", on=date(2026, 10, 5)), TODAY, RULES)
    assert plan.status == "cumplido" and plan.fulfilled_on == date(2026, 10, 5)
    assert plan.state.verified_on == date(2026, 10, 5)  # recorded directly: verified
    assert [(e.field, e.old, e.new) for e in plan.entries] == [("status", "pendiente", "cumplido")]


def test_plan_new_due_date_keeps_the_reason_and_rolls_forward() -> None:
    change = Change(due_date=date(2026, 12, 8), reason="Resolución en trámite", on=TODAY)
    plan = plan_change(state(), change, TODAY, RULES)
    assert plan.plazo == date(2026, 12, 8)
    assert plan.due_date == date(2026, 12, 9)  # 8 December is a holiday
    assert plan.entries[0].reason == "Resolución en trámite"
    assert (plan.entries[0].old, plan.entries[0].new) == ("2026-09-21", "2026-12-08")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (Change(), "al menos un cambio"),
        (Change(status="vencido"), "se calcula"),
        (Change(status="terminado"), "no existe"),
        (Change(due_date=date(2026, 12, 1)), "--reason"),
        (Change(reason="porque sí"), "--reason"),
        (Change(note="x", on=TODAY + timedelta(days=1)), "posterior a hoy"),
        (Change(status="informado"), "lo registra el responsable"),
        (Change(note="x", on=date(2026, 1, 1)), "anterior al acta"),
        (Change(due_date=date(2026, 1, 1), reason="r"), "anterior al acta"),
        (Change(status="pendiente"), "Nada cambió"),
        (Change(executed_amount=-1), "negativo"),
    ],
)
def test_plan_refuses_invalid_changes(change: Change, message: str) -> None:
    with pytest.raises(InvalidChange, match=message):
        plan_change(state(), change, TODAY, RULES)


# --- against the database ----------------------------------------------------


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    rows = [
        row(compromiso="vencido", plazo="2026-11-02"),
        row(compromiso="por vencer", plazo="2026-12-04"),
        row(compromiso="pendiente", plazo="2027-03-01"),
        row(region="Atacama", territorio="Huasco", compromiso="atacama", plazo="2026-12-09"),
        row(institucion="SERCOTEC", institucion_rut="", compromiso="otra", plazo="2026-11-25"),
    ]
    import_file(engine, write_csv(tmp_path / "a.csv", rows), actor="prueba")
    return engine


def test_apply_change_records_who_when_old_new_and_the_business_date(loaded: Engine) -> None:
    with Session(loaded) as session:
        apply_change(
            session,
            1,
            Change(status="cumplido", executed_amount=15_000_000, on=date(2026, 11, 20)),
            "gerente@loa",
            TODAY,
        )
        session.commit()
    with Session(loaded) as session:
        view, history = get_commitment(session, 1, TODAY)
        events = session.scalars(
            select(CommitmentEvent).where(CommitmentEvent.commitment_id == 1)
        ).all()
    assert view.estado is Status.CUMPLIDO and view.cumplido_el == date(2026, 11, 20)
    assert view.monto_ejecutado == 15_000_000
    assert [(h.field, h.old_value, h.new_value) for h in history][1:] == [
        ("status", "pendiente", "cumplido"),
        ("executed_amount", "0", "15000000"),
    ]
    created = json.loads(history[0].new_value or "")
    assert (history[0].field, created["plazo"], created["monto"]) == (
        "created", "2026-11-02", 15_000_000,
    )  # fmt: skip
    assert [h.position for h in history] == [1, 2, 3]
    assert {e.actor for e in events[1:]} == {"gerente@loa"}
    assert {e.effective_on for e in events[1:]} == {date(2026, 11, 20)}
    assert all(e.recorded_at.tzinfo is not None for e in events)


def test_unknown_commitment(loaded: Engine) -> None:
    with Session(loaded) as session, pytest.raises(NotFound):
        apply_change(session, 999, Change(note="x"), "a", TODAY)


@pytest.mark.parametrize("status", [s.value for s in Status])
def test_status_filter_agrees_with_the_pure_rule(loaded: Engine, status: str) -> None:
    with Session(loaded) as session:
        apply_change(session, 5, Change(status="cancelado", on=TODAY), "a", TODAY)
        session.commit()
        everything = list_commitments(session, Filters(), TODAY)
        filtered = list_commitments(session, Filters(status=status), TODAY)
        stored = {c.id: c for c in session.scalars(select(Commitment))}
    expected = {v.id for v in everything if v.estado == status}
    assert {v.id for v in filtered} == expected
    for view in everything:
        commitment = stored[view.id]
        iso = "AN" if commitment.region_id == 2 else "AT"
        assert view.estado is status_on(
            stored=commitment.status,
            due_date=commitment.due_date,
            fulfilled_on=commitment.fulfilled_on,
            cancelled_on=commitment.cancelled_on,
            day=TODAY,
            calendar=calendar_for(iso),
        )


def test_list_filters(loaded: Engine) -> None:
    with Session(loaded) as session:
        by_region = list_commitments(session, Filters(region="III"), TODAY)
        by_territory = list_commitments(session, Filters(territory="loa emprende"), TODAY)
        by_institution = list_commitments(session, Filters(institution="sercotec"), TODAY)
        by_rut = list_commitments(session, Filters(institution="60109000-7"), TODAY)
        states = {v.compromiso: v.estado for v in list_commitments(session, Filters(), TODAY)}
        with pytest.raises(NotFound):
            list_commitments(session, Filters(territory="Atlántida"), TODAY)
    assert [v.compromiso for v in by_region] == ["atacama"]
    assert len(by_territory) == 4
    assert [v.compromiso for v in by_institution] == ["otra"]
    assert len(by_rut) == 4
    assert states == {
        "vencido": Status.VENCIDO,
        "otra": Status.POR_VENCER,
        "por vencer": Status.POR_VENCER,
        "atacama": Status.POR_VENCER,
        "pendiente": Status.PENDIENTE,
    }


def test_status_on_a_past_date_uses_business_dates(loaded: Engine) -> None:
    with Session(loaded) as session:
        apply_change(session, 1, Change(status="cumplido", on=date(2026, 11, 20)), "a", TODAY)
        session.commit()
        before = list_commitments(session, Filters(status="vencido"), date(2026, 11, 10))
        after = list_commitments(session, Filters(status="cumplido"), date(2026, 11, 20))
    assert [v.id for v in before] == [1]
    assert [v.id for v in after] == [1]


def test_protocols_are_replaced_not_duplicated(engine: Engine) -> None:
    with Session(engine) as session:
        set_protocol(
            session,
            region_text="Antofagasta",
            recipients=["gobernador@gore.cl.example", "Gobernador@GORE.cl.example"],
            every="quarter",
            since=date(2027, 1, 1),
            title=None,
        )
        session.commit()
        set_protocol(
            session,
            region_text="II",
            recipients=["core@gore.cl.example"],
            every="semester",
            since=date(2027, 1, 1),
            title="Consejo Regional de Antofagasta",
        )
        session.commit()
        views = list_protocols(session)
        with pytest.raises(InvalidChange, match="periodicidad"):
            set_protocol(
                session, region_text="2", recipients=["a@b.cl"], every="weekly",
                since=TODAY, title=None,
            )  # fmt: skip
        with pytest.raises(InvalidChange, match="correo"):
            set_protocol(
                session, region_text="2", recipients=["nadie"], every="month",
                since=TODAY, title=None,
            )  # fmt: skip
    assert len(views) == 1
    assert views[0].recipients == ["core@gore.cl.example"]
    assert views[0].every == "semester"
    assert views[0].recipient_title == "Consejo Regional de Antofagasta"


def test_default_protocol_title_names_the_region(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        change = set_protocol(
            session, region_text="Maule", recipients=["g@gore.cl"], every="month",
            since=TODAY, title=None,
        )  # fmt: skip
    assert change.version.recipient_title == "Gobernador(a) Regional de la Región del Maule"


def test_status_on_a_past_date_uses_the_due_date_then_in_force(loaded: Engine) -> None:
    """Commitment 1 was due 2 November; on 20 November a new date was agreed."""
    with Session(loaded) as session:
        apply_change(
            session,
            1,
            Change(due_date=date(2026, 12, 30), reason="Nueva resolución", on=date(2026, 11, 20)),
            "a",
            TODAY,
        )
        session.commit()
        on_10 = {v.id: v.estado for v in list_commitments(session, Filters(), date(2026, 11, 10))}
        overdue_10 = list_commitments(session, Filters(status="vencido"), date(2026, 11, 10))
        on_25 = {v.id: v.estado for v in list_commitments(session, Filters(), TODAY)}
        overdue_25 = list_commitments(session, Filters(status="vencido"), TODAY)
        view, _ = get_commitment(session, 1, date(2026, 11, 10))
        with pytest.raises(InvalidChange, match="acordó el 20 de noviembre"):
            apply_change(
                session,
                1,
                Change(due_date=date(2027, 1, 5), reason="r", on=date(2026, 11, 19)),
                "a",
                TODAY,
            )
    assert on_10[1] is Status.VENCIDO and [v.id for v in overdue_10] == [1]
    assert on_25[1] is Status.PENDIENTE and overdue_25 == []
    # Every field is the state on 10 November: the due date then in force.
    assert view.estado is Status.VENCIDO and view.vencimiento == date(2026, 11, 2)


@pytest.mark.parametrize("day", [date(2026, 11, 10), TODAY, date(2027, 3, 2)])
def test_status_totals_agree_with_the_list(loaded: Engine, day: date) -> None:
    from tracking.totals import status_totals

    with Session(loaded) as session:
        apply_change(session, 1, Change(due_date=date(2026, 12, 30), reason="r",
                                        on=date(2026, 11, 20)), "a", TODAY)  # fmt: skip
        apply_change(session, 2, Change(status="cumplido", executed_amount=5,
                                        on=date(2026, 11, 24)), "a", TODAY)  # fmt: skip
        session.commit()
        views = list_commitments(session, Filters(), day)
        totals = status_totals(session, Filters(), day)
        scoped = status_totals(session, Filters(region="III"), day)
    expected: dict[tuple[str, str], list[int]] = {}
    for view in views:
        line = expected.setdefault((view.territorio, view.estado.value), [0, 0, 0])
        line[0] += 1
        line[1] += view.monto or 0
        line[2] += view.monto_ejecutado
    got = {(t.territory, t.status.value): [t.commitments, t.committed, t.executed] for t in totals}
    assert got == expected
    assert {t.territory for t in scoped} == {"Huasco"}


def test_fast_commitment_tokens_are_the_serializers_own() -> None:
    from tracking.links import _timed, commitment_token, read_commitment_token

    secret = "clave-de-prueba-" * 3
    for commitment_id in (1, 42, 2**31 - 1):
        token = commitment_token(secret, commitment_id)
        assert read_commitment_token(secret, token) == commitment_id
        expected = _timed(secret).dumps({"c": commitment_id})
        assert token.split(".")[0] == expected.split(".")[0]
        assert _timed(secret).loads(token) == {"c": commitment_id}
