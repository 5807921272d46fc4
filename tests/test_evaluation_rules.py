"""The pure rules of the annual self-evaluation (``reports.evaluation_grading``):
the grade over the expected improvements, the records the JSON, DOCX and PDF
are written from, and when a package counts as mailed and on time. Fast and
pure: the end-to-end tests in tests/test_evaluation.py read these records
through the console script, out of reach of mutation testing."""

from __future__ import annotations

from datetime import date

import pytest

from reports.evaluation_grading import (
    GRADE_LABELS,
    Criterion,
    Grade,
    PackageFacts,
    Requirement,
    grade_of,
    words,
)

DONE = Criterion("protocolo", "protocolo vigente", True, "Protocolo desde 2026.", "", "")
NOT_DONE = Criterion(
    "a_tiempo", "paquetes enviados a tiempo", False, "1 de 2 a tiempo.", "1 de 2 fuera de plazo",
    "Enviar cada paquete dentro de su plazo.",
)  # fmt: skip


@pytest.mark.parametrize(
    ("achieved", "grade"),
    [
        ([], Grade.NULO),
        ([False], Grade.NULO),
        ([True], Grade.MAYOR),
        ([False, True], Grade.MENOR),
        ([True, False], Grade.MENOR),
        ([True, True], Grade.MAYOR),
    ],
)
def test_grade_of(achieved: list[bool], grade: Grade) -> None:
    assert grade_of(achieved) is grade


def test_words_join_in_spanish() -> None:
    assert words([]) == ""
    assert words(["Ovalle"]) == "Ovalle"
    assert words(["Ovalle", "Punitaqui"]) == "Ovalle y Punitaqui"
    assert words(["a", "b", "c"]) == "a, b y c"


def test_a_criterion_records_what_is_missing_only_when_not_achieved() -> None:
    assert DONE.record() == {
        "clave": "protocolo",
        "mejora": "protocolo vigente",
        "lograda": True,
        "evidencia": "Protocolo desde 2026.",
        "falta": None,
    }
    assert NOT_DONE.record() == {
        "clave": "a_tiempo",
        "mejora": "paquetes enviados a tiempo",
        "lograda": False,
        "evidencia": "1 de 2 a tiempo.",
        "falta": "1 de 2 fuera de plazo",
    }


def test_a_requirement_records_its_grade_sentence_and_evidence() -> None:
    facts = (("Protocolo vigente", "Trimestral desde el 1 de julio de 2026"), ("Paquetes", "2"))
    requirement = Requirement("2.1", "Información periódica", (DONE, NOT_DONE), facts)
    assert requirement.grade is Grade.MENOR
    assert requirement.grade_label == "Menor" == GRADE_LABELS[Grade.MENOR]
    assert requirement.heading == "2.1 Información periódica"
    sentence = (
        "Menor: se logró 1 de 2 mejoras (protocolo vigente); falta: paquetes enviados a "
        "tiempo (1 de 2 fuera de plazo)."
    )
    assert requirement.sentence == sentence
    assert requirement.record() == {
        "requisito": "2.1",
        "nombre": "Información periódica",
        "grado": "menor",
        "explicacion": sentence,
        "mejoras": [DONE.record(), NOT_DONE.record()],
        "evidencia": [
            {"dato": "Protocolo vigente", "valor": "Trimestral desde el 1 de julio de 2026"},
            {"dato": "Paquetes", "valor": "2"},
        ],
    }
    whole = Requirement("1.1", "Perspectiva territorial", (DONE,), ())
    assert (whole.grade, whole.grade_label) == (Grade.MAYOR, "Mayor")
    assert whole.record()["grado"] == "mayor"
    assert whole.record()["evidencia"] == []


def _package(built: date | None, sent: date | None) -> PackageFacts:
    # 2026-Q3 is due Thursday 1 October 2026; five business days later: 8 October.
    return PackageFacts(
        "2026-Q3", "tercer trimestre de 2026", date(2026, 10, 1), date(2026, 10, 8), built, sent
    )


@pytest.mark.parametrize(
    ("built", "sent", "mailed", "on_time"),
    [
        (None, None, False, False),
        (date(2026, 10, 1), None, False, False),
        (None, date(2026, 10, 1), False, False),  # mailed without a build on record
        (date(2026, 10, 1), date(2026, 10, 1), True, True),
        (date(2026, 10, 8), date(2026, 10, 8), True, True),  # the deadline itself
        (date(2026, 10, 8), date(2026, 10, 9), True, False),
    ],
)
def test_a_package_is_on_time_when_built_and_mailed_by_its_deadline(
    built: date | None, sent: date | None, mailed: bool, on_time: bool
) -> None:
    package = _package(built, sent)
    assert (package.mailed, package.on_time) == (mailed, on_time)
    assert package.record() == {
        "periodo": "2026-Q3",
        "vence": "2026-10-01",
        "plazo": "2026-10-08",
        "generado": built.isoformat() if built else None,
        "enviado": sent.isoformat() if sent else None,
        "a_tiempo": on_time,
    }
