"""The record's pure rules: the state on any date replayed from the
history, the hash chain, what a gerente and a responsable may record, and
the reminders of reports waiting for verification."""

from __future__ import annotations

from datetime import date

import pytest

from models.calendar import calendar_for
from models.chain import GENESIS, Link, canonical, link_hash, verify_chain
from models.history import Fact, Interval, State, initial_state, replay, state_on
from planning.policy import Contacts, DueCommitment, Person, Returned, plan_day, verification_stage
from tracking.errors import Closed, InvalidChange
from tracking.updates import Change, Report, Rules, plan_change, plan_decision, plan_report

AN = calendar_for("AN")
ACTA = date(2026, 6, 15)
TODAY = date(2026, 11, 25)
RULES = Rules(acta_date=ACTA, amount=10_000_000, calendar=AN)


def fact(on: date, position: int, field: str, new: str | None, actor: str = "g") -> Fact:
    return Fact(on, position, field, new, actor)


# --- replay ----------------------------------------------------------------


def test_replay_gives_the_state_on_every_date() -> None:
    start = initial_state(date(2026, 9, 19), AN)  # a Saturday: due Monday 21
    assert start.due_date == date(2026, 9, 21)
    facts = [
        fact(date(2026, 7, 10), 2, "executed_amount", "5000000"),
        fact(date(2026, 8, 5), 3, "plazo", "2026-10-30"),
        fact(date(2026, 10, 20), 5, "status", "cumplido", actor="gerente@loa"),
        # Recorded later, dated earlier: business dates decide the order.
        fact(date(2026, 9, 1), 4, "executed_amount", "12000000"),
        fact(date(2026, 9, 1), 6, "note", "sin efecto en el estado"),
    ]
    intervals = replay(start, ACTA, facts, AN)
    assert [i.valid_from for i in intervals] == [
        ACTA, date(2026, 7, 10), date(2026, 8, 5), date(2026, 9, 1), date(2026, 10, 20)
    ]  # fmt: skip
    assert [i.valid_to for i in intervals][-1] is None
    assert state_on(intervals, date(2026, 6, 14)) is None  # before the acta
    july = state_on(intervals, date(2026, 7, 31))
    assert july is not None and (july.executed_amount, july.due_date) == (
        5_000_000,
        date(2026, 9, 21),
    )
    august = state_on(intervals, date(2026, 8, 5))
    assert august is not None and august.plazo == date(2026, 10, 30)
    done = state_on(intervals, date(2026, 12, 1))
    assert done == State(
        status="cumplido", executed_amount=12_000_000, plazo=date(2026, 10, 30),
        due_date=date(2026, 10, 30), fulfilled_on=date(2026, 10, 20),
        verified_on=date(2026, 10, 20), verified_by="gerente@loa",
    )  # fmt: skip


def test_a_verified_report_keeps_the_reported_date_and_a_reopening_clears_it() -> None:
    start = initial_state(date(2026, 9, 21), AN)
    facts = [
        fact(date(2026, 9, 18), 2, "status", "informado", actor="enlace: r@fosis.cl"),
        fact(date(2026, 10, 2), 3, "status", "cumplido", actor="gerente@loa"),
        fact(date(2026, 11, 3), 4, "status", "pendiente", actor="admin@cumple.cl"),
    ]
    intervals = replay(start, ACTA, facts, AN)
    reported = state_on(intervals, date(2026, 9, 30))
    assert reported is not None and reported.status == "informado"
    assert reported.reported_on == date(2026, 9, 18) and reported.fulfilled_on is None
    verified = state_on(intervals, date(2026, 10, 2))
    assert verified is not None and verified.status == "cumplido"
    assert (verified.fulfilled_on, verified.verified_on, verified.verified_by) == (
        date(2026, 9, 18), date(2026, 10, 2), "gerente@loa",
    )  # fmt: skip
    reopened = state_on(intervals, date(2026, 11, 3))
    assert reopened == State("pendiente", 0, date(2026, 9, 21), date(2026, 9, 21))


def test_facts_of_one_date_collapse_into_one_interval() -> None:
    start = initial_state(date(2026, 9, 21), AN)
    day = date(2026, 8, 1)
    intervals = replay(
        start, ACTA,
        [fact(day, 2, "executed_amount", "1"), fact(day, 3, "executed_amount", "2")], AN,
    )  # fmt: skip
    assert intervals == [
        Interval(ACTA, day, start),
        Interval(day, None, State("pendiente", 2, date(2026, 9, 21), date(2026, 9, 21))),
    ]


# --- the chain -------------------------------------------------------------


def test_the_canonical_form_is_pinned() -> None:
    """The chain is a record: its canonical form must never drift."""
    content = {"b": "ñ", "a": date(2026, 9, 21), "c": None}
    assert canonical(content) == '{"a":"2026-09-21","b":"ñ","c":null}'.encode()
    # sha256 of {"a":"2026-09-21","anterior":"000…0","b":"ñ","c":null}
    assert link_hash(GENESIS, content) == (
        "2baf8e3b822af49accc1a5ddaa6d8dd1cf0bf55f72f68114d931145011c64d54"
    )


def test_verify_chain_finds_every_kind_of_edit() -> None:
    contents = [{"n": i} for i in range(4)]
    links, previous = [], GENESIS
    for position, content in enumerate(contents, start=1):
        digest = link_hash(previous, content)
        links.append(Link(position, content, previous, digest))
        previous = digest
    assert verify_chain(links) == []
    edited = [*links[:1], Link(2, {"n": 99}, links[1].previous, links[1].digest), *links[2:]]
    assert [b.position for b in verify_chain(edited)] == [2]
    assert [(b.position, b.message) for b in verify_chain(edited)] == [
        (2, "la entrada 2 fue modificada")
    ]
    removed = [links[0], *links[2:]]
    assert [(b.position, b.message) for b in verify_chain(removed)] == [
        (3, "falta la entrada 2 (sigue la 3)"),
        (3, "la entrada 3 no sigue a la anterior"),
    ]
    swapped = [links[1], links[0], *links[2:]]
    assert [(b.position, b.message) for b in verify_chain(swapped)] == [
        (2, "falta la entrada 1 (sigue la 2)"),
        (2, "la entrada 2 no sigue a la anterior"),
        (1, "falta la entrada 3 (sigue la 1)"),
        (1, "la entrada 1 no sigue a la anterior"),
        (3, "falta la entrada 2 (sigue la 3)"),
        (3, "la entrada 3 no sigue a la anterior"),
    ]


# --- what may be recorded --------------------------------------------------


def open_state(**values: object) -> State:
    base: dict[str, object] = {
        "status": "pendiente", "executed_amount": 0, "plazo": date(2026, 9, 21),
        "due_date": date(2026, 9, 21),
    }  # fmt: skip
    base.update(values)
    return State(**base)  # type: ignore[arg-type]


FULFILLED = open_state(
    status="cumplido", fulfilled_on=date(2026, 9, 18), verified_on=date(2026, 9, 18)
)
REPORTED = open_state(status="informado", reported_on=date(2026, 9, 18))


@pytest.mark.parametrize(
    "change",
    [
        Change(status="pendiente", reason="error"),
        Change(executed_amount=5),
        Change(due_date=date(2026, 12, 1), reason="r"),
        Change(status="cancelado"),
    ],
)
def test_closed_is_closed(change: Change) -> None:
    with pytest.raises(Closed, match="reábralo"):
        plan_change(FULFILLED, change, TODAY, RULES)
    # A note is still welcome on a closed commitment.
    assert plan_change(FULFILLED, Change(note="archivado"), TODAY, RULES).entries


def test_a_gerente_verifies_returns_and_reopens() -> None:
    verified = plan_decision(REPORTED, "verify", None, TODAY, AN)
    assert (verified.state.status, verified.state.fulfilled_on, verified.state.verified_on) == (
        "cumplido", date(2026, 9, 18), TODAY,
    )  # fmt: skip
    returned = plan_decision(REPORTED, "return", " Falta  la firma ", TODAY, AN)
    assert returned.state.status == "pendiente" and returned.entries[0].reason == "Falta la firma"
    reopened = plan_decision(FULFILLED, "reopen", "Pago duplicado", TODAY, AN)
    assert reopened.state == open_state()
    for state, decision, reason, message in (
        (open_state(), "verify", None, "Solo se verifica"),
        (FULFILLED, "return", "x", "Solo se devuelve"),
        (REPORTED, "return", None, "motivo de la devolución"),
        (REPORTED, "reopen", "x", "Solo se reabre"),
        (FULFILLED, "reopen", "  ", "motivo de la reapertura"),
    ):
        with pytest.raises(InvalidChange, match=message):
            plan_decision(state, decision, reason, TODAY, AN)


def test_a_direct_fulfilment_of_a_report_is_its_verification() -> None:
    plan = plan_change(REPORTED, Change(status="cumplido"), TODAY, RULES)
    assert plan.state.fulfilled_on == date(2026, 9, 18) and plan.state.verified_on == TODAY
    with pytest.raises(InvalidChange, match="motivo"):
        plan_change(REPORTED, Change(status="pendiente"), TODAY, RULES)


@pytest.mark.parametrize(
    ("amount", "executed", "reason", "outcome"),
    [
        (10_000_000, 10_000_000, None, "ok"),
        (10_000_000, 10_000_001, None, "sobre-ejecución"),
        (10_000_000, 10_000_001, "Reajuste del convenio", "ok"),
        (10_000_000, 1_000_000_000, "x", "ok"),
        (10_000_000, 1_000_000_001, "x", "supera 100 veces"),
        (None, 1_000_000_000_000, None, "ok"),
        (None, 1_000_000_000_001, None, "sin monto comprometido"),
        (0, 1_000_000_000_001, None, "sin monto comprometido"),
    ],
)
def test_executed_amounts_above_the_committed_one(
    amount: int | None, executed: int, reason: str | None, outcome: str
) -> None:
    rules = Rules(acta_date=ACTA, amount=amount, calendar=AN)
    change = Change(executed_amount=executed, reason=reason)
    if outcome == "ok":
        plan = plan_change(open_state(), change, TODAY, rules)
        assert plan.state.executed_amount == executed
        over = amount is not None and executed > amount
        assert plan.entries[0].reason == (reason if over else None)
    else:
        with pytest.raises(InvalidChange, match=outcome):
            plan_change(open_state(), change, TODAY, rules)


def test_facts_of_a_field_are_recorded_in_date_order() -> None:
    rules = Rules(
        acta_date=ACTA, amount=None, calendar=AN,
        latest={"executed_amount": date(2026, 10, 1), "status": date(2026, 9, 1)},
    )  # fmt: skip
    with pytest.raises(InvalidChange, match="monto ejecutado tiene fecha 1 de octubre"):
        plan_change(open_state(), Change(executed_amount=5, on=date(2026, 9, 30)), TODAY, rules)
    assert plan_change(open_state(), Change(executed_amount=5, on=date(2026, 10, 1)), TODAY, rules)
    with pytest.raises(InvalidChange, match="estado tiene fecha"):
        plan_change(open_state(), Change(status="cancelado", on=date(2026, 8, 31)), TODAY, rules)


def test_a_fact_inside_a_sent_period_is_a_rectification() -> None:
    def closed(day: date) -> str | None:
        return "2026-Q3" if date(2026, 7, 1) <= day <= date(2026, 9, 30) else None

    rules = Rules(acta_date=ACTA, amount=None, calendar=AN, closed=closed)
    with pytest.raises(InvalidChange, match=r"2026-Q3.*rectificación"):
        plan_change(open_state(), Change(executed_amount=5, on=date(2026, 9, 30)), TODAY, rules)
    plan = plan_change(
        open_state(), Change(executed_amount=5, reason="Pago omitido", on=date(2026, 9, 30),
                             note="nota"), TODAY, rules,
    )  # fmt: skip
    assert [(e.field, e.rectifies, e.reason) for e in plan.entries] == [
        ("executed_amount", "2026-Q3", "Pago omitido"), ("note", None, None)
    ]  # fmt: skip
    # Outside the sent period nothing is asked.
    assert plan_change(open_state(), Change(executed_amount=5, on=date(2026, 10, 1)), TODAY, rules)


def test_what_a_responsable_may_report() -> None:
    report = Report(fulfilled=True, executed_amount=9_000_000, note="Transferido", evidence=1,
                    on=date(2026, 9, 18))  # fmt: skip
    plan = plan_report(open_state(), report, TODAY, RULES)
    assert plan.state.status == "informado" and plan.state.reported_on == date(2026, 9, 18)
    assert plan.state.fulfilled_on is None  # not fulfilled before it is verified
    with pytest.raises(InvalidChange, match="medio de verificación"):
        plan_report(open_state(), Report(fulfilled=True), TODAY, RULES)
    with pytest.raises(Closed, match="ya está cumplido"):
        plan_report(FULFILLED, Report(evidence=1), TODAY, RULES)
    with pytest.raises(Closed, match="solo puede agregar evidencia"):
        plan_report(REPORTED, Report(executed_amount=1), TODAY, RULES)
    assert plan_report(REPORTED, Report(evidence=2), TODAY, RULES).entries == []
    with pytest.raises(InvalidChange, match="motivo de la sobre-ejecución"):
        plan_report(open_state(), Report(executed_amount=10_000_001), TODAY, RULES)


# --- reminders of reports waiting for verification --------------------------


def test_verification_stages_come_every_five_business_days() -> None:
    reported = date(2026, 9, 14)  # Monday; 18 and 19 September are holidays
    assert verification_stage(reported, reported, AN) is None
    first = verification_stage(reported, date(2026, 9, 15), AN)
    assert first is not None and (first.offset, first.on) == (1, date(2026, 9, 15))
    later = verification_stage(reported, date(2026, 9, 23), AN)
    assert later is not None and (later.offset, later.on) == (6, date(2026, 9, 23))
    same = verification_stage(reported, date(2026, 9, 29), AN)
    assert same is not None and same.offset == 6
    next_one = verification_stage(reported, date(2026, 9, 30), AN)
    assert next_one is not None and (next_one.offset, next_one.on) == (11, date(2026, 9, 30))


def due(**values: object) -> DueCommitment:
    base: dict[str, object] = {
        "id": 1, "region_id": 2, "region_iso": "AN", "territory_id": 10, "territory": "Loa",
        "institution_id": 20, "institution": "FOSIS", "responsable_id": 30,
        "text": "Transferir", "amount": 15_000_000, "plazo": date(2026, 9, 21),
        "due_date": date(2026, 9, 21), "acta_date": ACTA, "acta_label": "Acta N° 12",
    }  # fmt: skip
    base.update(values)
    return DueCommitment(**base)  # type: ignore[arg-type]


CONTACTS = Contacts(
    responsables={30: Person("r@fosis.cl", "Marcela")},
    gerentes={10: [Person("g@loa.cl", None)]},
    directors={(20, 2): [Person("d@fosis.cl", None)]},
)


def link(commitment_id: int, audience: object) -> str:
    return f"/x/{commitment_id}/{audience}"


def test_a_report_goes_to_the_gerente_and_not_to_the_responsable() -> None:
    reported = due(status="informado", reported_on=date(2026, 9, 22))
    day = date(2026, 9, 23)
    plan = plan_day(day, [reported], set(), CONTACTS, link)
    assert [d.recipient for d in plan.digests] == ["g@loa.cl"]
    (entry,) = plan.digests[0].entries
    assert entry.to_verify and entry.reported_on == date(2026, 9, 22)
    assert plan.next_stage_on[1] == date(2026, 9, 30)  # five business days on
    sent = {(1, "verificacion", date(2026, 9, 22), 1)}
    assert plan_day(day, [reported], sent, CONTACTS, link).digests == []


def test_a_return_is_announced_to_the_responsable_once() -> None:
    returned = due(
        due_date=date(2026, 12, 30), plazo=date(2026, 12, 30),
        returned=Returned(date(2026, 9, 22), "Falta la resolución", 4),
    )  # fmt: skip
    same_day = plan_day(date(2026, 9, 22), [returned], set(), CONTACTS, link)
    assert same_day.digests == [] and same_day.next_stage_on[1] == date(2026, 9, 23)
    plan = plan_day(date(2026, 9, 23), [returned], set(), CONTACTS, link)
    assert [d.recipient for d in plan.digests] == ["r@fosis.cl"]
    assert plan.digests[0].entries[0].returned_reason == "Falta la resolución"
    sent = {(1, "devolucion", date(2026, 9, 22), 4)}
    assert plan_day(date(2026, 9, 24), [returned], sent, CONTACTS, link).digests == []


def test_one_line_per_commitment_when_a_return_meets_a_deadline_stage() -> None:
    returned = due(returned=Returned(date(2026, 9, 22), "Falta", 4))
    plan = plan_day(date(2026, 9, 29), [returned], set(), CONTACTS, link)  # E+5
    by_person = {d.recipient: d.entries for d in plan.digests}
    assert set(by_person) == {"r@fosis.cl", "g@loa.cl"}
    assert [e.commitment_id for e in by_person["r@fosis.cl"]] == [1]
    assert by_person["r@fosis.cl"][0].returned_reason == "Falta"
    assert len(by_person["r@fosis.cl"][0].keys) == 2
    assert {(r.kind, r.stage.offset) for r in plan.reminders} == {("plazo", 5), ("devolucion", 4)}


def test_a_cancellation_reopened_and_a_fact_that_changes_nothing() -> None:
    from models.history import state_rows

    start = initial_state(date(2026, 9, 21), AN)
    facts = [
        fact(date(2026, 7, 1), 2, "executed_amount", "0"),  # no change: the replay goes on
        fact(date(2026, 8, 20), 3, "status", "cancelado"),
        fact(date(2026, 9, 1), 4, "status", "pendiente"),
        fact(date(2026, 9, 2), 5, "executed_amount", "700"),
    ]
    intervals = replay(start, ACTA, facts, AN)
    assert [(i.valid_from, i.valid_to, i.state.status, i.state.cancelled_on,
             i.state.executed_amount) for i in intervals] == [
        (ACTA, date(2026, 8, 20), "pendiente", None, 0),
        (date(2026, 8, 20), date(2026, 9, 1), "cancelado", date(2026, 8, 20), 0),
        (date(2026, 9, 1), date(2026, 9, 2), "pendiente", None, 0),
        (date(2026, 9, 2), None, "pendiente", None, 700),
    ]  # fmt: skip
    report = [
        fact(date(2026, 9, 18), 2, "status", "informado"),
        fact(date(2026, 10, 2), 3, "status", "cumplido"),
    ]
    reported = replay(start, ACTA, report, AN)
    done = reported[-1].state
    assert (done.reported_on, done.fulfilled_on, done.verified_on) == (
        date(2026, 9, 18),
        date(2026, 9, 18),
        date(2026, 10, 2),
    )
    assert state_rows(7, reported[-1:]) == [
        {"commitment_id": 7, "valid_from": date(2026, 10, 2), "valid_to": None,
         "status": "cumplido", "executed_amount": 0, "plazo": date(2026, 9, 21),
         "due_date": date(2026, 9, 21), "fulfilled_on": date(2026, 9, 18),
         "cancelled_on": None, "reported_on": date(2026, 9, 18),
         "verified_on": date(2026, 10, 2), "verified_by": "g"},
    ]  # fmt: skip
    cancelled = replay(start, ACTA, [fact(date(2026, 8, 20), 2, "status", "cancelado")], AN)
    assert state_rows(8, cancelled)[1]["cancelled_on"] == date(2026, 8, 20)


def test_instants_in_the_chain_are_utc_wherever_the_server_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time
    from datetime import datetime
    from zoneinfo import ZoneInfo

    monkeypatch.setenv("TZ", "America/Santiago")
    time.tzset()
    try:
        local = datetime(2026, 9, 21, 9, 0, tzinfo=ZoneInfo("America/Santiago"))
        assert canonical({"t": local}) == b'{"t":"2026-09-21T12:00:00.000000+00:00"}'
        with pytest.raises(ValueError, match=r"^instants in the chain are aware$"):
            canonical({"t": datetime(2026, 9, 21, 9, 0)})
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
