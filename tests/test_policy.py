"""The daily plan (``planning.policy.plan_day``) on one day, digest by
digest and line by line, against what the contract says, worked out by hand
for Antofagasta around 5 October 2026 (12 October is a holiday)."""

from __future__ import annotations

from datetime import date

from models.stages import Audience
from planning.policy import Contacts, DueCommitment, Person, plan_day

DAY = date(2026, 10, 5)  # a Monday
R1 = Person("r1@fosis.cl", "Rosa")
R2 = Person("r2@sercotec.cl", None)
G1 = Person("g1@loa.cl", "Gerente Loa")
D1 = Person("d1@fosis.cl", None)


def due(number: int, due_date: date, **values: object) -> DueCommitment:
    base: dict[str, object] = {
        "id": number, "region_id": 2, "region_iso": "AN", "territory_id": 10,
        "territory": "Loa Emprende", "institution_id": 20, "institution": "FOSIS",
        "responsable_id": 30, "text": f"Compromiso {number}", "amount": 1_000_000 * number,
        "plazo": due_date, "due_date": due_date, "acta_date": date(2026, 6, 15),
        "acta_label": "Acta N° 12",
    }  # fmt: skip
    base.update(values)
    return DueCommitment(**base)  # type: ignore[arg-type]


def link(commitment_id: int, audience: object) -> str:
    return f"/enlace/{commitment_id}/{audience}"


COMMITMENTS = [
    due(1, date(2026, 9, 21)),  # E+10 today: responsable, gerentes, director
    due(2, date(2026, 10, 19)),  # 9 days ahead: the E-10 stage (2 October) not sent yet
    due(3, DAY),  # due today
    due(4, date(2026, 9, 21), responsable_id=31),  # E+10 already sent
    due(5, date(2026, 10, 16), acta_date=DAY, responsable_id=31),  # its E-10 predates the acta
]
# The responsable of 1-3 is also one of the territory's gerentes: one line
# per commitment, whatever the roles.
CONTACTS = Contacts(
    responsables={30: R1, 31: R2},
    gerentes={10: [G1, Person(R1.email, "Rosa (gerente)")]},
    directors={(20, 2): [D1]},
)
SENT = {(4, "plazo", date(2026, 9, 21), 10)}


def _lines(plan: object) -> dict[str, list[tuple[object, ...]]]:
    return {
        digest.recipient: [
            (e.commitment_id, e.role, e.stage, e.distance, e.link, e.amount, e.keys)
            for e in digest.entries
        ]
        for digest in plan.digests  # type: ignore[attr-defined]
    }


def test_the_digests_of_the_day_line_by_line() -> None:
    plan = plan_day(DAY, COMMITMENTS, SENT, CONTACTS, link)
    e1 = ("plazo", date(2026, 9, 21), 10)
    assert _lines(plan) == {
        "d1@fosis.cl": [
            (1, "director(a) regional de la institución", 10, "vencido hace 10 días hábiles",
             "/enlace/1/director", 1_000_000, (e1,)),
        ],
        "g1@loa.cl": [
            (1, "gerente del territorio", 10, "vencido hace 10 días hábiles",
             "/enlace/1/gerente", 1_000_000, (e1,)),
        ],
        "r1@fosis.cl": [
            (1, "responsable", 10, "vencido hace 10 días hábiles", "/enlace/1/responsable",
             1_000_000, (e1,)),
            (3, "responsable", 0, "vence hoy", "/enlace/3/responsable", 3_000_000,
             (("plazo", DAY, 0),)),
            (2, "responsable", -9, "vence en 9 días hábiles", "/enlace/2/responsable",
             2_000_000, (("plazo", date(2026, 10, 19), -10),)),
        ],
    }  # fmt: skip
    assert [d.recipient_name for d in plan.digests] == [None, "Gerente Loa", "Rosa"]
    assert sorted((r.commitment_id, r.stage.offset, r.stage.on) for r in plan.reminders) == [
        (1, 10, date(2026, 10, 5)), (2, -10, date(2026, 10, 2)), (3, 0, date(2026, 10, 5)),
    ]  # fmt: skip
    assert plan.next_stage_on == {
        1: date(2026, 10, 13),  # E+15: 22 September … 13 October (12 is a holiday)
        2: date(2026, 10, 9),  # E-5
        3: date(2026, 10, 13),  # E+5
        4: date(2026, 10, 13),  # sent already: on to E+15
        5: date(2026, 10, 8),  # the first stage not before the acta: E-5
    }
    by_person = {d.recipient: d for d in plan.digests}
    assert by_person["r1@fosis.cl"].audiences == {
        1: Audience.RESPONSABLE,
        3: Audience.RESPONSABLE,
        2: Audience.RESPONSABLE,
    }
    assert by_person["g1@loa.cl"].audiences == {1: Audience.GERENTE}
    assert by_person["d1@fosis.cl"].audiences == {1: Audience.DIRECTOR}
    assert [e.overdue for e in by_person["r1@fosis.cl"].entries] == [True, False, False]
    assert [e.today for e in by_person["r1@fosis.cl"].entries] == [False, True, False]


def test_planning_twice_gives_the_same_messages() -> None:
    first = plan_day(DAY, COMMITMENTS, SENT, CONTACTS, link)
    again = plan_day(DAY, COMMITMENTS, SENT, CONTACTS, link)
    assert [d.key_suffix for d in first.digests] == [d.key_suffix for d in again.digests]
    # The key follows the content: the gerente's and the director's digests
    # carry the same line, the responsable's another.
    suffixes = [d.key_suffix for d in first.digests]
    assert suffixes[0] == suffixes[1] != suffixes[2]
    sent_all = SENT | {(r.commitment_id, r.kind, r.due_date, r.stage.offset)
                       for r in first.reminders}  # fmt: skip
    assert plan_day(DAY, COMMITMENTS, sent_all, CONTACTS, link).digests == []
    # The next day brings nothing new: every latest stage was sent.
    assert plan_day(date(2026, 10, 6), COMMITMENTS, sent_all, CONTACTS, link).digests == []
    # Unsent, the same stage goes out the next day (a missed cycle).
    missed = plan_day(date(2026, 10, 6), COMMITMENTS, SENT, CONTACTS, link)
    assert [e.commitment_id for e in missed.digests[-1].entries] == [1, 3, 2]


def test_nothing_on_a_day_that_is_not_a_business_day_of_the_region() -> None:
    arica = due(7, date(2027, 6, 7), region_iso="AP", region_id=15)  # 7 June: Arica's own holiday
    santiago = due(8, date(2027, 6, 7), region_iso="RM", region_id=13)
    plan = plan_day(date(2027, 6, 7), [arica, santiago], set(), CONTACTS, link)
    assert _lines(plan) == {
        "r1@fosis.cl": [(8, "responsable", 0, "vence hoy", "/enlace/8/responsable", 8_000_000,
                         (("plazo", date(2027, 6, 7), 0),))]
    }  # fmt: skip
    assert 7 not in plan.next_stage_on and plan.next_stage_on[8] == date(2027, 6, 14)


def test_nobody_hears_when_nobody_is_registered() -> None:
    alone = Contacts(responsables={}, gerentes={}, directors={})
    plan = plan_day(DAY, [COMMITMENTS[0]], set(), alone, link)
    assert plan.digests == [] and [r.commitment_id for r in plan.reminders] == [1]


def test_a_person_listed_twice_still_hears_of_everyone_else() -> None:
    """The responsable comes first among the gerentes: the guard skips that
    person alone, and the other gerente still gets the line."""
    contacts = Contacts(
        responsables={30: R1},
        gerentes={10: [Person(R1.email, None), G1]},
        directors={},
    )
    plan = plan_day(DAY, [COMMITMENTS[0]], set(), contacts, link)
    assert {d.recipient: [e.commitment_id for e in d.entries] for d in plan.digests} == {
        "g1@loa.cl": [1], "r1@fosis.cl": [1],
    }  # fmt: skip


def test_a_report_waiting_for_verification() -> None:
    from models.stages import Stage
    from planning.policy import PlannedReminder

    reported = due(9, date(2026, 9, 21), status="informado", reported_on=date(2026, 10, 2))
    on_the_day = plan_day(date(2026, 10, 2), [reported], set(), CONTACTS, link)
    assert (on_the_day.digests, on_the_day.reminders) == ([], [])
    assert on_the_day.next_stage_on == {9: date(2026, 10, 5)}
    plan = plan_day(DAY, [reported], set(), CONTACTS, link)
    assert plan.reminders == [PlannedReminder(9, date(2026, 10, 2), Stage(1, DAY), "verificacion")]
    assert plan.next_stage_on == {9: date(2026, 10, 13)}  # 6 business days after the report
    assert [d.recipient for d in plan.digests] == ["g1@loa.cl", "r1@fosis.cl"]
    entry = plan.digests[0].entries[0]
    assert (entry.kind, entry.to_verify, entry.overdue, entry.today, entry.reported_on,
            entry.stage, entry.role, entry.link, entry.keys, entry.returned_reason) == (
        "verificacion", True, False, False, date(2026, 10, 2), 1, "gerente del territorio",
        "/enlace/9/gerente", (("verificacion", date(2026, 10, 2), 1),), None,
    )  # fmt: skip
    sent = {(9, "verificacion", date(2026, 10, 2), 1)}
    again = plan_day(DAY, [reported], sent, CONTACTS, link)
    assert (again.digests, again.reminders, again.next_stage_on) == (
        [],
        [],
        {9: date(2026, 10, 13)},
    )
    broken = due(10, date(2026, 9, 21), status="informado")
    try:
        plan_day(DAY, [broken], set(), CONTACTS, link)
    except ValueError as exc:
        assert str(exc) == "commitment 10 is informado without a reported date"
    else:
        raise AssertionError("an informado commitment needs its reported date")


def test_reports_to_verify_come_first_then_the_most_overdue() -> None:
    from planning.policy import Returned

    commitments = [
        due(11, date(2026, 9, 28)),  # E+5: the gerente hears
        due(12, date(2026, 9, 21)),  # E+10
        due(13, date(2026, 9, 21), status="informado", reported_on=date(2026, 9, 30)),
        due(14, date(2026, 12, 30), returned=Returned(date(2026, 10, 2), "Falta la firma", 4)),
    ]
    separate = Contacts(responsables={30: R1}, gerentes={10: [G1]}, directors={(20, 2): [D1]})
    plan = plan_day(DAY, commitments, set(), separate, link)
    lines = {d.recipient: [(e.commitment_id, e.stage, e.returned_reason) for e in d.entries]
             for d in plan.digests}  # fmt: skip
    assert lines["g1@loa.cl"] == [(13, 1, None), (12, 10, None), (11, 5, None)]
    # The return: announced once to the responsable, with the distance to its due date.
    assert lines["r1@fosis.cl"] == [(12, 10, None), (11, 5, None), (14, -59, "Falta la firma")]
    returned = next(e for e in plan.digests[-1].entries if e.commitment_id == 14)
    assert (returned.keys, returned.distance, returned.overdue) == (
        (("devolucion", date(2026, 10, 2), 4),), "vence en 59 días hábiles", False,
    )  # fmt: skip
    assert [(r.commitment_id, r.kind, r.due_date, r.stage.offset, r.stage.on)
            for r in plan.reminders if r.commitment_id == 14] == [
        (14, "devolucion", date(2026, 10, 2), 4, date(2026, 10, 2))
    ]  # fmt: skip


def test_a_missed_due_date_is_not_due_today_any_more() -> None:
    """The E stage not sent on its day goes out two days later as overdue."""
    late = due(15, date(2026, 10, 1))
    plan = plan_day(DAY, [late], set(), CONTACTS, link)  # E+2
    (entry,) = plan.digests[-1].entries
    assert entry.keys == (("plazo", date(2026, 10, 1), 0),)
    assert (entry.stage, entry.overdue, entry.today, entry.distance) == (
        2, True, False, "vencido hace 2 días hábiles",
    )  # fmt: skip


def test_a_return_after_the_stage_was_sent() -> None:
    from planning.policy import Returned

    returned = due(16, date(2026, 9, 21), returned=Returned(date(2026, 10, 2), "Otra vez", 6))
    sent = {(16, "plazo", date(2026, 9, 21), 10)}
    plan = plan_day(DAY, [returned], sent, CONTACTS, link)
    assert {d.recipient: [(e.commitment_id, e.stage, e.keys) for e in d.entries]
            for d in plan.digests} == {
        "r1@fosis.cl": [(16, 10, (("devolucion", date(2026, 10, 2), 6),))]
    }  # fmt: skip
