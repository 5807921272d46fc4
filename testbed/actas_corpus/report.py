"""The reader's figures over the corpus: totals, per kind of document, per
document, the misses, the issue's thresholds; as JSON and as the Spanish
table printed by the tests' summary and by ``python -m checks.actas_quality``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from config.i18n import plural
from testbed.actas_corpus.build import KINDS
from testbed.actas_corpus.scoring import FIELDS, INFO_FIELDS, FieldTally, Miss, Tally

MIN_RECALL = 0.95
"""Commitments found, of those the corpus states (issue 15)."""
MIN_FIELD_PRECISION = 0.90
"""Institution, amount and due date right, of the fields the reader fills."""
MAX_INVENTED = 0
"""Amounts or dates the text does not state."""
RIGHT = {
    "institucion": "institución correcta",
    "monto": "monto correcto",
    "plazo": "plazo correcto",
}


@dataclass
class DocumentFigures:
    """One document's counts, how long reading it took, and the reader's
    error when it refused the file."""

    label: str
    kind: str
    tally: Tally
    seconds: float
    error: str = ""


@dataclass
class Figures:
    """Every document's figures and misses, and which database the known
    institutions came from."""

    documents: list[DocumentFigures]
    misses: list[Miss] = field(default_factory=list)
    base: str = ""

    def total(self) -> Tally:
        total = Tally()
        for document in self.documents:
            total.add(document.tally)
        return total

    def by_kind(self) -> dict[str, Tally]:
        kinds: dict[str, Tally] = {}
        for kind in KINDS:
            tallies = [d.tally for d in self.documents if d.kind == kind]
            if tallies:
                kinds[kind] = Tally()
                for tally in tallies:
                    kinds[kind].add(tally)
        return kinds

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "umbrales": {
                "compromisos_hallados_min": MIN_RECALL,
                "precision_por_campo_min": MIN_FIELD_PRECISION,
                "inventados_max": MAX_INVENTED,
            },
            "total": _tally_json(self.total()),
            "por_tipo": {kind: _tally_json(tally) for kind, tally in self.by_kind().items()},
            "documentos": [
                {
                    "documento": d.label,
                    "tipo": d.kind,
                    "segundos": round(d.seconds, 2),
                    "error": d.error,
                    **_tally_json(d.tally),
                }
                for d in self.documents
            ],
            "fallos": [
                {
                    "documento": m.document,
                    "problema": m.problem,
                    "esperado": m.expected,
                    "leido": m.got,
                    "texto": m.text,
                }
                for m in self.misses
            ],
            "incumplidos": failures(self.total()),
        }


def failures(total: Tally) -> list[str]:
    """The issue's thresholds ``total`` does not meet, in Spanish."""
    problems = []
    if (total.recall or 0.0) < MIN_RECALL:
        problems.append(
            f"compromisos hallados {_percent(total.recall)} < {_percent(MIN_RECALL)} "
            f"({total.found} de {total.gold})"
        )
    for name in FIELDS:
        counts = total.fields[name]
        if counts.precision is not None and counts.precision < MIN_FIELD_PRECISION:
            problems.append(
                f"{RIGHT[name]} en {_percent(counts.precision)} de los "
                f"campos llenados < {_percent(MIN_FIELD_PRECISION)} "
                f"({counts.right} de {counts.filled})"
            )
    if total.invented > MAX_INVENTED:
        problems.append(
            plural(total.invented, "{n} valor inventado", "{n} valores inventados")
            + " (montos o plazos que el texto no dice)"
        )
    return problems


def _field_json(counts: FieldTally) -> dict[str, Any]:
    return {
        "llenados": counts.filled,
        "correctos": counts.right,
        "declarados": counts.stated,
        "hallados": counts.found,
        "precision": counts.precision,
        "cobertura": counts.recall,
    }


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {
        "documentos": tally.documents,
        "esperados": tally.gold,
        "hallados": tally.found,
        "propuestas": tally.proposals,
        "correctas": tally.correct,
        "cobertura": tally.recall,
        "precision": tally.precision,
        "inventados": tally.invented,
        "campos": {name: _field_json(tally.fields[name]) for name in FIELDS + INFO_FIELDS},
    }


def _percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f} %".replace(".", ",")


_COLUMNS = (
    ("Tipo de documento", 16),
    ("Docs", 4),
    ("Esperados", 9),
    ("Hallados", 8),
    ("Propuestas", 10),
    ("Precisión", 9),
    ("Institución", 12),
    ("Monto", 12),
    ("Plazo", 12),
    ("Inventados", 10),
)


def format_summary(data: dict[str, Any], *, misses: int = 12) -> list[str]:
    """The Spanish table of :meth:`Figures.to_json`'s ``data``: a row per
    kind of document and the total, commitments found (recall) and
    proposals right (precision), and per field the precision over the
    fields filled (the row below: the recall over the fields stated); then
    the thresholds not met and the first ``misses`` misses."""
    total = data["total"]
    lines = [
        "Lector de actas sobre el corpus: "
        + plural(total["documentos"], "{n} documento", "{n} documentos")
        + ", "
        + plural(total["esperados"], "{n} compromiso esperado", "{n} compromisos esperados")
        + f" ({data['base']})",
        "  ".join(title.rjust(width) if i else title.ljust(width)
                  for i, (title, width) in enumerate(_COLUMNS)),
    ]  # fmt: skip
    for kind, tally in [*data["por_tipo"].items(), ("Total", total)]:
        lines.extend(_rows(kind, tally))
    lines.append(
        "Hallados = compromisos encontrados / esperados; Precisión = propuestas que son un "
        "compromiso / propuestas; por campo, arriba los correctos / llenados y abajo "
        "(cob.) los correctos / declarados en el acta."
    )
    unmet = data["incumplidos"]
    if unmet:
        lines.append("NO SE CUMPLEN LOS UMBRALES: " + "; ".join(unmet))
    else:
        lines.append(
            "Umbrales cumplidos: compromisos hallados ≥ 95 %, institución, monto y plazo "
            "correctos en ≥ 90 % de los campos llenados, 0 valores inventados."
        )
    shown = data["fallos"][:misses]
    if shown:
        lines.append(f"Fallos ({len(data['fallos'])}; los primeros {len(shown)}):")
        for miss in shown:
            detail = f"esperado «{miss['esperado']}»" if miss["esperado"] else ""
            if miss["leido"]:
                detail += f"{', ' if detail else ''}leído «{miss['leido']}»"
            lines.append(
                f"  - {miss['documento']}: {miss['problema']}"
                f"{' (' + detail + ')' if detail else ''} — «{_clip(miss['texto'])}»"
            )
    return lines


def _rows(kind: str, tally: dict[str, Any]) -> list[str]:
    fields = tally["campos"]
    found = f"{_percent(tally['cobertura'])}"
    first = [
        kind,
        str(tally["documentos"]),
        str(tally["esperados"]),
        found,
        str(tally["propuestas"]),
        _percent(tally["precision"]),
        *(_percent(fields[name]["precision"]) for name in FIELDS),
        str(tally["inventados"]),
    ]
    second = [
        "",
        "",
        "",
        f"{tally['hallados']}",
        "",
        f"{tally['correctas']}",
        *(f"cob. {_percent(fields[name]['cobertura'])}" for name in FIELDS),
        "",
    ]
    return [
        "  ".join(
            cell.rjust(width) if i else cell.ljust(width)
            for i, (cell, (_, width)) in enumerate(zip(row, _COLUMNS, strict=True))
        ).rstrip()
        for row in (first, second)
    ]


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_documents(data: dict[str, Any]) -> list[str]:
    """One line per document of :meth:`Figures.to_json`'s ``data``: the
    commitments found of those expected, the proposals, the invented
    values, the seconds its reading took, and the reader's refusal if any."""
    lines = ["Por documento:"]
    for document in data["documentos"]:
        line = (
            f"  {document['documento']}: {document['hallados']} de "
            + plural(document["esperados"], "{n} compromiso", "{n} compromisos")
            + ", "
            + plural(document["propuestas"], "{n} propuesta", "{n} propuestas")
            + ", "
            + plural(document["inventados"], "{n} inventado", "{n} inventados")
            + f", {str(round(document['segundos'], 1)).replace('.', ',')} s"
        )
        if document["error"]:
            line += f" — no se pudo leer: {document['error']}"
        lines.append(line)
    return lines
