"""Open data: ``compromisos.csv`` and ``compromisos.json`` (one record per
commitment, the same bytes for the same data) and ``datapackage.json``, a
Frictionless Data Package v2 describing both as tables (every field with its
type, title, description and constraints) that ``frictionless validate``
accepts. Personal data (e-mail addresses, names of people) is left out: this
is a publication.

A package without commitments (a región with a protocol and nothing
registered) still has both files; its JSON is then described as a plain
JSON resource with its size and SHA-256, as an empty ARI or IRAL table is
(:mod:`reports.instrument_open_data`): frictionless cannot read a tabular
JSON file without a first record, and called the empty package invalid."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from models.commitments import Status
from reports.figures import VERIFICATION_WORDS, CommitmentRecord
from reports.safe_text import CSV_NOTE, neutralise_cell

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/deed.es",
    "title": "Creative Commons Atribución 4.0 Internacional",
}
VERIFICATIONS = sorted({*VERIFICATION_WORDS.values(), "sin informe"})
SHA256 = {"pattern": "^[0-9a-f]{64}$"}
NOT_NEGATIVE = {"minimum": 0}


@dataclass(frozen=True)
class Column:
    """One field of the open data: its Table Schema type, a title and a
    description in Spanish, and the constraints every value keeps."""

    name: str
    type: str
    title: str
    description: str
    constraints: dict[str, Any] | None = None

    def schema(self) -> dict[str, Any]:
        field: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "description": self.description,
        }
        if self.type == "date":
            field["format"] = "%Y-%m-%d"
        if self.constraints:
            field["constraints"] = self.constraints
        return field


FIELDS: list[Column] = [
    Column("id", "integer", "Número", "Número del compromiso en el sistema",
           {"required": True, "unique": True, "minimum": 1}),
    Column("territorio", "string", "Territorio", "Territorio del programa", {"required": True}),
    Column("programa", "string", "Programa", "Programa territorial"),
    Column("institucion", "string", "Institución", "Institución que se compromete",
           {"required": True}),
    Column("institucion_rut", "string", "RUT de la institución",
           "RUT de la institución, con dígito verificador"),
    Column("acta", "string", "Acta de origen",
           "Acta, protocolo, convenio, resolución u oficio de origen", {"required": True}),
    Column("acta_fecha", "date", "Fecha del acta", "Fecha del acta (inicio)", {"required": True}),
    Column("compromiso", "string", "Compromiso", "Acción comprometida", {"required": True}),
    Column("fuente", "string", "Fuente", "Fuente de financiamiento"),
    Column("monto", "integer", "Monto comprometido",
           "Monto comprometido en pesos chilenos (CLP); vacío si el acta no lo fija",
           NOT_NEGATIVE),
    Column("monto_ejecutado", "integer", "Monto ejecutado",
           "Monto ejecutado al cierre del periodo, en pesos chilenos (CLP)",
           {"required": True, **NOT_NEGATIVE}),
    Column("sobre_ejecucion", "boolean", "Sobre-ejecución",
           "El monto ejecutado supera el comprometido", {"required": True}),
    Column("plazo", "date", "Plazo", "Plazo acordado vigente al cierre del periodo",
           {"required": True}),
    Column("vencimiento", "date", "Vencimiento",
           "Vencimiento efectivo: el plazo o, si cae en día inhábil, el día hábil siguiente",
           {"required": True}),
    Column("estado", "string", "Estado",
           "Estado al cierre del periodo: pendiente, por_vencer, vencido, informado, "
           "cumplido o cancelado", {"required": True, "enum": [s.value for s in Status]}),
    Column("informado_el", "date", "Informado el",
           "Fecha de cumplimiento informada por el responsable"),
    Column("cumplido_el", "date", "Cumplido el", "Fecha de cumplimiento"),
    Column("verificacion", "string", "Verificación",
           "Verificación del cumplimiento: verificado, por verificar o sin informe",
           {"required": True, "enum": VERIFICATIONS}),
    Column("verificado_el", "date", "Verificado el",
           "Fecha en que la gerencia verificó el cumplimiento"),
    Column("dias_atraso", "integer", "Días de atraso",
           "Días hábiles de atraso al cierre, si está vencido", NOT_NEGATIVE),
    Column("nuevo_en_periodo", "boolean", "Nuevo en el periodo",
           "El acta se firmó dentro del periodo", {"required": True}),
    Column("productos", "string", "Productos", "Productos comprometidos o entregados"),
    Column("beneficiarios", "integer", "Beneficiarios", "Número de beneficiarios", NOT_NEGATIVE),
    Column("evidencias", "array", "Medios de verificación",
           "Medios de verificación registrados, como lista JSON de objetos con tipo, nombre o "
           "referencia, sha256, bytes, agregado_el y del_acta", {"required": True}),
    Column("historial_entradas", "integer", "Entradas del historial",
           "Entradas del historial encadenado al generar el paquete",
           {"required": True, **NOT_NEGATIVE}),
    Column("historial_sha256", "string", "SHA-256 del historial",
           "Hash SHA-256 (hexadecimal) de la última entrada del historial encadenado", SHA256),
]  # fmt: skip
if [c.name for c in FIELDS] != [f.name for f in fields(CommitmentRecord)]:
    raise RuntimeError("open data fields out of step with CommitmentRecord")


def _value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [item.record() for item in value]
    return value.isoformat() if isinstance(value, date) else value


def record_dict(record: CommitmentRecord) -> dict[str, Any]:
    return {c.name: _value(getattr(record, c.name)) for c in FIELDS}


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
    (:func:`reports.safe_text.neutralise_cell`); numbers and dates do not.
    Returns the number of records written."""
    count = 0
    # The BOM stays: Excel, which most offices open a CSV with, reads
    # accents wrong without it; the descriptor says ``utf-8`` (the IANA
    # name) and Unicode readers, frictionless among them, skip a BOM.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([c.name for c in FIELDS])
        cells = [(c.name, c.type) for c in FIELDS]
        for record in records:
            writer.writerow(
                [_csv_cell(kind, _value(getattr(record, name))) for name, kind in cells]
            )
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
                handle.write(("\n    " if first else ",\n    ") + _record_json(record))
                first = False
            handle.write("]" if first else "\n  ]")
        handle.write("\n}\n")


def pretty_json(value: Any, pad: str = "") -> str:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``
    with every line after the first indented by ``pad``: the same bytes,
    but with the C encoder for each scalar (``indent`` makes the json module
    fall back to its pure-Python encoder, the package's slowest step)."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = pad + "  "
        return (
            "{\n"
            + ",\n".join(
                f"{inner}{_string(key)}: {pretty_json(value[key], inner)}" for key in sorted(value)
            )
            + f"\n{pad}}}"
        )
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = pad + "  "
        return "[\n" + ",\n".join(inner + pretty_json(v, inner) for v in value) + f"\n{pad}]"
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    return _scalar(value)


_string = json.encoder.encode_basestring  # type: ignore[attr-defined]
_scalar = json.JSONEncoder(ensure_ascii=False).encode


_RECORD_KEYS = [
    (c.name, f"\n      {_string(c.name)}: ") for c in sorted(FIELDS, key=lambda c: c.name)
]


def _record_json(record: CommitmentRecord) -> str:
    """``pretty_json(record_dict(record), "    ")`` without the dict."""
    parts = []
    for name, prefix in _RECORD_KEYS:
        value = getattr(record, name)
        if isinstance(value, str):
            text = _string(value)
        elif value is None:
            text = "null"
        elif value is True or value is False:
            text = "true" if value else "false"
        elif type(value) is int:
            text = str(value)
        elif isinstance(value, date):
            text = _string(value.isoformat())
        else:
            text = pretty_json(_value(value), "      ")
        parts.append(prefix + text)
    return "{" + ",".join(parts) + "\n    }"


def table_schema() -> dict[str, Any]:
    """The Table Schema shared by both files: every field, ``""`` as the
    missing value, ``id`` as the primary key."""
    return {
        "fields": [c.schema() for c in FIELDS],
        "missingValues": [""],
        "primaryKey": ["id"],
    }


def iso_instant(moment: datetime) -> str:
    """``moment`` in UTC, to the second, as ``2026-10-01T12:00:00Z``."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _has_records(path: Path) -> bool:
    """Whether the CSV at ``path`` has a record after its header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        return next(reader, None) is not None


def _empty_json(path: Path) -> dict[str, Any]:
    """The JSON file of a package without commitments, as a plain JSON
    resource checked by its size and SHA-256."""
    data = path.read_bytes()
    return {
        "name": "compromisos-json",
        "type": "json",
        "path": path.name,
        "title": "Compromisos (JSON)",
        "description": (
            "Sin compromisos en este paquete: la propiedad «compromisos» es una lista vacía "
            "y el objeto lleva los datos del paquete."
        ),
        "format": "json",
        "mediatype": "application/json",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
    }


def datapackage(
    name: str,
    title: str,
    meta: dict[str, Any],
    *,
    created: datetime | None = None,
    publisher: str | None = None,
    folder: Path | None = None,
) -> bytes:
    """The Data Package v2 descriptor of the two open-data files, as UTF-8
    JSON with sorted keys: a pure function of its arguments (so the same data
    and the same ``created`` give the same bytes). ``meta`` is the package's
    (``region``, ``region_codigo``, ``periodo_inicio``, ``periodo_fin``, …),
    copied into the descriptor and read for the temporal and spatial
    coverage; ``created`` is when the package was generated; ``publisher``
    (``Settings.report_sender``) is listed as the contributor that
    publishes it. ``folder``: where both files are already written; when
    they hold no commitment, the JSON is described by its size and hash
    (see the module's docstring) instead of as a table."""
    schema = table_schema()
    empty = folder is not None and not _has_records(folder / "compromisos.csv")
    descriptor: dict[str, Any] = {
        **meta,
        "$schema": PROFILE,
        "name": name,
        "title": title,
        "description": (
            "Compromisos de las mesas territoriales de la región, con su estado, montos, "
            "plazos y medios de verificación al cierre del periodo."
        ),
        "keywords": ["compromisos", "desarrollo territorial", "seguimiento", "Chile"],
        "licenses": [LICENSE],
        "resources": [
            {
                "name": "compromisos",
                "type": "table",
                "path": "compromisos.csv",
                "title": "Compromisos (CSV)",
                "description": CSV_NOTE,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {
                    "delimiter": ",",
                    "lineTerminator": "\r\n",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": schema,
            },
            _empty_json(folder / "compromisos.json")
            if empty and folder is not None
            else {
                "name": "compromisos-json",
                "type": "table",
                "path": "compromisos.json",
                "title": "Compromisos (JSON)",
                "description": (
                    "Los mismos compromisos, con el texto exacto, en la propiedad «compromisos» "
                    "de un objeto JSON que también lleva los datos del paquete."
                ),
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                # ``property``/``itemType`` are the v2 Table Dialect's words;
                # ``json`` says the same to frictionless-py 5, which predates them.
                "dialect": {
                    "property": "compromisos",
                    "itemType": "object",
                    "json": {"property": "compromisos", "keyed": True},
                },
                "schema": {
                    **schema,
                    # Keys are sorted in the JSON: match the fields by name.
                    "fieldsMatch": "equal",
                    "foreignKeys": [
                        {
                            "fields": ["id"],
                            "reference": {"resource": "compromisos", "fields": ["id"]},
                        }
                    ],
                },
            },
        ],
    }
    if "periodo_inicio" in meta and "periodo_fin" in meta:
        descriptor["cobertura_temporal"] = {
            "inicio": meta["periodo_inicio"],
            "fin": meta["periodo_fin"],
        }
    if "region_codigo" in meta:
        descriptor["cobertura_espacial"] = {
            "region": meta.get("region"),
            "codigo_cut": meta["region_codigo"],
            "pais": "CL",
        }
    if created is not None:
        descriptor["created"] = iso_instant(created)
    if publisher:
        descriptor["contributors"] = [
            {"title": publisher, "roles": ["publisher"], "organization": publisher}
        ]
    return (json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
