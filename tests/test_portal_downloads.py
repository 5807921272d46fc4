"""The portal's downloads (``/publico/<región>/datos``): the public version of
each published package, read back with real readers (pdfplumber, openpyxl,
csv, frictionless, rdflib): every file's SHA-256 on the page is the one of
the bytes served; no withheld commitment, reason, name, e-mail or private
evidence in any file; only the evidence the gerencia made public; a
decision taken after the build makes the version stale (not listed, 404)
until it is built again; the daily cycle and ``cumple portal`` build it."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, RDF
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import Settings, load_settings
from models import Commitment, Package, Region
from models.evidence import Evidence
from models.portal import PublicEvidence
from reports.build import build_package
from reports.dispatch import record_package
from reports.periods import parse_period
from reports.public_package import DOWNLOADS, refresh_public_packages
from tests.cycle_helpers import run_day
from tests.helpers import Cli
from tests.test_accessibility import DESKTOP, PHONE, Audit, axe_source
from tests.test_browser import ARGS, CHROMIUM, server  # noqa: F401  (the app in uvicorn)
from tests.test_open_data_validation import validate_both_ways
from tests.test_portal import (
    REASON,
    REFERENCE,
    WITHHELD_TEXT,
    _secrets,
    _today,
    client,  # noqa: F401  (the portal's fixtures)
    portal,  # noqa: F401
)
from tracking.evidence import add_evidence
from tracking.failures import open_failures
from tracking.portal import withhold
from tracking.protocols import set_protocol

BASE = "https://cumple.example"
Q3 = parse_period("2026-Q3")
PUBLIC_REFERENCE = "Resolución Exenta N° 77 de la gerencia"
SPDX = Namespace("http://spdx.org/rdf/terms#")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
ROW = re.compile(
    r'<th scope="row"><a href="(?P<path>[^"]+)" download>(?P<name>[^<]+)</a></th>'
    r'.*?<code class="sha256">(?P<sha>[0-9a-f]{64})</code>'
)
MEDIA = {
    "informe.pdf": "application/pdf",
    "planilla.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "compromisos.csv": "text/csv; charset=utf-8",
    "compromisos.json": "application/json",
    "datapackage.json": "application/json",
    "catalogo.jsonld": "application/ld+json",
    "manifest.json": "application/json",
}


def _settings(database_url: str, tmp_path: Path) -> Settings:
    """The client fixture's settings (same data folder and address)."""
    return load_settings(database_url=database_url, data_dir=tmp_path / "var", base_url=BASE)


def _package(engine: Engine, settings: Settings, region_name: str) -> Path:
    """Build and record a región's 2026-Q3 package, as ``cumple report`` does."""
    with Session(engine) as session:
        region = session.scalars(select(Region).where(Region.name == region_name)).one()
    now = datetime(2026, 10, 1, 12, tzinfo=UTC)
    built = build_package(engine, settings, region, Q3, now=now)
    record_package(engine, settings, built, [], "Gobernador(a)", now, automatic=False)
    return built.folder


def _publish_evidence(engine: Engine, commitment_id: int) -> None:
    """Evidence the gerencia made public (a row of ``public_evidence``)."""
    with Session(engine) as session:
        add_evidence(session, commitment_id, [], [PUBLIC_REFERENCE], "gerente@loa.cl", _today())
        evidence_id = session.scalars(
            select(Evidence.id).where(Evidence.reference == PUBLIC_REFERENCE)
        ).one()
        session.add(PublicEvidence(evidence_id=evidence_id, published_by="Gerencia"))
        session.commit()


def _text(name: str, body: bytes) -> str:
    """Every word a reader of the file sees."""
    if name.endswith(".pdf"):
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages) + str(pdf.metadata)
    if name.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(body), read_only=True)
        props = book.properties
        words = [props.title, props.subject, props.creator, props.keywords, props.description]
        for sheet in book.worksheets:
            words += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
        return "\n".join(w or "" for w in words)
    return body.decode("utf-8-sig")


def _listed(web: TestClient, region: str = "antofagasta") -> dict[str, tuple[str, str]]:
    """name → (address, SHA-256) as the downloads page lists them."""
    page = web.get(f"/publico/{region}/datos")
    assert page.status_code == 200
    return {m["name"]: (m["path"], m["sha"]) for m in ROW.finditer(page.text)}


def _csv_ids(web: TestClient) -> set[int]:
    response = web.get("/publico/antofagasta/datos/2026-Q3/compromisos.csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    return {int(r["id"]) for r in rows}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_downloads_serve_the_public_version_with_its_sha256_and_nothing_private(
    client: TestClient,  # noqa: F811
    portal: dict[str, int],  # noqa: F811
    engine: Engine,
    database_url: str,
    tmp_path: Path,
) -> None:
    settings = _settings(database_url, tmp_path)
    _publish_evidence(engine, portal["loa"])
    private = _package(engine, settings, "Antofagasta")
    _package(engine, settings, "Atacama")
    # The package for the Gobierno Regional has what the public one must not.
    private_csv = (private / "compromisos.csv").read_text("utf-8-sig")
    assert WITHHELD_TEXT in private_csv and REFERENCE in private_csv
    assert REASON in _text("planilla.xlsx", (private / "planilla.xlsx").read_bytes())
    assert client.get("/publico/antofagasta/datos/2026-Q3/compromisos.csv").status_code == 404

    refreshed = Cli(tmp_path, database_url)("portal", "refresh", env={"CUMPLE_BASE_URL": BASE})
    assert (refreshed.returncode, refreshed.stdout.splitlines()) == (0, [
        "Versión pública armada: Región de Antofagasta, tercer trimestre de 2026 (2026-Q3).",
        "1 versión pública armada, 0 ya estaban al día.",
    ])  # fmt: skip
    assert 'href="/publico/antofagasta/datos"' in client.get("/publico/antofagasta").text
    page = client.get("/publico/antofagasta/datos")
    assert "versión pública" in page.text and "compromisos reservados" in page.text
    assert "Tercer trimestre de 2026" in page.text
    listed = _listed(client)
    assert sorted(listed) == sorted(DOWNLOADS)
    secrets = _secrets(engine)
    bodies = {"page": page.text, "region": client.get("/publico/antofagasta").text}
    download = tmp_path / "descarga"
    download.mkdir()
    for name, (path, sha) in listed.items():
        assert path == f"/publico/antofagasta/datos/2026-Q3/{name}"
        response = client.get(path)
        assert response.status_code == 200, name
        assert hashlib.sha256(response.content).hexdigest() == sha, name
        assert response.headers["content-type"] == MEDIA[name]
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.headers["etag"] == f'"{sha}"'
        assert response.headers["cache-control"] == "public, max-age=300"
        (download / name).write_bytes(response.content)
        bodies[name] = _text(name, response.content)
    again = client.get(
        listed["informe.pdf"][0], headers={"If-None-Match": f'"{listed["informe.pdf"][1]}"'}
    )
    assert (again.status_code, again.content) == (304, b"")
    leaks = [(name, s) for name, body in bodies.items() for s in secrets if s in body]
    assert leaks == []
    assert {name: EMAIL.findall(body) for name, body in bodies.items() if EMAIL.search(body)} == {}
    assert (
        "Versión pública" in bodies["informe.pdf"] and "Versión pública" in bodies["planilla.xlsx"]
    )
    assert "ORD. N°" not in bodies["informe.pdf"] and "Gobernador" not in bodies["informe.pdf"]
    assert PUBLIC_REFERENCE in bodies["compromisos.csv"]
    assert '"sello"' in bodies["manifest.json"]
    with Session(engine) as session:
        antofagasta = set(session.scalars(select(Commitment.id).where(Commitment.region_id == 2)))
    assert _csv_ids(client) == antofagasta - {portal["withheld"]}
    validate_both_ways(download / "datapackage.json")

    head = client.head(listed["planilla.xlsx"][0])
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len((download / "planilla.xlsx").read_bytes()))

    catalogue = client.get("/publico/catalogo.jsonld")
    assert catalogue.headers["content-type"] == "application/ld+json"
    assert "atacama" not in catalogue.text.lower()
    assert [s for s in secrets if s in catalogue.text] == []
    graph = Graph().parse(data=catalogue.text, format="json-ld")
    assert len(list(graph.subjects(RDF.type, DCAT.Catalog))) == 1
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert [str(d) for d in datasets] == [f"{BASE}/publico/antofagasta/datos/2026-Q3/#dataset"]
    served = {}
    for item in graph.objects(datasets[0], DCAT.distribution):
        url = str(graph.value(item, DCAT.downloadURL))
        name = url.rsplit("/", 1)[1]
        response = client.get(url.removeprefix(BASE))
        assert response.status_code == 200, url
        checksum = graph.value(item, SPDX.checksum)
        served[name] = (
            graph.value(item, DCAT.byteSize).toPython() == len(response.content),
            str(graph.value(checksum, SPDX.checksumValue)) == listed[name][1],
            str(graph.value(item, DCAT.mediaType)).endswith(MEDIA[name].split(";")[0]),
        )
    assert served == {name: (True, True, True) for name in DOWNLOADS}

    for path in (
        "/publico/atacama/datos",
        "/publico/atacama/datos/2026-Q3/informe.pdf",
        "/publico/antofagasta/datos/2026-Q2/informe.pdf",
        "/publico/antofagasta/datos/2026-q3/informe.pdf",
        "/publico/antofagasta/datos/2026-Q3/secret.key",
        "/publico/antofagasta/datos/2026-Q3/..%2F..%2F..%2Fsecret.key",
        "/publico/antofagasta/datos/..%2F..%2Freports%2Fantofagasta%2F2026-Q3/informe.pdf",
        "/publico/antofagasta/datos/2026-Q3/%2e%2e",
        "/publico/antofagasta/datos/2026-Q3/informe.pdf%00",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "no existe o no está publicada" in response.text, path


def test_the_cycle_builds_the_public_version_and_a_later_decision_makes_it_stale(
    client: TestClient,  # noqa: F811
    portal: dict[str, int],  # noqa: F811
    engine: Engine,
    database_url: str,
    tmp_path: Path,
) -> None:
    settings = _settings(database_url, tmp_path)
    sede, loa = portal["sede"], portal["loa"]
    with Session(engine) as session:
        set_protocol(
            session, region_text="Antofagasta", recipients=["gobernador@gore.cl.example"],
            every="quarter", since=date(2026, 7, 1), title=None,
        )  # fmt: skip
        session.commit()
    assert run_day(engine, settings, date(2026, 10, 1)).packages == 1
    assert sorted(_listed(client)) == sorted(DOWNLOADS)
    assert {loa, sede} <= _csv_ids(client) and portal["withheld"] not in _csv_ids(client)

    with Session(engine) as session:
        withhold(session, sede, "Revisión pendiente", "cli:prueba")
        session.commit()
    assert client.get("/publico/antofagasta/datos/2026-Q3/compromisos.csv").status_code == 404
    assert _listed(client) == {}
    assert "Aún no hay paquetes publicados" in client.get("/publico/antofagasta/datos").text
    catalogue = Graph().parse(data=client.get("/publico/catalogo.jsonld").text, format="json-ld")
    assert list(catalogue.subjects(RDF.type, DCAT.Dataset)) == []

    # The next cycle builds no package, but the stale public version again.
    assert run_day(engine, settings, date(2026, 10, 2)).packages == 0
    assert sorted(_listed(client)) == sorted(DOWNLOADS)
    assert loa in _csv_ids(client) and sede not in _csv_ids(client)
    pdf = client.get("/publico/antofagasta/datos/2026-Q3/informe.pdf").content
    assert "Habilitar sede comunitaria" not in _text("informe.pdf", pdf)
    assert "Transferencia Loa" in _text("informe.pdf", pdf)

    released = Cli(tmp_path, database_url)(
        "portal", "release", str(sede), env={"CUMPLE_BASE_URL": BASE}
    )
    assert released.stdout.splitlines() == [
        f"El compromiso N° {sede} ya no está reservado.",
        "Versión pública armada: Región de Antofagasta, tercer trimestre de 2026 (2026-Q3).",
        "1 versión pública armada, 0 ya estaban al día.",
    ]
    assert sede in _csv_ids(client)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_version_that_cannot_be_built_does_not_stop_the_others(
    client: TestClient,  # noqa: F811
    portal: dict[str, int],  # noqa: F811
    engine: Engine,
    database_url: str,
    tmp_path: Path,
) -> None:
    with Session(engine) as session:
        for region_id in (2, 3):  # Antofagasta (published) and Atacama (not yet)
            session.add(
                Package(
                    region_id=region_id, period=Q3.key, period_start=Q3.start,
                    period_end=Q3.end, folder=str(tmp_path), manifest_sha256="0" * 64,
                    generated_at=datetime(2026, 10, 1, 12, tzinfo=UTC),
                )
            )  # fmt: skip
        session.commit()
    # A file where Antofagasta's folder of public versions must go.
    blocker = tmp_path / "var" / "publico" / "antofagasta"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("no es una carpeta")
    cli = Cli(tmp_path, database_url)
    env = {"CUMPLE_BASE_URL": BASE}
    enabled = cli("portal", "enable", "--region", "Atacama", env=env)
    assert enabled.stdout.splitlines() == [
        "La Región de Atacama quedó publicada en el portal.",
        "Versión pública armada: Región de Atacama, tercer trimestre de 2026 (2026-Q3).",
        "1 versión pública armada, 0 ya estaban al día.",
    ]
    refreshed = cli("portal", "refresh", env=env)
    assert (refreshed.returncode, refreshed.stdout) == (
        1, "0 versiones públicas armadas, 1 ya estaba al día, 1 con error.\n"
    )  # fmt: skip
    assert refreshed.stderr.startswith(
        "No se pudo armar la versión pública de Región de Antofagasta, tercer trimestre de "
        "2026 (2026-Q3): FileExistsError: "
    )
    assert client.get("/publico/atacama/datos/2026-Q3/informe.pdf").status_code == 200
    assert [(f.subject, f.region_id) for f in open_failures(engine)] == [
        ("Versión pública del paquete 2026-Q3 de la Región de Antofagasta", 2)
    ]
    unpublished = cli("portal", "refresh", "--region", "Tarapacá", env=env)
    assert (unpublished.returncode, unpublished.stderr.strip()) == (
        1, "Error: La Región de Tarapacá no está publicada en el portal; publíquela con "
        "«cumple portal enable --region Tarapacá»."
    )  # fmt: skip
    blocker.unlink()
    settings = _settings(database_url, tmp_path)
    again = refresh_public_packages(engine, settings, day=date(2026, 10, 2))
    assert ([p.region.slug for p in again.built], [p.region.slug for p in again.current]) == (
        ["antofagasta"], ["atacama"]
    )  # fmt: skip
    assert open_failures(engine) == []
    assert sorted(_listed(client)) == sorted(DOWNLOADS)


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium (Debian) no instalado")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_downloads_page_passes_axe_at_both_widths(
    server: Any,  # noqa: F811
    portal: dict[str, int],  # noqa: F811
    engine: Engine,
) -> None:
    from playwright.sync_api import sync_playwright

    base, settings = server
    _package(engine, settings, "Antofagasta")
    assert len(refresh_public_packages(engine, settings, day=date(2026, 10, 1)).built) == 1
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for viewport in (DESKTOP, PHONE):
            context = browser.new_context(locale="es-CL", viewport=viewport)  # type: ignore[arg-type]
            page = context.new_page()
            audit = Audit(page, viewport, axe_source())
            page.goto(f"{base}/publico/antofagasta/datos")
            audit.check("/publico/<región>/datos")
            assert page.get_by_role("link", name="informe.pdf").count() == 1
            assert audit.problems == []
            context.close()
        browser.close()
