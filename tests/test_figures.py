"""Every number of a package, per commitment, against a computation written
out by hand: actas, payments, fulfilments and due-date changes on the first
and the last day of the period, a report verified inside the period, one
still waiting, an over-execution, a cancellation and a commitment signed the
day after the period."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

from models.calendar import calendar_for
from models.history import Fact, initial_state, replay
from reports.figures import CommitmentFact, Group, compute_figures
from reports.periods import parse_period

AN = calendar_for("AN")
Q3 = parse_period("2026-Q3")  # 1 July – 30 September 2026
M = 1_000_000
ACTAS = {
    "A": date(2026, 7, 1),  # first day of the period: new
    "B": date(2026, 6, 30),  # the day before: not new
    "C": date(2026, 9, 30),  # last day of the period: new
    "D": date(2026, 10, 1),  # the day after: not in the package
    "E": date(2026, 5, 4),
    "F": date(2026, 6, 1),
    "G": date(2026, 6, 1),
    "H": date(2026, 6, 1),
    "I": date(2026, 6, 1),
    "J": date(2026, 5, 4),
    "K": date(2026, 7, 1),
}


def build(
    number: int,
    territory: str,
    institution: str,
    amount: int | None,
    plazo: date,
    history: list[tuple[date, str, str]] = (),  # type: ignore[assignment]
    reasons: dict[date, str] | None = None,
) -> CommitmentFact:
    name = chr(ord("A") + number - 1)
    acta = ACTAS[name]
    facts = [
        Fact(on, position, field, value, "gerente@loa")
        for position, (on, field, value) in enumerate(history, start=2)
    ]
    agreements = [(acta, 0, plazo, None)] + [
        (on, position, date.fromisoformat(value), (reasons or {}).get(on))
        for position, (on, field, value) in enumerate(history, start=2)
        if field == "plazo"
    ]
    return CommitmentFact(
        id=number, territory=territory, institution=institution, institution_rut=None,
        acta_date=acta, acta=f"Acta {name}", text=f"Compromiso {name}",
        programme="Chile Emprende" if name == "A" else None, source=None,
        products="Convenio firmado" if name == "A" else None,
        beneficiaries=40 if name == "A" else None, amount=amount,
        intervals=tuple(replay(initial_state(plazo, AN), acta, facts, AN)),
        agreements=tuple(agreements),
    )  # fmt: skip


FACTS = [
    build(1, "Loa", "FOSIS", 10 * M, date(2026, 8, 14), [
        (date(2026, 8, 14), "status", "cumplido"),
        (date(2026, 9, 30), "executed_amount", str(4 * M)),  # last day: counted
    ]),
    build(2, "Loa", "SERCOTEC", 6 * M, date(2026, 9, 1), [
        (date(2026, 10, 1), "executed_amount", str(6 * M)),  # the day after: not counted
    ]),
    build(3, "Alto El Loa", "FOSIS", None, date(2026, 12, 1)),
    build(4, "Loa", "INDAP", 2 * M, date(2026, 12, 1)),
    build(5, "Alto El Loa", "SERCOTEC", 8 * M, date(2026, 7, 31), [
        (date(2026, 7, 1), "plazo", "2026-09-30"),  # first day
        (date(2026, 9, 30), "executed_amount", str(8 * M)),
        (date(2026, 9, 30), "status", "cumplido"),  # last day, on the new due date
        (date(2026, 10, 1), "plazo", "2026-12-15"),  # the day after: next period's
    ], reasons={date(2026, 7, 1): "Licitación desierta", date(2026, 10, 1): "Otra"}),
    build(6, "Loa", "FOSIS", 5 * M, date(2026, 7, 10), [
        (date(2026, 7, 20), "status", "informado"),
        (date(2026, 9, 10), "status", "cumplido"),  # verified inside the period
    ]),
    build(7, "Alto El Loa", "CORFO", 3 * M, date(2026, 8, 31), [
        (date(2026, 9, 29), "status", "informado"),  # still waiting at the end
    ]),
    build(8, "Loa", "CORFO", 2 * M, date(2026, 9, 30)),  # due on the last day
    build(9, "Loa", "FOSIS", 1 * M, date(2026, 9, 15), [
        (date(2026, 8, 3), "status", "cancelado"),
    ]),
    build(10, "Alto El Loa", "CORFO", 3 * M, date(2026, 6, 30), [
        (date(2026, 6, 15), "status", "cumplido"),  # before the period
    ]),
    build(11, "Loa", "INDAP", 1 * M, date(2026, 12, 1), [
        (date(2026, 7, 15), "executed_amount", str(3 * M // 2)),  # above the committed
    ]),
]  # fmt: skip

# Business days of Antofagasta from 1 September (exclusive) to 30 September:
# 2-4, 7-11, 14-17 (18 and 19 are Fiestas Patrias), 21-25, 28-30.
B_LATE = 3 + 5 + 4 + 5 + 3
# From 10 July to the report of 20 July: 13, 14, 15, 17, 20 (16 is a holiday).
F_LATE = 5


def test_each_commitment_as_it_stood_at_the_end_of_the_period() -> None:
    figures = compute_figures(FACTS, Q3, AN)
    got = {
        r.id: (r.estado, r.monto, r.monto_ejecutado, r.plazo, r.vencimiento, r.cumplido_el,
               r.informado_el, r.verificado_el, r.verificacion, r.dias_atraso,
               r.nuevo_en_periodo, r.sobre_ejecucion)
        for r in figures.records
    }  # fmt: skip
    d = date
    assert got == {
        1: ("cumplido", 10 * M, 4 * M, d(2026, 8, 14), d(2026, 8, 14), d(2026, 8, 14), None,
            d(2026, 8, 14), "verificado", None, True, False),
        2: ("vencido", 6 * M, 0, d(2026, 9, 1), d(2026, 9, 1), None, None, None, "sin informe",
            B_LATE, False, False),
        3: ("pendiente", None, 0, d(2026, 12, 1), d(2026, 12, 1), None, None, None,
            "sin informe", None, True, False),
        5: ("cumplido", 8 * M, 8 * M, d(2026, 9, 30), d(2026, 9, 30), d(2026, 9, 30), None,
            d(2026, 9, 30), "verificado", None, False, False),
        6: ("cumplido", 5 * M, 0, d(2026, 7, 10), d(2026, 7, 10), d(2026, 7, 20),
            d(2026, 7, 20), d(2026, 9, 10), "verificado", None, False, False),
        7: ("informado", 3 * M, 0, d(2026, 8, 31), d(2026, 8, 31), None, d(2026, 9, 29), None,
            "por verificar", None, False, False),
        8: ("por_vencer", 2 * M, 0, d(2026, 9, 30), d(2026, 9, 30), None, None, None,
            "sin informe", None, False, False),
        9: ("cancelado", 1 * M, 0, d(2026, 9, 15), d(2026, 9, 15), None, None, None,
            "sin informe", None, False, False),
        10: ("cumplido", 3 * M, 0, d(2026, 6, 30), d(2026, 6, 30), d(2026, 6, 15), None,
             d(2026, 6, 15), "verificado", None, False, False),
        11: ("pendiente", 1 * M, 3 * M // 2, d(2026, 12, 1), d(2026, 12, 1), None, None, None,
             "sin informe", None, True, True),
    }  # fmt: skip
    # Commitment 4 was signed on 1 October: it is not part of the third quarter.
    assert [r.id for r in figures.records] == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11]
    first = figures.records[0]
    assert (first.territorio, first.programa, first.institucion, first.compromiso,
            first.acta_fecha, first.productos, first.beneficiarios) == (
        "Loa", "Chile Emprende", "FOSIS", "Compromiso A", date(2026, 7, 1), "Convenio firmado", 40
    )  # fmt: skip


def _numbers(group: Group) -> dict[str, object]:
    data = asdict(group)
    data["by_status"] = dict(sorted(group.by_status.items()))
    data["rate"] = group.rate
    return data


def test_every_group_figure() -> None:
    figures = compute_figures(FACTS, Q3, AN)

    def group(name: str, commitments: int, committed: int, executed: int, new: int,
              on_time: int, late: int, overdue: int, reported: int, open_: int, over: int,
              by_status: dict[str, int]) -> dict[str, object]:  # fmt: skip
        return {
            "name": name, "commitments": commitments, "committed": committed,
            "executed": executed, "new": new, "fulfilled_on_time": on_time,
            "fulfilled_late": late, "overdue": overdue, "reported": reported, "open": open_,
            "over_executed": over, "by_status": dict(sorted(by_status.items())),
            "rate": executed / committed if committed else None,
        }  # fmt: skip

    assert _numbers(figures.total) == group(
        "Total", 10, 39 * M, 27 * M // 2, 3, 2, 1, 1, 1, 5, 1,
        {"cumplido": 4, "vencido": 1, "pendiente": 2, "informado": 1, "por_vencer": 1,
         "cancelado": 1},
    )  # fmt: skip
    assert [_numbers(g) for g in figures.territories()] == [
        group("Alto El Loa", 4, 14 * M, 8 * M, 1, 1, 0, 0, 1, 2, 0,
              {"pendiente": 1, "cumplido": 2, "informado": 1}),
        group("Loa", 6, 25 * M, 11 * M // 2, 2, 1, 1, 1, 0, 3, 1,
              {"cumplido": 2, "vencido": 1, "por_vencer": 1, "cancelado": 1, "pendiente": 1}),
    ]  # fmt: skip
    assert [_numbers(g) for g in figures.institutions()] == [
        group("FOSIS", 4, 16 * M, 4 * M, 2, 1, 1, 0, 0, 1, 0,
              {"cumplido": 2, "pendiente": 1, "cancelado": 1}),
        group("SERCOTEC", 2, 14 * M, 8 * M, 0, 1, 0, 1, 0, 1, 0,
              {"vencido": 1, "cumplido": 1}),
        group("CORFO", 3, 8 * M, 0, 0, 0, 0, 0, 1, 2, 0,
              {"informado": 1, "por_vencer": 1, "cumplido": 1}),
        group("INDAP", 1, 1 * M, 3 * M // 2, 1, 0, 0, 0, 0, 1, 1, {"pendiente": 1}),
    ]  # fmt: skip


def test_the_lists_of_the_period() -> None:
    figures = compute_figures(FACTS, Q3, AN)
    assert [(f.id, f.vencimiento, f.cumplido_el, f.verificado_el, f.a_tiempo, f.dias_atraso)
            for f in figures.fulfilled] == [
        (6, date(2026, 7, 10), date(2026, 7, 20), date(2026, 9, 10), False, F_LATE),
        (1, date(2026, 8, 14), date(2026, 8, 14), date(2026, 8, 14), True, 0),
        (5, date(2026, 9, 30), date(2026, 9, 30), date(2026, 9, 30), True, 0),
    ]  # fmt: skip
    assert [(o.id, o.territorio, o.institucion, o.monto, o.vencimiento, o.dias_atraso)
            for o in figures.overdue] == [
        (2, "Loa", "SERCOTEC", 6 * M, date(2026, 9, 1), B_LATE)
    ]  # fmt: skip
    assert [r.id for r in figures.new] == [1, 3, 11]
    assert [(c.id, c.plazo_anterior, c.plazo_nuevo, c.acordado_el, c.motivo)
            for c in figures.due_changes] == [
        (5, date(2026, 7, 31), date(2026, 9, 30), date(2026, 7, 1), "Licitación desierta")
    ]  # fmt: skip


def test_the_next_period_sees_what_happened_the_day_after() -> None:
    q4 = compute_figures(FACTS, parse_period("2026-Q4"), AN)
    by_id = {r.id: r for r in q4.records}
    assert by_id[2].monto_ejecutado == 6 * M and by_id[4].nuevo_en_periodo
    assert (by_id[5].plazo, by_id[5].estado) == (date(2026, 12, 15), "cumplido")
    assert [(c.id, c.acordado_el) for c in q4.due_changes] == [(5, date(2026, 10, 1))]
    # Fulfilments verified in the third quarter are not counted again.
    assert q4.fulfilled == [] and q4.total.fulfilled_on_time == 0


def test_evidence_and_status_words_in_the_package() -> None:
    from reports.figures import EvidenceRef, status_label

    pdf = EvidenceRef("archivo", "res.pdf", "ab" * 32, 1234, None, date(2026, 9, 2), True)
    ref = EvidenceRef("referencia", "OC 1", None, None, "OC 1234-56-LE26", date(2026, 9, 3))
    assert pdf.record() == {
        "tipo": "archivo", "nombre": "res.pdf", "sha256": "ab" * 32, "bytes": 1234,
        "agregado_el": "2026-09-02", "del_acta": True,
    }  # fmt: skip
    assert ref.record() == {
        "tipo": "referencia", "nombre": "OC 1234-56-LE26", "sha256": None, "bytes": None,
        "agregado_el": "2026-09-03", "del_acta": False,
    }  # fmt: skip
    assert status_label("informado") == "Informado, por verificar"
    assert status_label("por_vencer") == "Por vencer"
    assert status_label("desconocido") == "desconocido"


def test_judged_by_the_due_date_in_force_on_the_fulfilment_date() -> None:
    """Two reports late against their due dates, one of them extended after
    the report; two over-executions and two overdue in one territory."""
    from dataclasses import replace

    from reports.figures import EvidenceRef, Fulfilment, Rectification

    def make(number: int, plazo: date, history: list[tuple[date, str, str]]) -> CommitmentFact:
        acta = date(2026, 6, 1)
        facts = [Fact(on, n, field, value, "g") for n, (on, field, value) in
                 enumerate(history, start=2)]  # fmt: skip
        agreements = [(acta, 0, plazo, None)] + [
            (on, n, date.fromisoformat(value), None)
            for n, (on, field, value) in enumerate(history, start=2)
            if field == "plazo"
        ]
        return CommitmentFact(
            id=number, territory="Loa", institution="FOSIS", institution_rut=None,
            acta_date=acta, acta=f"Acta {number}", text=f"T{number}",
            programme="Chile Emprende", source=None, products="Convenio firmado",
            beneficiaries=40, amount=M,
            intervals=tuple(replay(initial_state(plazo, AN), acta, facts, AN)),
            agreements=tuple(agreements),
        )  # fmt: skip

    evidence = EvidenceRef("archivo", "r.pdf", "cd" * 32, 10, None, date(2026, 9, 1))
    facts = [
        make(1, date(2026, 7, 10), [
            (date(2026, 7, 20), "status", "informado"),
            (date(2026, 8, 3), "plazo", "2026-07-31"),  # extended after the report
            (date(2026, 9, 10), "status", "cumplido"),
        ]),
        make(2, date(2026, 7, 1), [
            (date(2026, 7, 3), "status", "cumplido"),
            (date(2026, 7, 3), "executed_amount", "2000000"),
        ]),
        make(3, date(2026, 9, 29), [(date(2026, 7, 3), "executed_amount", "3000000")]),
        make(4, date(2026, 9, 28), [
            (date(2026, 7, 2), "plazo", "2026-09-14"), (date(2026, 8, 4), "plazo", "2026-09-28"),
        ]),
    ]  # fmt: skip
    facts[0] = replace(facts[0], institution_rut="60.109.000-7", source="Glosa",
                       evidence=(evidence,), chain=(4, "ef" * 32))  # fmt: skip
    fix = Rectification(9, "FOSIS", "T9", "2026-Q2", "executed_amount", "0", "5", "Pago",
                        "g@loa", date(2026, 6, 30), datetime(2026, 7, 5, tzinfo=UTC))  # fmt: skip
    figures = compute_figures(facts, Q3, AN, [fix])
    assert figures.rectifications == [fix]
    assert figures.fulfilled == [
        # 2: due 1 July, fulfilled on the 3rd (2 and 3 July).
        Fulfilment(2, "FOSIS", "T2", date(2026, 7, 1), date(2026, 7, 3), date(2026, 7, 3),
                   False, 2),
        # 1: due 10 July when it was reported on the 20th (13-15, 17, 20): late,
        # though the due date was extended to 31 July after the report.
        Fulfilment(1, "FOSIS", "T1", date(2026, 7, 10), date(2026, 7, 20), date(2026, 9, 10),
                   False, 5),
    ]  # fmt: skip
    loa = figures.by_territory["Loa"]
    assert (loa.fulfilled_late, loa.fulfilled_on_time, loa.over_executed, loa.overdue) == (
        2, 0, 2, 2,
    )  # fmt: skip
    # Overdue at 30 September: 4 by 2 days (29, 30), 3 by 1 (30): most first.
    assert [(o.id, o.dias_atraso, o.compromiso) for o in figures.overdue] == [
        (4, 2, "T4"), (3, 1, "T3"),
    ]  # fmt: skip
    assert [(c.id, c.institucion, c.compromiso, c.plazo_anterior, c.plazo_nuevo, c.acordado_el)
            for c in figures.due_changes] == [
        (4, "FOSIS", "T4", date(2026, 9, 28), date(2026, 9, 14), date(2026, 7, 2)),
        (1, "FOSIS", "T1", date(2026, 7, 10), date(2026, 7, 31), date(2026, 8, 3)),
        (4, "FOSIS", "T4", date(2026, 9, 14), date(2026, 9, 28), date(2026, 8, 4)),
    ]  # fmt: skip
    first = asdict(figures.records[0])
    assert first == {
        "id": 1, "territorio": "Loa", "programa": "Chile Emprende", "institucion": "FOSIS",
        "institucion_rut": "60.109.000-7", "acta": "Acta 1", "acta_fecha": date(2026, 6, 1),
        "compromiso": "T1", "fuente": "Glosa", "monto": M, "monto_ejecutado": 0,
        "sobre_ejecucion": False, "plazo": date(2026, 7, 31), "vencimiento": date(2026, 7, 31),
        "estado": "cumplido", "informado_el": date(2026, 7, 20),
        "cumplido_el": date(2026, 7, 20), "verificacion": "verificado",
        "verificado_el": date(2026, 9, 10), "dias_atraso": None, "nuevo_en_periodo": False,
        "productos": "Convenio firmado", "beneficiarios": 40,
        "evidencias": ({"kind": "archivo", "name": "r.pdf", "sha256": "cd" * 32, "size": 10,
                        "reference": None, "added_on": date(2026, 9, 1), "of_acta": False},),
        "historial_entradas": 4, "historial_sha256": "ef" * 32,
    }  # fmt: skip
    assert figures.period == Q3
