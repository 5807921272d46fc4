"""Open data: ``compromisos.csv`` and ``compromisos.json`` (one record per
commitment, the same bytes for the same data) and ``datapackage.json``
describing every field (Frictionless Data Package). Personal data (e-mail
addresses, names of people) is left out: this is a publication."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields
from datetime import date
from typing import Any

from reports.figures import CommitmentRecord

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
    ("plazo", "date", "Plazo acordado vigente al cierre del periodo"),
    ("vencimiento", "date", "Vencimiento efectivo (día hábil)"),
    ("estado", "string", "pendiente, por_vencer, vencido, cumplido o cancelado al cierre"),
    ("cumplido_el", "date", "Fecha de cumplimiento"),
    ("dias_atraso", "integer", "Días hábiles de atraso al cierre, si está vencido"),
    ("nuevo_en_periodo", "boolean", "Acta firmada dentro del periodo"),
    ("productos", "string", "Productos comprometidos o entregados"),
    ("beneficiarios", "integer", "Número de beneficiarios"),
]
if [name for name, _, _ in FIELDS] != [f.name for f in fields(CommitmentRecord)]:
    raise RuntimeError("open data fields out of step with CommitmentRecord")


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def record_dict(record: CommitmentRecord) -> dict[str, Any]:
    return {name: _value(getattr(record, name)) for name, _, _ in FIELDS}


def _csv_cell(kind: str, value: Any) -> Any:
    if kind == "boolean":
        return "true" if value else "false"
    return "" if value is None else value


def to_csv(records: list[CommitmentRecord]) -> bytes:
    """UTF-8 with a BOM (Excel then reads the accents), comma separated,
    CRLF line ends (RFC 4180), records by id."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _, _ in FIELDS])
    for record in records:
        row = record_dict(record)
        writer.writerow([_csv_cell(kind, row[name]) for name, kind, _ in FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_json(records: list[CommitmentRecord], meta: dict[str, Any]) -> bytes:
    document = {**meta, "compromisos": [record_dict(r) for r in records]}
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


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
