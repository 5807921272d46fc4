"""The self-evaluation draft as a Word document (python-docx), in the
structure of the source reports: per requirement a heading, the grade in
bold with its one-sentence explanation, the expected improvements and the
evidence table; then "Recomendaciones" (one suggestion per improvement not
achieved, and room for the team) and the "Informe Ejecutivo al Jefe de
Servicio" (the year's key figures, and a paragraph to complete). A4
portrait, es-CL; the page helpers are the tabla's
(:mod:`reports.agenda_docx`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import IO

from docx.document import Document as DocxDocument

from models.dates import format_long
from reports.agenda_docx import LANGUAGE, add_table, clean, new_document, page_footer
from reports.evaluation import Evaluation, Requirement

TO_COMPLETE = "(a completar por el equipo)"
SUMMARY_COLUMNS = (("Requisito", 5.0), ("Grado", 2.0), ("Explicación", 11.0))
CRITERIA_COLUMNS = (("Mejora esperada", 5.2), ("Lograda", 1.8), ("Evidencia", 11.0))
FACT_COLUMNS = (("Dato", 7.0), ("Valor", 11.0))


def criteria_rows(requirement: Requirement) -> list[list[str]]:
    """The improvements' cells (the PDF prints the same)."""
    return [
        [f"{c.key}) {c.name}", "Sí" if c.achieved else "No", c.evidence]
        for c in requirement.criteria
    ]


def intro(evaluation: Evaluation) -> str:
    evidence = evaluation.evidence
    return (
        f"Borrador de la autoevaluación {evidence.year} de la {evidence.region_official}, "
        f"preparado con la evidencia registrada en el sistema de seguimiento de compromisos "
        f"al {format_long(evidence.day)}. Cada requisito se califica nulo (ninguna de las "
        "mejoras esperadas), menor (al menos una) o mayor (todas)."
    )


def _requirement(document: DocxDocument, requirement: Requirement) -> None:
    document.add_heading(clean(requirement.heading), level=1)
    grade = document.add_paragraph("Grado: ")
    grade.add_run(requirement.grade_label).bold = True
    document.add_paragraph(clean(requirement.sentence))
    document.add_heading("Mejoras esperadas y evidencia", level=2)
    add_table(document, CRITERIA_COLUMNS, criteria_rows(requirement), size=8.5)
    document.add_heading("Datos registrados", level=2)
    add_table(document, FACT_COLUMNS, [list(fact) for fact in requirement.facts], size=8.5)


def _blank_lines(document: DocxDocument, count: int) -> None:
    for _ in range(count):
        document.add_paragraph("")


def write_docx(target: Path | IO[bytes], evaluation: Evaluation, *, generated_at: datetime) -> None:
    """Write ``evaluation`` to ``target`` (a path or a binary file) as a
    DOCX document; ``generated_at`` (aware) is its creation time."""
    evidence = evaluation.evidence
    document = new_document(landscape=False)
    properties = document.core_properties
    properties.title = evaluation.title
    properties.subject = (
        f"Autoevaluación anual {evidence.year}: grado de avance de cada requisito con su evidencia"
    )
    properties.author = "cumple — Seguimiento de compromisos"
    properties.keywords = f"autoevaluación, {evidence.year}, {evidence.region}, GORE"
    properties.language = LANGUAGE
    properties.category = "Autoevaluación anual"
    properties.created = generated_at
    properties.modified = generated_at
    properties.last_modified_by = "cumple"
    properties.comments = "Borrador para completar por el equipo regional."

    document.add_heading(clean(evaluation.title), level=0)
    document.add_paragraph(clean(intro(evaluation)))
    document.add_heading("Resumen de grados", level=1)
    add_table(
        document,
        SUMMARY_COLUMNS,
        [[r.heading, r.grade_label, r.sentence] for r in evaluation.requirements],
        size=8.5,
    )
    for requirement in evaluation.requirements:
        _requirement(document, requirement)

    document.add_heading("Recomendaciones", level=1)
    suggestions = evaluation.recommendations()
    if suggestions:
        document.add_paragraph("Sugeridas por cada mejora esperada que no se logró:")
        for improvement, text in suggestions:
            item = document.add_paragraph(style="List Bullet")
            item.add_run(f"{clean(improvement)}: ").bold = True
            item.add_run(clean(text))
    else:
        document.add_paragraph("Se lograron todas las mejoras esperadas de los cuatro requisitos.")
    document.add_paragraph(TO_COMPLETE)
    _blank_lines(document, 3)

    document.add_heading("Informe Ejecutivo al Jefe de Servicio", level=1)
    document.add_paragraph(
        f"Cifras del año {evidence.year} en la {clean(evidence.region_official)}, al "
        f"{format_long(evidence.day)}:"
    )
    add_table(document, FACT_COLUMNS, [list(f) for f in evaluation.key_figures()], size=8.5)
    grades = document.add_paragraph("Grados de avance: ")
    grades.add_run(clean(evaluation.grades_line()) + ".").bold = True
    document.add_heading("Síntesis y desafíos para el próximo año", level=2)
    document.add_paragraph(TO_COMPLETE)
    _blank_lines(document, 4)
    page_footer(document, evaluation.title)
    document.save(target if not isinstance(target, Path) else str(target))


__all__ = ["TO_COMPLETE", "criteria_rows", "intro", "write_docx"]
