"""The grading of the annual self-evaluation, as pure functions: an
expected improvement (:class:`Criterion`), a requirement with its grade and
its one-sentence explanation (:class:`Requirement`), and a package of the
periodic protocol due in the year (:class:`PackageFacts`).

Grading (domain.md): none of the expected improvements achieved is
*nulo*, at least one is *menor*, all of them is *mayor*."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from babel.lists import format_list

from config.i18n import plural

PACKAGE_GRACE_BUSINESS_DAYS = 5
"""A package counts as sent on time up to this many business days after
the day it was due."""


class Grade(StrEnum):
    NULO = "nulo"
    MENOR = "menor"
    MAYOR = "mayor"


GRADE_LABELS = {Grade.NULO: "Nulo", Grade.MENOR: "Menor", Grade.MAYOR: "Mayor"}


def grade_of(achieved: Sequence[bool]) -> Grade:
    """*nulo* when no improvement was achieved, *mayor* when all were (and
    there is at least one), *menor* otherwise."""
    if achieved and all(achieved):
        return Grade.MAYOR
    return Grade.MENOR if any(achieved) else Grade.NULO


def words(items: Sequence[str]) -> str:
    """``a, b y c`` in es-CL (``""`` for none)."""
    return format_list(list(items), locale="es_CL")


@dataclass(frozen=True)
class Criterion:
    """One expected improvement: its short name, whether the evidence shows
    it, the evidence in one sentence, what is missing (in a few words) and
    the recommendation suggested when it was not achieved."""

    key: str
    name: str
    achieved: bool
    evidence: str
    missing: str
    recommendation: str

    def record(self) -> dict[str, Any]:
        return {
            "clave": self.key,
            "mejora": self.name,
            "lograda": self.achieved,
            "evidencia": self.evidence,
            "falta": None if self.achieved else self.missing,
        }


def grade_sentence(criteria: Sequence[Criterion]) -> str:
    """The grade explained in one sentence: ``Mayor: se lograron las 3
    mejoras esperadas.``, ``Menor: se logró 1 de 3 mejoras (protocolo
    vigente); faltan: …``, ``Nulo: no se logró ninguna de las 3 mejoras
    esperadas; faltan: …``."""
    grade = grade_of([c.achieved for c in criteria])
    total = len(criteria)
    done = [c for c in criteria if c.achieved]
    missing = [c for c in criteria if not c.achieved]
    label = GRADE_LABELS[grade]
    if grade is Grade.MAYOR:
        return f"{label}: " + plural(
            total, "se logró la mejora esperada.", "se lograron las {n} mejoras esperadas."
        )
    lacking = (
        plural(len(missing), "falta", "faltan")
        + ": "
        + words([f"{c.name} ({c.missing})" for c in missing])
    )
    if grade is Grade.NULO:
        return (
            f"{label}: "
            + plural(
                total,
                "no se logró la mejora esperada",
                "no se logró ninguna de las {n} mejoras esperadas",
            )
            + f"; {lacking}."
        )
    achieved = plural(len(done), "se logró {n}", "se lograron {n}")
    return (
        f"{label}: {achieved} de {plural(total, '{n} mejora', '{n} mejoras')} "
        f"({words([c.name for c in done])}); {lacking}."
    )


@dataclass(frozen=True)
class Requirement:
    """A requirement of the evaluation with its expected improvements and
    the evidence table (label, value) the documents print."""

    code: str
    title: str
    criteria: tuple[Criterion, ...]
    facts: tuple[tuple[str, str], ...]

    @property
    def grade(self) -> Grade:
        return grade_of([c.achieved for c in self.criteria])

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS[self.grade]

    @property
    def sentence(self) -> str:
        return grade_sentence(self.criteria)

    @property
    def heading(self) -> str:
        return f"{self.code} {self.title}"

    def record(self) -> dict[str, Any]:
        return {
            "requisito": self.code,
            "nombre": self.title,
            "grado": self.grade.value,
            "explicacion": self.sentence,
            "mejoras": [c.record() for c in self.criteria],
            "evidencia": [{"dato": label, "valor": value} for label, value in self.facts],
        }


@dataclass(frozen=True)
class PackageFacts:
    """A package of the periodic protocol due in the year by the evidence
    day: when it was due, its deadline (due day plus the grace business
    days), when it was first built and first mailed (``None``: not yet)."""

    period: str
    label: str
    due_on: date
    deadline: date
    built_on: date | None
    sent_on: date | None

    @property
    def mailed(self) -> bool:
        return self.built_on is not None and self.sent_on is not None

    @property
    def on_time(self) -> bool:
        return self.mailed and self.sent_on is not None and self.sent_on <= self.deadline

    def record(self) -> dict[str, Any]:
        return {
            "periodo": self.period,
            "vence": self.due_on.isoformat(),
            "plazo": self.deadline.isoformat(),
            "generado": self.built_on.isoformat() if self.built_on else None,
            "enviado": self.sent_on.isoformat() if self.sent_on else None,
            "a_tiempo": self.on_time,
        }


__all__ = [
    "GRADE_LABELS",
    "PACKAGE_GRACE_BUSINESS_DAYS",
    "Criterion",
    "Grade",
    "PackageFacts",
    "Requirement",
    "grade_of",
    "grade_sentence",
    "words",
]
