"""Open data: ``compromisos.csv`` and ``compromisos.json`` (one record per
commitment, the same bytes for the same data) and ``datapackage.json``
describing every field (Frictionless Data Package). Personal data (e-mail
addresses, names of people) is left out: this is a publication."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from reports.figures import CommitmentRecord
from reports.safe_text import CSV_NOTE, neutralise_cell

FIELDS: list[tuple[str, str, str]] = [
    ("id", "integer", "Número del compromiso en el sistema"),
    ("territorio", "string", "Territorio"),
    ("programa", "string", "Programa"),
    ("institucion", "string", "Institución que se compromete"),
    ("institucion_rut", "string", "RUT de la institución"),
    ("acta", "string", "Acta, protocolo, convenio, resolución u oficio de origen"),
    ("acta_fecha", "date", "Fecha del acta (inicio)"),
    ("compromiso", "string", "Acción comprometida"),
    ("fuente", "string", "Fuente de financiamiento"),
    ("monto", "integer", "Monto comprometido en pesos (CLP)"),
    ("monto_ejecutado", "integer", "Monto ejecutado al cierre del periodo (CLP)"),
    ("sobre_ejecucion", "boolean", "El monto ejecutado supera el comprometido"),
    ("plazo", "date", "Plazo acordado vigente al cierre del periodo"),
    ("vencimiento", "date", "Vencimiento efectivo (día hábil)"),
    (
        "estado",
        "string",
        "pendiente, por_vencer, vencido, informado, cumplido o cancelado al cierre",
    ),
    ("informado_el", "date", "Fecha de cumplimiento informada por el responsable"),
    ("cumplido_el", "date", "Fecha de cumplimiento"),
    ("verificacion", "string", "verificado, por verificar o sin informe"),
    ("verificado_el", "date", "Fecha en que la gerencia verificó el cumplimiento"),
    ("dias_atraso", "integer", "Días hábiles de atraso al cierre, si está vencido"),
    ("nuevo_en_periodo", "boolean", "Acta firmada dentro del periodo"),
    ("productos", "string", "Productos comprometidos o entregados"),
    ("beneficiarios", "integer", "Número de beneficiarios"),
    (
        "evidencias",
        "array",
        "Medios de verificación registrados: tipo, nombre o referencia, sha256 y bytes",
    ),
    ("historial_entradas", "integer", "Entradas del historial encadenado al generar el paquete"),
    ("historial_sha256", "string", "Hash SHA-256 de la última entrada del historial"),
]
if [name for name, _, _ in FIELDS] != [f.name for f in fields(CommitmentRecord)]:
    raise RuntimeError("open data fields out of step with CommitmentRecord")


def _value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [item.record() for item in value]
    return value.isoformat() if isinstance(value, date) else value


def record_dict(record: CommitmentRecord) -> dict[str, Any]:
    return {name: _value(getattr(record, name)) for name, _, _ in FIELDS}


def _csv_cell(kind: str, value: Any) -> Any:
    if kind == "string" and isinstance(value, str):
        return neutralise_cell(value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "array":
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "" if value is None else value


def write_csv(path: Path, records: Iterable[CommitmentRecord]) -> int:
    """UTF-8 with a BOM (Excel then reads the accents), comma separated,
    CRLF line ends (RFC 4180), in the order given (by id). Streamed. Text
    fields that a spreadsheet would run as a formula get a leading ``'``
    (:func:`reports.safe_text.neutralise_cell`); numbers and dates do not."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([name for name, _, _ in FIELDS])
        for record in records:
            row = record_dict(record)
            writer.writerow([_csv_cell(kind, row[name]) for name, kind, _ in FIELDS])
            count += 1
    return count


def write_json(path: Path, records: Iterable[CommitmentRecord], meta: dict[str, Any]) -> None:
    """``{...meta, "compromisos": [...]}`` with sorted keys, two-space
    indent, UTF-8: the same bytes as ``json.dumps(document, indent=2,
    sort_keys=True, ensure_ascii=False)``, streamed record by record."""
    keys = sorted([*meta, "compromisos"])
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("{")
        for position, key in enumerate(keys):
            handle.write(("\n" if position == 0 else ",\n") + f"  {json.dumps(key)}: ")
            if key != "compromisos":
                handle.write(json.dumps(meta[key], ensure_ascii=False))
                continue
            handle.write("[")
            first = True
            for record in records:
                body = json.dumps(record_dict(record), ensure_ascii=False, indent=2, sort_keys=True)
                handle.write(("\n" if first else ",\n") + _indent(body, 4))
                first = False
            handle.write("]" if first else "\n  ]")
        handle.write("\n}\n")


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line for line in text.split("\n"))


def datapackage(name: str, title: str, meta: dict[str, Any]) -> bytes:
    """The Data Package descriptor of the two open-data files."""
    schema = {
        "fields": [{"name": n, "type": t, "description": d} for n, t, d in FIELDS],
        "primaryKey": "id",
    }
    descriptor = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        **meta,
        "resources": [
            {
                "name": "compromisos",
                "path": "compromisos.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "description": CSV_NOTE,
                "schema": schema,
            },
            {
                "name": "compromisos-json",
                "path": "compromisos.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
            },
        ],
    }
    return (json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
