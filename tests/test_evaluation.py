"""``cumple evaluation``: the annual self-evaluation grades each requirement
from the evidence the record holds (nulo: no expected improvement, menor:
at least one, mayor: all), with one sentence each and correct plurals; a
región whose packages went out on the due day has 2.1 *mayor*, the same
record without its protocol has 2.1 *nulo*, and packages mailed eight
business days late leave it *menor*. Through the console script (JSON,
DOCX read back with python-docx, PDF with pdfplumber) and the web, within
each role's scope."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlmodel import Session

from config import load_settings
from importer import import_file
from models import Commitment, Package, Protocol, ProtocolRecipient, TerritoryComuna
from models.calendar import calendar_for
from models.db import make_engine
from models.public_services import InstitutionKind, institution_kind
from reports.evaluation import (
    Criterion,
    Grade,
    due_packages,
    evaluate,
    grade_of,
    grade_sentence,
)
from reports.periods import due_on, parse_period
from tests.cycle_helpers import run_day, settings_for
from tests.helpers import BATCH_RUNNER, Cli, pdf_bytes, row, write_csv
from tracking.accounts import add_user
from tracking.evaluation import Evidence, PackageBuild, ProtocolVersion, TerritoryFacts
from tracking.evidence import report_progress
from tracking.evidence_store import EvidenceStore
from tracking.updates import Change, Report, apply_change, decide
from web.app import create_app

DAY = date(2026, 11, 30)
"""The day the evidence is read on (``--date``)."""
PERIODS = ("2026-Q3",)
"""The quarters of the protocol (from 1 July 2026) due in 2026 by DAY (one
keeps the test fast: each package costs a PDF with charts)."""
PASSWORD = "una-clave-larga-de-prueba"


def _criteria(*achieved: bool) -> list[Criterion]:
    names = ["protocolo vigente", "paquetes elaborados y enviados", "paquetes enviados a tiempo"]
    missing = ["sin protocolo", "1 de 3 sin enviar", "2 de 3 fuera de plazo"]
    return [
        Criterion(key, names[i], done, "evidencia", missing[i], "recomendación")
        for i, (key, done) in enumerate(zip("abc", achieved, strict=True))
    ]


@pytest.mark.parametrize(
    ("achieved", "grade", "sentence"),
    [
        ((False, False, False), Grade.NULO,
         "Nulo: no se logró ninguna de las 3 mejoras esperadas; faltan: protocolo vigente (sin "
         "protocolo), paquetes elaborados y enviados (1 de 3 sin enviar) y paquetes enviados a "
         "tiempo (2 de 3 fuera de plazo)."),
        ((True, False, False), Grade.MENOR,
         "Menor: se logró 1 de 3 mejoras (protocolo vigente); faltan: paquetes elaborados y "
         "enviados (1 de 3 sin enviar) y paquetes enviados a tiempo (2 de 3 fuera de plazo)."),
        ((True, True, False), Grade.MENOR,
         "Menor: se lograron 2 de 3 mejoras (protocolo vigente y paquetes elaborados y "
         "enviados); falta: paquetes enviados a tiempo (2 de 3 fuera de plazo)."),
        ((True, True, True), Grade.MAYOR, "Mayor: se lograron las 3 mejoras esperadas."),
    ],
)  # fmt: skip
def test_a_grade_is_the_rule_over_the_improvements_with_one_sentence(
    achieved: tuple[bool, ...], grade: Grade, sentence: str
) -> None:
    assert grade_of(achieved) is grade
    assert grade_sentence(_criteria(*achieved)) == sentence


def test_one_improvement_reads_in_the_singular() -> None:
    one = [Criterion("a", "protocolo vigente", True, "", "", "")]
    assert grade_sentence(one) == "Mayor: se logró la mejora esperada."
    none = [Criterion("a", "protocolo vigente", False, "", "sin protocolo", "")]
    assert grade_sentence(none) == (
        "Nulo: no se logró la mejora esperada; falta: protocolo vigente (sin protocolo)."
    )
    assert grade_of([]) is Grade.NULO


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("FOSIS", InstitutionKind.PUBLIC_SERVICE),
        ("Dirección Regional de SERCOTEC", InstitutionKind.PUBLIC_SERVICE),
        ("Servicio de Cooperación Técnica", InstitutionKind.PUBLIC_SERVICE),
        ("Municipalidad de Ovalle", InstitutionKind.MUNICIPALITY),
        ("I. Municipalidad de Río Hurtado", InstitutionKind.MUNICIPALITY),
        ("Ilustre Municipalidad de Punitaqui", InstitutionKind.MUNICIPALITY),
        ("Comunidad Atacameña de Lasana", InstitutionKind.PRIVATE),
        ("Cosmo Andino", InstitutionKind.PRIVATE),
        ("Sagrada Familia Ltda.", InstitutionKind.PRIVATE),
    ],
)
def test_institutions_are_classified_by_name(name: str, kind: InstitutionKind) -> None:
    assert institution_kind(name) is kind


def _evidence(versions: tuple[ProtocolVersion, ...], builds: tuple[PackageBuild, ...]) -> Evidence:
    return Evidence(
        region="Coquimbo", region_official="Región de Coquimbo", iso_code="CO", year=2026,
        day=DAY, territories=(TerritoryFacts("Limarí Emprende", 5, 2, 4),),
        iral_period="2027-IRAL", iral_built_on=None, institutions=(), actas=2, commitments=4,
        with_amount=1, committed=1_000, executed=0, reported=0, fulfilled=0,
        fulfilled_verified=0, open=4, overdue=1, versions=versions, builds=builds,
        rectifications=0, rectified_periods=(),
    )  # fmt: skip


def test_packages_due_in_the_year_follow_the_protocol_versions() -> None:
    calendar = calendar_for("CO")
    # Quarterly from October 2025 (its fourth quarter is due in January
    # 2026), monthly from September 2026.
    versions = (
        ProtocolVersion(date(2025, 10, 1), "quarter"),
        ProtocolVersion(date(2026, 9, 1), "month"),
    )
    q1_due = due_on(parse_period("2026-Q1"), calendar)
    builds = (
        PackageBuild("2025-Q4", date(2026, 1, 2), date(2026, 1, 2)),
        PackageBuild("2026-Q1", q1_due, calendar.add(q1_due, 6)),  # one day too late
        PackageBuild("2026-Q2", date(2026, 7, 1), None),  # built, never mailed
        PackageBuild("2026-09", date(2026, 10, 1), date(2026, 10, 1)),
    )
    packages = due_packages(_evidence(versions, builds))
    assert [p.period for p in packages] == [
        "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-09", "2026-10",
    ]  # fmt: skip
    assert [(p.mailed, p.on_time) for p in packages] == [
        (True, True), (True, False), (False, False), (False, False), (True, True), (False, False),
    ]  # fmt: skip
    assert packages[1].deadline == calendar.add(q1_due, 5)
    information = evaluate(_evidence(versions, builds)).requirements[3]
    assert information.grade is Grade.MENOR
    assert information.sentence == (
        "Menor: se logró 1 de 3 mejoras (protocolo vigente); faltan: paquetes elaborados y "
        "enviados (3 de 6 sin enviar) y paquetes enviados a tiempo (4 de 6 fuera de plazo)."
    )
    without = evaluate(_evidence((), builds)).requirements[3]
    assert without.grade is Grade.NULO and not due_packages(_evidence((), builds))


# --- End to end: a región's record, its cycles, the console script and the web -------------


def _rows() -> list[dict[str, object]]:
    coquimbo = {
        "region": "Coquimbo",
        "territorio": "Limarí Emprende",
        "acta_fecha": "2026-03-10",
        "acta_numero": "1",
        "territorio_gerente_email": "gerente.limari@cumple.example",
    }
    elqui = {
        **coquimbo,
        "territorio": "Valle del Elqui",
        "acta_fecha": "2026-05-05",
        "territorio_gerente_email": "gerente.elqui@cumple.example",
    }
    return [
        row(**coquimbo, compromiso="Fondo de emprendimiento de Ovalle", monto="$20.000.000",
            plazo="2026-06-30"),
        row(**coquimbo, institucion="Municipalidad de Ovalle", institucion_rut="",
            responsable_email="fomento@ovalle.cl.example", compromiso="Local para la feria",
            monto="$10.000.000", plazo="2026-12-30"),
        row(**coquimbo, institucion="Comunidad Agrícola El Tome", institucion_rut="",
            responsable_email="directiva@eltome.cl.example", compromiso="Mano de obra",
            monto="", plazo="2027-03-31"),
        row(**elqui, institucion="SERCOTEC", institucion_rut="",
            responsable_email="elqui@sercotec.cl.example", compromiso="Asesoría a ferias",
            monto="$5.000.000", plazo="2026-12-15"),
    ]  # fmt: skip


def _base(folder: Path, template: Path) -> Path:
    """A SQLite database with the región's actas, comunas, one verified
    fulfilment with its PDF and a quarterly protocol from 1 July 2026."""
    folder.mkdir(parents=True)
    path = folder / "cumple.db"
    shutil.copyfile(template, path)
    engine = make_engine(f"sqlite:///{path}")
    import_file(engine, write_csv(folder / "actas.csv", _rows()), actor="prueba")
    settings = load_settings(database_url=f"sqlite:///{path}", data_dir=folder / "var")
    with Session(engine) as session:
        stored_rows = list(session.scalars(select(Commitment)))
        ids = {c.text: c.id for c in stored_rows}
        territories = {c.text: c.territory_id for c in stored_rows}
        for text, code in (("Fondo de emprendimiento de Ovalle", "04301"),
                           ("Mano de obra", "04304"), ("Asesoría a ferias", "04106")):  # fmt: skip
            session.add(TerritoryComuna(territory_id=territories[text], comuna_code=code))
        stored = EvidenceStore(settings.data_dir / "evidencias").save(
            "resolucion.pdf", io.BytesIO(pdf_bytes("Resolución Exenta N° 77"))
        )
        fund = ids["Fondo de emprendimiento de Ovalle"]
        report = Report(fulfilled=True, executed_amount=20_000_000, on=date(2026, 6, 20))
        report_progress(session, fund, report, [stored], ["Resolución Exenta N° 77"],
                        "enlace: responsable", DAY)  # fmt: skip
        decide(session, fund, "verify", "gerente.limari@cumple.example", DAY)
        session.commit()
    from tracking.protocols import set_protocol

    with Session(engine) as session:
        set_protocol(session, region_text="Coquimbo", recipients=["gore@coquimbo.cl.example"],
                     every="quarter", since=date(2026, 7, 1), title=None)  # fmt: skip
        session.commit()
    engine.dispose()
    return path


def _copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copyfile(source, folder / "cumple.db")
    return folder / "cumple.db"


def _cycles(path: Path, late_by: int) -> None:
    """The daily cycle on each quarter's due day, or ``late_by`` business
    days after it; packages go into the local mail sink."""
    engine = make_engine(f"sqlite:///{path}")
    settings = settings_for(path.parent, f"sqlite:///{path}", None)
    calendar = calendar_for("CO")
    for key in PERIODS:
        due = due_on(parse_period(key), calendar)
        run_day(engine, settings, calendar.add(due, late_by) if late_by else due)
    engine.dispose()


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> dict[str, Path]:
    """Three copies of one región's record: packages sent on their due day
    (with a rectification and the IRAL 2027 proposal), the same without its
    protocol, and packages sent eight business days late."""
    root = tmp_path_factory.mktemp("evaluation")
    base = _base(root / "base", sqlite_template)
    on_time = _copy(base, root / "a-tiempo")
    late = _copy(base, root / "atrasado")
    _cycles(on_time, 0)
    _cycles(late, 8)
    engine = make_engine(f"sqlite:///{on_time}")
    with Session(engine) as session:
        local = session.scalars(
            select(Commitment).where(Commitment.text == "Local para la feria")
        ).one()
        # A fact dated in the third quarter, recorded after its package was sent.
        apply_change(session, local.id, Change(executed_amount=2_000_000, on=date(2026, 8, 14),
                     reason="Pago omitido en el informe"), "gerente", DAY)  # fmt: skip
        session.add(Package(
            region_id=local.region_id, period="2027-IRAL", period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31), folder=str(root / "iral"), manifest_sha256="0" * 64,
            commitments=4, automatic_key="a-pedido",
            generated_at=datetime(2026, 11, 27, 15, tzinfo=UTC),
        ))  # fmt: skip
        for email, role, region in (("gore@coquimbo.cl", "gore", "Coquimbo"),
                                    ("gore@atacama.cl", "gore", "Atacama"),
                                    ("admin@cumple.cl", "admin", None),
                                    ("gerente@limari.cl", "gerente", None)):  # fmt: skip
            add_user(session, email=email, password=PASSWORD, role=role,
                     territories=["Limarí Emprende"] if role == "gerente" else [],
                     region=region)  # fmt: skip
        session.commit()
    engine.dispose()
    without = _copy(on_time, root / "sin-protocolo")
    engine = make_engine(f"sqlite:///{without}")
    with engine.begin() as connection:
        connection.execute(delete(ProtocolRecipient))
        connection.execute(delete(Protocol))
    engine.dispose()
    return {"on_time": on_time, "late": late, "without": without}


def _batch(folder: Path, runs: list[list[str]]) -> list[tuple[int, str, str]]:
    cli = Cli(folder, "sqlite://")
    result = subprocess.run(
        [sys.executable, "-c", BATCH_RUNNER, json.dumps(runs)], cwd=folder, env=cli.env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [tuple(item) for item in json.loads(result.stdout)]  # type: ignore[misc]


def test_the_command_grades_2_1_by_how_the_packages_went(
    records: dict[str, Path], tmp_path: Path
) -> None:
    def args(name: str, *extra: str) -> list[str]:
        path = records[name]
        return ["evaluation", "--region", "Coquimbo", "--year", "2026", "--date", "2026-11-30",
                "--database-url", f"sqlite:///{path}", "--data-dir", str(path.parent / "var"),
                *extra]  # fmt: skip

    docx, pdf = tmp_path / "autoevaluacion.docx", tmp_path / "autoevaluacion.pdf"
    runs = [
        args("on_time", "--format", "json"),
        args("without", "--format", "json"),
        args("late", "--format", "json"),
        args("on_time", "--out", str(docx)),
        args("late", "--out", str(pdf)),
        args("on_time", "--out", str(tmp_path / "informe.txt")),
        args("on_time", "--out", str(tmp_path / "no-existe" / "a.pdf")),
        [*args("on_time")[:2], "Narnia", *args("on_time")[3:]],
        [*args("on_time")[:4], "2019", *args("on_time")[5:]],
        [*args("on_time")[:4], str(date.today().year + 1), *args("on_time")[5:]],
        [*args("on_time")[:6], "2025-05-01", *args("on_time")[7:]],
        args("on_time"),
    ]
    results = _batch(tmp_path, runs)
    assert [code for code, _, _ in results] == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0]
    on_time, without, late = (
        {r["requisito"]: r for r in json.loads(out)} for _, out, _ in results[:3]
    )
    assert {k: r["grado"] for k, r in on_time.items()} == {
        "1.1": "mayor", "1.2": "mayor", "1.3": "mayor", "2.1": "mayor",
    }  # fmt: skip
    assert on_time["2.1"]["explicacion"] == "Mayor: se lograron las 3 mejoras esperadas."
    assert [(p["periodo"], p["enviado"], p["a_tiempo"]) for p in on_time["2.1"]["paquetes"]] == [
        ("2026-Q3", "2026-10-01", True),
    ]  # fmt: skip
    assert on_time["2.1"]["rectificaciones"] == 1
    assert without["2.1"]["grado"] == "nulo"
    assert without["2.1"]["explicacion"] == (
        "Nulo: no se logró ninguna de las 3 mejoras esperadas; faltan: protocolo vigente (sin "
        "protocolo), paquetes elaborados y enviados (sin protocolo) y paquetes enviados a tiempo "
        "(sin protocolo)."
    )
    assert late["2.1"]["grado"] == "menor"
    assert late["2.1"]["explicacion"] == (
        "Menor: se lograron 2 de 3 mejoras (protocolo vigente y paquetes elaborados y "
        "enviados); falta: paquetes enviados a tiempo (1 de 1 fuera de plazo)."
    )
    calendar = calendar_for("CO")
    sent_late = [calendar.add(due_on(parse_period(key), calendar), 8) for key in PERIODS]
    assert sent_late == [date(2026, 10, 14)]  # 12 October is a holiday
    assert [p["enviado"] for p in late["2.1"]["paquetes"]] == [d.isoformat() for d in sent_late]
    # The IRAL 2027 proposal is on record only in the first copy.
    assert late["1.1"]["grado"] == "menor" and on_time["1.1"]["mejoras"][2]["lograda"]
    figures = {e["dato"]: e["valor"] for e in on_time["1.3"]["evidencia"]}
    assert figures["Compromisos de 2026"] == "4"
    assert figures["Con monto"] == "3"
    assert figures["Monto comprometido"] == "$35.000.000"
    assert figures["Verificados con archivo"] == "1"
    kinds = {e["dato"]: e["valor"] for e in on_time["1.2"]["evidencia"]}
    assert kinds["Municipalidad de Ovalle"] == "municipio; 1 compromiso"
    assert kinds["Comunidad Agrícola El Tome"] == "actor privado o comunitario; 1 compromiso"
    assert kinds["SERCOTEC"] == "servicio público; 1 compromiso"

    errors = [err for _, _, err in results[5:11]]
    assert "«informe.txt» debe terminar en .docx o .pdf" in errors[0]
    assert "no existe; créela primero" in errors[1]
    assert "La región «Narnia» no existe" in errors[2]
    assert "El año 2019 es anterior a los primeros datos registrados (2026)" in errors[3]
    assert "es posterior al año en curso" in errors[4]
    assert "es anterior al año 2026" in errors[5]
    assert all("Traceback" not in err for err in errors)
    assert not (tmp_path / "informe.txt").exists()
    table = results[11][1]
    assert "2.1 Información de interés regional al GORE — grado mayor" in table

    document = Document(str(docx))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Resumen de grados", "1.1 Perspectiva territorial"]
    for heading in ("2.1 Información de interés regional al GORE", "Recomendaciones",
                    "Informe Ejecutivo al Jefe de Servicio"):  # fmt: skip
        assert heading in headings
    bold = [run.text for p in document.paragraphs for run in p.runs if run.bold]
    assert bold.count("Mayor") == 4
    cells = [cell.text for table in document.tables for r in table.rows for cell in r.cells]
    assert "$35.000.000" in cells and "enviados: 1 de 1; a tiempo: 1" in cells
    assert "(a completar por el equipo)" in [p.text for p in document.paragraphs]

    with pdfplumber.open(pdf) as opened:
        text = "\n".join(page.extract_text() or "" for page in opened.pages)
    flat = " ".join(text.split())
    assert "Autoevaluación 2026 — Región de Coquimbo" in flat
    assert "2.1 Información de interés regional al GORE" in flat
    assert "Grado: Menor" in flat
    assert "paquetes enviados a tiempo (1 de 1 fuera de plazo)" in flat
    assert (
        "vencía el 1 de octubre de 2026; enviado el 14 de octubre de 2026 (fuera de plazo)" in flat
    )
    assert "Rectificaciones registradas en 2026 0" in flat  # none in that copy
    assert "Informe Ejecutivo al Jefe de Servicio" in flat and "Recomendaciones" in flat


def _login(app, email: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token[1], "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


def test_the_web_shows_it_to_the_regional_government_and_the_admin(
    records: dict[str, Path],
) -> None:
    path = records["on_time"]
    settings = load_settings(database_url=f"sqlite:///{path}", data_dir=path.parent / "var")
    app = create_app(settings, with_scheduler=False)
    query = "/evaluacion?region=coquimbo&anio=2026&fecha=2026-11-30"
    gore = _login(app, "gore@coquimbo.cl")
    page = gore.get(query)
    assert page.status_code == 200
    assert 'href="/evaluacion"' in page.text  # in the navigation
    assert "Autoevaluación 2026 — Región de Coquimbo" in page.text
    assert page.text.count(">Mayor<") >= 4
    assert "Mayor: se lograron las 3 mejoras esperadas." in page.text
    assert gore.get("/evaluacion").status_code == 200  # its own región by default
    link = "/evaluacion/documento?region=coquimbo&amp;anio=2026&amp;fecha=2026-11-30&amp;formato="
    assert link + "pdf" in page.text and link + "docx" in page.text
    download = gore.get(link.replace("&amp;", "&") + "docx")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert download.headers["content-disposition"] == (
        'attachment; filename="autoevaluacion-coquimbo-2026.docx"'
    )
    opened = Document(io.BytesIO(download.content))
    assert opened.paragraphs[0].text == "Autoevaluación 2026 — Región de Coquimbo"
    pdf = gore.get(link.replace("&amp;", "&") + "pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert gore.get(query.replace("anio=2026", "anio=dos mil")).status_code == 400

    other = _login(app, "gore@atacama.cl")
    assert other.get(query).status_code == 404
    assert other.get(link.replace("&amp;", "&") + "pdf").status_code == 404
    gerente = _login(app, "gerente@limari.cl")
    assert gerente.get(query).status_code == 403
    assert 'href="/evaluacion"' not in gerente.get("/").text
    admin = _login(app, "admin@cumple.cl")
    chooser = admin.get("/evaluacion")
    assert chooser.status_code == 200 and '<option value="coquimbo"' in chooser.text
    assert admin.get(query.replace("coquimbo", "atacama")).status_code == 200
    anonymous = TestClient(app).get(query, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
