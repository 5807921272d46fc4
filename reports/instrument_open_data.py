"""The open data of an ARI or IRAL package: a CSV and a JSON file per
table of :mod:`reports.instrument_tables`, and ``datapackage.json``, a
Frictionless Data Package v2 describing each as a typed table (every field
with its type, title, description and constraints).

A table with no records (a región with nothing due in the year) still has
both files, but its JSON is described as a plain JSON resource with its size
and SHA-256: frictionless cannot read a tabular JSON file without a first
record, and would call an empty but correct package invalid."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reports.instrument_tables import RECORDS, Table
from reports.open_data import LICENSE, PROFILE, iso_instant
from reports.safe_text import CSV_NOTE, neutralise_cell


def _csv_cell(kind: str, value: Any) -> Any:
    if value is None:
        return ""
    if kind == "string" and isinstance(value, str):
        return neutralise_cell(value)
    if kind == "boolean":
        return "true" if value else "false"
    return value


def write_open_data(folder: Path, tables: Sequence[Table], meta: dict[str, Any]) -> list[str]:
    """``<name>.csv`` (UTF-8 with BOM, CRLF) and ``<name>.json`` (``meta``
    and the records under ``registros``, sorted keys) of each table; returns
    the file names."""
    names: list[str] = []
    for table in tables:
        with (folder / f"{table.name}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([f.column.name for f in table.fields])
            for row in table.rows:
                writer.writerow(
                    [_csv_cell(f.column.type, table.value(f, row)) for f in table.fields]
                )
        records = [{f.column.name: table.value(f, row) for f in table.fields} for row in table.rows]
        document = {**meta, RECORDS: records}
        (folder / f"{table.name}.json").write_text(
            json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        names += [f"{table.name}.csv", f"{table.name}.json"]
    return names


def _schema(table: Table) -> dict[str, Any]:
    return {"fields": [f.column.schema() for f in table.fields], "missingValues": [""]}


def _empty_table(table: Table, folder: Path) -> list[dict[str, Any]]:
    """The resources of a table without records: the CSV (its header only)
    still typed; the JSON as a plain JSON file checked by size and hash."""
    data = (folder / f"{table.name}.json").read_bytes()
    return [
        {
            "name": table.name,
            "type": "table",
            "path": f"{table.name}.csv",
            "title": f"{table.title} (CSV)",
            "description": f"{table.description} Sin registros en este paquete.",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
            "schema": _schema(table),
        },
        {
            "name": f"{table.name}-json",
            "type": "json",
            "path": f"{table.name}.json",
            "title": f"{table.title} (JSON)",
            "description": f"Sin registros: la propiedad «{RECORDS}» es una lista vacía.",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        },
    ]


def datapackage(
    name: str,
    title: str,
    description: str,
    tables: Sequence[Table],
    meta: dict[str, Any],
    *,
    created: datetime,
    publisher: str,
    folder: Path,
) -> bytes:
    """The Data Package v2 descriptor of the tables' CSV and JSON files
    (already written in ``folder``), with ``meta`` (región, periodo, …)
    copied in; sorted keys."""
    resources: list[dict[str, Any]] = []
    for table in tables:
        if not table.rows:
            resources += _empty_table(table, folder)
            continue
        resources.append(
            {
                "name": table.name,
                "type": "table",
                "path": f"{table.name}.csv",
                "title": f"{table.title} (CSV)",
                "description": f"{table.description} {CSV_NOTE}",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": _schema(table),
            }
        )
        resources.append(
            {
                "name": f"{table.name}-json",
                "type": "table",
                "path": f"{table.name}.json",
                "title": f"{table.title} (JSON)",
                "description": f"Los mismos registros, en la propiedad «{RECORDS}».",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "dialect": {
                    "property": RECORDS,
                    "itemType": "object",
                    "json": {"property": RECORDS, "keyed": True},
                },
                "schema": {**_schema(table), "fieldsMatch": "equal"},
            }
        )
    descriptor = {
        **meta,
        "$schema": PROFILE,
        "name": name,
        "title": title,
        "description": description,
        "keywords": ["inversión regional", "compromisos", "desarrollo territorial", "Chile"],
        "licenses": [LICENSE],
        "resources": resources,
        "created": iso_instant(created),
        "contributors": [{"title": publisher, "roles": ["publisher"], "organization": publisher}],
    }
    return (json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
