"""The open data passes validators nobody here wrote: every package the
tests build is checked by frictionless (its Python API and its console
script, Data Package v2), and the DCAT-AP catalogue is read by rdflib as
JSON-LD, the way a CKAN portal's harvester (ckanext-dcat) reads it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import frictionless
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from importer import import_file
from models import Commitment
from reports.build import FILES
from reports.catalog import catalog
from reports.open_data import PROFILE, datapackage
from tests.helpers import HEADER, row, write_csv
from tests.test_reports import NOW, build, load
from tracking.updates import Change, apply_change

FRICTIONLESS = str(Path(sys.executable).with_name("frictionless"))
HOSTILE = {
    "compromisos": 'Pagar "$1,5 millones"; luego\nfirmar, =SUM(A1) <b>',
    "fuente": '=HYPERLINK("http://x")',
    "programa": "@programa; «Añañuca» ñandú 🌵",
    "productos": '-2+3, "comillas"\notra línea',
    "institucion": 'Servicio "Ñuble", División; Ñ',
}
LOCN = Namespace("http://www.w3.org/ns/locn#")


def load_hostile(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """Hostile text in every text field, empty amounts, and commitments
    left fulfilled, cancelled, overdue and with a new due date."""
    header = [*HEADER, "programa", "productos", "beneficiarios"]
    rows = [
        row(compromiso=HOSTILE["compromisos"], fuente=HOSTILE["fuente"], monto="",
            programa=HOSTILE["programa"], productos=HOSTILE["productos"], plazo="2026-08-14"),
        row(compromiso="Segundo", institucion=HOSTILE["institucion"], institucion_rut="",
            monto="", plazo="2026-09-30"),
        row(compromiso="Tercero", monto="7000000", plazo="2026-07-31", beneficiarios="0"),
        row(compromiso="Cuarto", monto="500", plazo="2026-09-04"),
    ]  # fmt: skip
    import_file(engine, write_csv(tmp_path / "h.csv", rows, header=header), actor="prueba")
    with Session(engine) as session:
        ids = {c.text.split()[0]: c.id for c in session.scalars(select(Commitment))}
        for name, change in (
            ("Segundo", Change(status="cancelado", reason="Sin presupuesto", on=date(2026, 8, 3))),
            ("Tercero", Change(status="cumplido", executed_amount=9_000_000,
                               reason="Aporte adicional", on=date(2026, 7, 30))),
            ("Cuarto", Change(due_date=date(2026, 9, 25), reason="Lluvias", on=date(2026, 8, 20))),
        ):  # fmt: skip
            apply_change(session, ids[name], change, "gerente", date(2026, 11, 25))
            session.commit()
    return ids


def validate_both_ways(descriptor: Path) -> None:
    """frictionless's Python API and its console script both accept it."""
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])
    assert len(report.tasks) == 2
    cli = subprocess.run(
        [FRICTIONLESS, "validate", descriptor.name], cwd=descriptor.parent,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stdout + cli.stderr


@pytest.mark.parametrize("loader", [load, load_hostile], ids=["estados", "hostil"])
def test_every_package_validates(
    engine: Engine, database_url: str, tmp_path: Path, loader: object
) -> None:
    loader(engine, tmp_path)  # type: ignore[operator]
    folder = build(engine, database_url, tmp_path).folder
    validate_both_ways(folder / "datapackage.json")
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    assert descriptor["$schema"] == PROFILE
    assert {r["encoding"] for r in descriptor["resources"]} == {"utf-8"}
    assert (folder / "compromisos.csv").read_bytes().startswith(b"\xef\xbb\xbfid,")
    # frictionless reads the CSV the BOM and all: the labels and the text are exact.
    package = frictionless.Package(str(folder / "datapackage.json"))
    table = package.get_resource("compromisos").read_rows()
    exact = {r["id"]: r for r in package.get_resource("compromisos-json").read_rows()}
    assert package.get_resource("compromisos").schema.field_names[0] == "id"
    assert {r["id"] for r in table} == set(exact)
    for line in table:
        twin = exact[line["id"]]
        assert line["monto"] == twin["monto"] and line["estado"] == twin["estado"]
        assert line["plazo"] == twin["plazo"] and isinstance(line["plazo"], date)
        assert line["evidencias"] == twin["evidencias"]


def test_hostile_text_and_empty_amounts_read_back(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    ids = load_hostile(engine, tmp_path)
    folder = build(engine, database_url, tmp_path).folder
    package = frictionless.Package(str(folder / "datapackage.json"))
    exact = {r["id"]: r for r in package.get_resource("compromisos-json").read_rows()}
    first = exact[ids["Pagar"]]
    assert (first["compromiso"], first["fuente"], first["monto"]) == (
        HOSTILE["compromisos"], HOSTILE["fuente"], None
    )  # fmt: skip
    assert first["productos"] == HOSTILE["productos"]
    assert exact[ids["Segundo"]]["estado"] == "cancelado"
    assert exact[ids["Tercero"]]["sobre_ejecucion"] is True
    assert exact[ids["Cuarto"]]["plazo"] == date(2026, 9, 25)
    text = (folder / "compromisos.csv").read_bytes().decode("utf-8-sig")
    cells = {int(r["id"]): r for r in csv.DictReader(io.StringIO(text, newline=""))}
    assert cells[ids["Pagar"]]["fuente"] == "'" + HOSTILE["fuente"]
    assert cells[ids["Pagar"]]["monto"] == ""


def test_a_broken_file_is_caught(engine: Engine, database_url: str, tmp_path: Path) -> None:
    """The validation is not vacuous: a status outside the list, a word in an
    amount and a record missing from the CSV are each reported."""
    load(engine, tmp_path)
    folder = build(engine, database_url, tmp_path).folder
    document = json.loads((folder / "compromisos.json").read_text("utf-8"))
    document["compromisos"][0]["estado"] = "olvidado"
    document["compromisos"][1]["monto"] = "mucho"
    document["compromisos"][2]["id"] = 999
    (folder / "compromisos.json").write_text(json.dumps(document), "utf-8")
    report = frictionless.validate(str(folder / "datapackage.json"))
    found = {(e[0], e[1]) for e in report.flatten(["type", "fieldName"])}
    assert found == {("constraint-error", "estado"), ("type-error", "monto"),
                     ("foreign-key", None)}  # fmt: skip


def test_descriptor_names_its_publisher_dates_and_coverage(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load(engine, tmp_path)
    built = build(engine, database_url, tmp_path)
    meta = {"region": "Antofagasta", "region_codigo": "02", "periodo": "2026-Q3",
            "periodo_inicio": "2026-07-01", "periodo_fin": "2026-09-30",
            "preliminar": False}  # fmt: skip
    sender = "Coordinación Regional de Seguimiento de Compromisos"
    body = datapackage("compromisos-antofagasta-2026-q3", "Compromisos", meta, created=NOW,
                       publisher=sender)  # fmt: skip
    assert body == datapackage("compromisos-antofagasta-2026-q3", "Compromisos", meta,
                               created=NOW, publisher=sender)  # fmt: skip
    (built.folder / "datapackage.json").write_bytes(body)
    validate_both_ways(built.folder / "datapackage.json")
    descriptor = json.loads(body)
    assert descriptor["created"] == "2026-10-01T12:00:00Z"
    assert descriptor["contributors"] == [
        {"title": sender, "organization": sender, "roles": ["publisher"]}
    ]
    assert descriptor["cobertura_temporal"] == {"inicio": "2026-07-01", "fin": "2026-09-30"}
    assert descriptor["cobertura_espacial"]["codigo_cut"] == "02"
    assert descriptor["licenses"][0]["path"].startswith("https://creativecommons.org/")
    csv_resource = descriptor["resources"][0]
    assert csv_resource["type"] == "table" and csv_resource["dialect"]["delimiter"] == ","
    schema = csv_resource["schema"]
    assert schema["missingValues"] == [""] and schema["primaryKey"] == ["id"]
    assert all(f["title"] and f["description"] for f in schema["fields"])
    assert all(f["format"] == "%Y-%m-%d" for f in schema["fields"] if f["type"] == "date")
    enums = {f["name"]: f["constraints"]["enum"] for f in schema["fields"]
             if "enum" in f.get("constraints", {})}  # fmt: skip
    assert enums == {
        "estado": ["pendiente", "por_vencer", "vencido", "informado", "cumplido", "cancelado"],
        "verificacion": ["por verificar", "sin informe", "verificado"],
    }


def test_catalogue_is_dcat_ap_that_a_harvester_reads(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load_hostile(engine, tmp_path)
    folder = build(engine, database_url, tmp_path).folder
    meta = {"region": "Región de Antofagasta", "region_codigo": "02",
            "periodo_inicio": "2026-07-01", "periodo_fin": "2026-09-30"}  # fmt: skip
    base = "https://cumple.example/datos/antofagasta/2026-Q3/"
    arguments = {"name": "compromisos-antofagasta-2026-q3", "title": "Compromisos «Q3»",
                 "meta": meta, "created": datetime(2026, 10, 1, 9, 30, tzinfo=UTC),
                 "publisher": "Coordinación Regional", "base_url": base}  # fmt: skip
    body = catalog(folder, FILES, **arguments)  # type: ignore[arg-type]
    assert body == catalog(folder, FILES, **arguments)  # type: ignore[arg-type]
    graph = Graph().parse(data=body, format="json-ld")
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert datasets == [URIRef(base + "#dataset")]
    dataset = datasets[0]
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.issued,
                 DCTERMS.temporal, DCTERMS.spatial, DCTERMS.license):  # fmt: skip
        assert graph.value(dataset, prop) is not None, prop
    assert graph.value(dataset, DCTERMS.issued) == Literal(
        "2026-10-01T09:30:00Z", datatype=XSD.dateTime
    )
    period = graph.value(dataset, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2026-07-01", datatype=XSD.date)
    assert graph.value(graph.value(dataset, DCTERMS.spatial), DCTERMS.identifier) == Literal("02")
    distributions = set(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(FILES)
    sizes = {
        str(graph.value(d, DCAT.downloadURL)).removeprefix(base): (
            graph.value(d, DCAT.byteSize).toPython(),
            str(graph.value(d, DCAT.mediaType)).rsplit("/", 2)[-2:],
        )
        for d in distributions
    }
    assert sizes["compromisos.csv"] == ((folder / "compromisos.csv").stat().st_size,
                                        ["text", "csv"])  # fmt: skip
    assert {name: size for name, (size, _) in sizes.items()} == {
        name: (folder / name).stat().st_size for name in FILES
    }
    assert all(graph.value(d, DCAT.accessURL) is not None for d in distributions)


def test_same_data_gives_the_same_bytes_in_every_open_file(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    load_hostile(engine, tmp_path)
    first = build(engine, database_url, tmp_path, out=tmp_path / "uno")
    second = build(engine, database_url, tmp_path, out=tmp_path / "dos")
    for name in ("compromisos.csv", "compromisos.json", "datapackage.json"):
        assert (first.folder / name).read_bytes() == (second.folder / name).read_bytes(), name
