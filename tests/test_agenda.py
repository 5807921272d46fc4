"""``cumple agenda``: the tabla of a territory's next session lists exactly
the commitments open on D (overdue first, most business days late first;
then due before the following session; then the rest), each with its last
fact, and what was verified since the previous session; the DOCX and the
PDF say the same (read back with python-docx and pdfplumber, the DOCX
opened by LibreOffice), the console script and the web route give them
(the web only within the user's scope), and an acta written from
``--template`` reads back with every field."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from importer import import_file
from models import Commitment
from reports.agenda import Section, previous_session
from reports.agenda_files import write_agenda
from reports.agenda_load import load_agenda, resolve_territory
from reports.agenda_template import acuerdo_columns, write_acta_template
from tests.helpers import Cli, row, write_csv
from tests.web_fixtures import PASSWORD, USERS
from tracking.accounts import add_user
from tracking.errors import InvalidChange, NotFound
from tracking.evidence import report_progress
from tracking.updates import Change, Report, apply_change
from web.app import create_app

TODAY = date(2026, 11, 30)
D = date(2026, 7, 15)
"""The session's date: the tabla shows the state on it."""
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

TEXTS = {
    "A": "Transferir $15.000.000 al convenio de Lasana",
    "B": "Capacitación en turismo rural",
    "C": "Estudio de mercado de la quinoa",
    "D": "Feria costumbrista de Chiu Chiu",
    "E": "Ruta patrimonial del Loa",
    "F": "Señalética turística en Caspana",
    "G": "Habilitar la sede comunitaria",
    "H": "Plan de marketing territorial",
    "I": "Taller de artesanía en greda",
    "J": "Compromiso de un acta posterior",
    "K": "Mejorar el camino a Freirina",
}
OPEN_ORDER = {
    Section.OVERDUE: ["C", "A"],
    Section.DUE_SOON: ["G", "F"],
    Section.LATER: ["I", "H"],
}
NOT_LISTED = ["D", "E", "J", "K"]
"""Fulfilled before the previous session, cancelled, from an acta after D,
and another territory's."""


@pytest.fixture
def agenda_site(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """Loa Emprende (Antofagasta) with actas on 15 June, 1 July and 20 July
    2026, and Provincia del Huasco (Atacama); the facts below give each
    commitment its state on 15 July. Returns the commitments' ids by letter
    and the territories' ids."""
    sercotec = {"institucion": "SERCOTEC", "institucion_rut": "", "responsable": "Pedro Soto",
                "responsable_email": "pedro.soto@sercotec.cl.example"}  # fmt: skip
    july = {"acta_fecha": "2026-07-01", "acta_numero": "13"}
    rows = [
        row(compromiso=TEXTS["A"], plazo="2026-06-30"),
        row(compromiso=TEXTS["B"], plazo="2026-07-10", monto="", **sercotec),
        row(compromiso=TEXTS["C"], plazo="2026-06-19", monto="$3.000.000"),
        row(compromiso=TEXTS["D"], plazo="2026-06-25", monto=""),
        row(compromiso=TEXTS["E"], plazo="2026-07-31", monto=""),
        row(compromiso=TEXTS["F"], plazo="2026-08-10", monto="$1.200.000"),
        row(compromiso=TEXTS["G"], plazo="2026-08-05", monto="$8.000.000", **july),
        row(compromiso=TEXTS["H"], plazo="2026-12-01", monto="", **july),
        row(compromiso=TEXTS["I"], plazo="2026-09-30", monto="$2.500.000", **july),
        row(compromiso=TEXTS["J"], plazo="2026-10-30", acta_fecha="2026-07-20", acta_numero="14"),
        row(region="Atacama", territorio="Provincia del Huasco", compromiso=TEXTS["K"],
            institucion_rut="", plazo="2026-06-30"),
        row(region="O'Higgins", territorio="Secano Costero", compromiso="Uno", plazo="2026-09-01"),
        row(region="Maule", territorio="Secano Costero", compromiso="Otro", plazo="2026-09-01"),
    ]  # fmt: skip
    import_file(engine, write_csv(tmp_path / "agenda.csv", rows), actor="prueba")
    with Session(engine) as session:
        by_text = {c.text: (c.id, c.territory_id) for c in session.scalars(select(Commitment))}
        ids = {letter: by_text[text][0] for letter, text in TEXTS.items()}

        def change(letter: str, **values: object) -> None:
            update = Change(**values)  # type: ignore[arg-type]
            apply_change(session, ids[letter], update, "gerente@loa.cl", TODAY)

        change("A", executed_amount=5_000_000, note="Primera cuota", on=date(2026, 7, 2))
        change("A", due_date=date(2026, 9, 30), reason="Nuevo convenio", on=date(2026, 7, 25))
        change("B", status="cumplido", on=date(2026, 7, 5))
        change("D", status="cumplido", on=date(2026, 6, 20))
        change("E", status="cancelado", reason="La comunidad desistió", on=date(2026, 7, 3))
        change("G", status="cumplido", on=date(2026, 7, 20))
        report_progress(session, ids["F"], Report(fulfilled=True, on=date(2026, 7, 8)), [],
                        ["Oficio N° 45"], "responsable", TODAY)  # fmt: skip
        for email, role, names, region in USERS.values():
            add_user(session, email=email, password=PASSWORD, role=role,
                     territories=names, region=region)  # fmt: skip
        session.commit()
    loa, huasco = (by_text[TEXTS[k]][1] for k in "AK")
    return {**ids, "loa": loa, "huasco": huasco}


def _acta(letter: str) -> str:
    """The acta a commitment of the fixture comes from, as the tabla names it."""
    if letter in "GHI":
        return "Acta de Consejo Público-Privado N° 13 del 1 de julio de 2026"
    return "Acta de Consejo Público-Privado N° 12 del 15 de junio de 2026"


def _letters(ids: dict[str, int], found: list[int]) -> list[str]:
    names = {number: letter for letter, number in ids.items() if len(letter) == 1}
    return [names.get(number, str(number)) for number in found]


def test_the_tabla_lists_exactly_what_is_open_on_the_date_in_order(
    engine: Engine, agenda_site: dict[str, int]
) -> None:
    with Session(engine) as session:
        loa = resolve_territory(session, "loa emprende")
        agenda = load_agenda(session, loa, D)
        later = load_agenda(session, loa, D, date(2026, 8, 7))
        first = load_agenda(session, loa, date(2026, 6, 15))
        huasco = load_agenda(session, resolve_territory(session, "Provincia del Huasco"), D)
        with pytest.raises(NotFound, match="No hay un territorio llamado «Loa Norte»"):
            resolve_territory(session, "Loa Norte")
        with pytest.raises(
            InvalidChange,
            match=r"Hay 2 territorios «Secano Costero» \(Libertador .* O'Higgins, Maule\)",
        ):
            resolve_territory(session, "secano costero")
        assert resolve_territory(session, "Secano Costero", "Maule").region == "Maule"

    for section, letters in OPEN_ORDER.items():
        found = [item.view.id for item in agenda.section(section)]
        assert _letters(agenda_site, found) == letters, section
    assert _letters(agenda_site, [f.view.id for f in agenda.fulfilled]) == ["B"]
    assert agenda.previous_session == date(2026, 7, 1) and agenda.previous_from_acta
    assert agenda.next_session == date(2026, 8, 14)
    listed = {item.view.id for item in agenda.items} | {f.view.id for f in agenda.fulfilled}
    assert listed.isdisjoint(agenda_site[letter] for letter in NOT_LISTED)

    by_letter = {letter: agenda.items[i] for i, letter in enumerate(["C", "A", "G", "F", "I", "H"])}
    # Business days of Antofagasta: 29 June (San Pedro y San Pablo) does not count.
    assert [by_letter["C"].dias_atraso, by_letter["A"].dias_atraso] == [17, 11]
    assert by_letter["C"].late_words() == "17 días hábiles"
    assert by_letter["A"].ultimo_hecho == (
        "2 de julio de 2026: Monto ejecutado: $5.000.000; Nota: Primera cuota"
    )
    assert by_letter["A"].view.vencimiento == date(2026, 6, 30)  # the new date came later
    assert by_letter["G"].view.estado == "pendiente"  # fulfilled on 20 July, after D
    assert by_letter["G"].ultimo_hecho == "Sin avances registrados desde el acta."
    assert by_letter["F"].ultimo_hecho.startswith("8 de julio de 2026: ")
    assert "Cumplimiento informado" in by_letter["F"].ultimo_hecho
    assert agenda.summary() == (
        "6 compromisos abiertos (2 vencidos) y 1 cumplido desde la sesión anterior."
    )

    # A sooner next session moves F (due 10 August) to the rest.
    assert _letters(agenda_site, [i.view.id for i in later.section(Section.DUE_SOON)]) == ["G"]
    assert _letters(agenda_site, [i.view.id for i in later.section(Section.LATER)]) == [
        "F", "I", "H",
    ]  # fmt: skip
    # On the first acta's own day: no earlier acta, so the previous session is D − 30 days.
    assert (first.previous_session, first.previous_from_acta) == (date(2026, 5, 16), False)
    assert _letters(agenda_site, [i.view.id for i in first.items]) == ["C", "D", "A", "B", "E", "F"]
    assert [(i.view.id, i.dias_atraso) for i in huasco.items] == [(agenda_site["K"], 11)]
    assert huasco.fulfilled == ()


def test_previous_session_is_the_latest_acta_before_the_date() -> None:
    acta_dates = [date(2026, 3, 2), date(2026, 7, 15), date(2026, 6, 1)]
    assert previous_session(acta_dates, D) == (date(2026, 6, 1), True)
    assert previous_session([], D) == (date(2026, 6, 15), False)


def _docx_tables(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    """The headings and the tables' rows (cell texts) of a DOCX."""
    document = Document(str(path))
    styles = ("Title", "Heading")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(styles)]
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
    return headings, tables


def _pdf_tables(path: Path) -> list[list[list[str]]]:
    """The data rows (cell texts) of each table of the tabla's PDF: the
    columns are those of each table's shaded header row, the rows those
    ruled under it down to the next header."""
    found: list[list[list[str]]] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            ruled = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            headers = sorted(
                (table for table in ruled if (table.extract()[0][0] or "") == "N°"),
                key=lambda table: table.bbox[1],
            )
            for index, header in enumerate(headers):
                xs = sorted({c[0] for c in header.cells} | {c[2] for c in header.cells})
                bottom = headers[index + 1].bbox[1] if index + 1 < len(headers) else page.height
                area = page.within_bbox((0, header.bbox[1], page.width, bottom))
                table = area.find_table(
                    {"vertical_strategy": "explicit", "explicit_vertical_lines": xs,
                     "horizontal_strategy": "lines"}
                )  # fmt: skip
                assert table is not None
                rows = [[cell or "" for cell in r] for r in table.extract()]
                found.append([r for r in rows if r[0].isdigit()])
    return found


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_docx_and_pdf_list_the_same_commitments_and_open_in_libreoffice(
    engine: Engine, agenda_site: dict[str, int], tmp_path: Path
) -> None:
    with Session(engine) as session:
        agenda = load_agenda(session, resolve_territory(session, "Loa Emprende"), D)
    now = datetime(2026, 7, 14, 18, 0, tzinfo=UTC)
    docx_path, pdf_path = tmp_path / "tabla.docx", tmp_path / "tabla.pdf"
    assert write_agenda(docx_path, agenda, generated_at=now) == "docx"
    assert write_agenda(pdf_path, agenda, generated_at=now) == "pdf"

    headings, tables = _docx_tables(docx_path)
    assert headings[0] == "Tabla de la sesión — Loa Emprende"
    assert headings[1:] == [
        "Vencidos (2 compromisos)",
        "Vencen antes de la próxima sesión, hasta el 14 de agosto de 2026 (2 compromisos)",
        "Otros compromisos abiertos (2)",
        "Cumplido desde la sesión anterior (1 compromiso)",
    ]
    expected = [*OPEN_ORDER.values(), ["B"]]
    assert [_letters(agenda_site, [int(r[0]) for r in t[1:]]) for t in tables] == expected
    assert [[r[1] for r in t[1:]] for t in tables] == [
        [f"{TEXTS[letter]}\n{_acta(letter)}" for letter in letters] for letters in expected
    ]
    assert tables[0][1][3:7] == ["Marcela Jara", "$3.000.000", "19 de junio de 2026",
                                 "17 días hábiles"]  # fmt: skip
    document = Document(str(docx_path))
    assert document.core_properties.title == "Tabla de la sesión — Loa Emprende"
    assert document.core_properties.language == "es-CL"
    assert document.sections[0].page_width > document.sections[0].page_height
    header_rows = [t.rows[0]._tr.trPr.xml for t in document.tables]
    assert all("w:tblHeader" in xml for xml in header_rows)
    docx_text = "\n".join(c for t in tables for r in t for c in r)
    assert "@" not in docx_text  # names for the board, never an e-mail address

    pdf_tables = _pdf_tables(pdf_path)
    assert [_letters(agenda_site, [int(r[0]) for r in rows]) for rows in pdf_tables] == expected
    assert [[" ".join(r[1].split()) for r in rows] for rows in pdf_tables] == [
        [f"{TEXTS[letter]} {_acta(letter)}" for letter in letters] for letters in expected
    ]
    assert pdf_tables[0][0][2:7] == ["FOSIS", "Marcela Jara", "$3.000.000",
                                     "19 de junio de\n2026", "17 días\nhábiles"]  # fmt: skip
    with pdfplumber.open(pdf_path) as pdf:
        flat = " ".join("\n".join(page.extract_text() or "" for page in pdf.pages).split())
    assert "Tabla de la sesión — Loa Emprende" in flat and "@" not in flat

    if SOFFICE is None:
        pytest.skip("LibreOffice no está instalado")
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "lo-out"), str(docx_path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with pdfplumber.open(tmp_path / "lo-out" / "tabla.pdf") as converted:
        assert len(converted.pages) > 0
        text = " ".join("\n".join(p.extract_text() or "" for p in converted.pages).split())
    assert [heading in text for heading in headings] == [True] * len(headings)


@contextlib.contextmanager
def _kept_umask() -> Iterator[None]:
    mask = os.umask(0o022)
    os.umask(mask)
    try:
        yield
    finally:
        os.umask(mask)


def _main(*args: str) -> tuple[int, str, str]:
    """A command through the console script's entry point, in process."""
    from cli.app import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    argv = sys.argv
    sys.argv = ["cumple", *args]
    with _kept_umask(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            sys.argv = argv
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_command_prints_writes_and_explains_errors_in_spanish(
    database_url: str, agenda_site: dict[str, int], tmp_path: Path
) -> None:
    cli = Cli(tmp_path, database_url)
    records = cli.json("agenda", "--territory", "Loa Emprende", "--date", D.isoformat())
    assert [(r["id"], r["seccion"]) for r in records] == [
        (agenda_site[letter], str(section))
        for section, letters in OPEN_ORDER.items()
        for letter in letters
    ] + [(agenda_site["B"], "cumplidos")]
    assert records[0]["dias_atraso"] == 17 and records[0]["acta_fecha"] == "2026-06-15"

    db = ("--database-url", database_url, "--data-dir", str(tmp_path / "var"))
    code, out, _ = _main("agenda", "--territory", "Loa Emprende", "--date", "2026-07-15", *db)
    assert code == 0
    assert "6 compromisos abiertos (2 vencidos) y 1 cumplido" in out
    assert TEXTS["C"] in out and TEXTS["J"] not in out
    target = tmp_path / "tabla.docx"
    code, out, _ = _main("agenda", "--territory", "Loa Emprende", "--date", "2026-07-15",
                         "--next", "2026-08-07", "--out", str(target), *db)  # fmt: skip
    assert code == 0 and str(target) in out
    assert "Vencen antes de la próxima sesión" not in _docx_tables(target)[0][2]
    assert _docx_tables(target)[0][2] == (
        "Vence antes de la próxima sesión, hasta el 7 de agosto de 2026 (1 compromiso)"
    )
    failures = {
        "unknown": _main("agenda", "--territory", "Loa Norte", *db),
        "ambiguous": _main("agenda", "--territory", "Secano Costero", *db),
        "suffix": _main("agenda", "--territory", "Loa Emprende", "--out", "t.txt", *db),
        "next": _main("agenda", "--territory", "Loa Emprende", "--next", "2026-07-01", *db),
        "template": _main("agenda", "--template"),
        "usage": _main("agenda", *db),
    }
    assert {key: code for key, (code, _, _) in failures.items()} == {
        "unknown": 1, "ambiguous": 1, "suffix": 1, "next": 1, "template": 1, "usage": 2,
    }  # fmt: skip
    errors = {key: err for key, (_, _, err) in failures.items()}
    assert "No hay un territorio llamado «Loa Norte»" in errors["unknown"]
    assert "indique la región con --region" in errors["ambiguous"]
    assert "«t.txt» debe terminar en .docx o .pdf" in errors["suffix"]
    assert "debe ser posterior" in errors["next"]
    assert "--template necesita --out ARCHIVO.docx" in errors["template"]
    assert "falta --territory" in errors["usage"]
    assert all("Traceback" not in err for err in errors.values())
    assert not (tmp_path / "t.txt").exists()


def _app_with_agenda(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The web app; the agenda's router is added here until ``web/app.py``
    includes it (then this adds nothing)."""
    from web import agenda

    app = create_app(
        load_settings(database_url=database_url, data_dir=tmp_path / "var"), with_scheduler=False
    )
    if not any(getattr(r, "path", "") == "/territorios/{territory_id}/tabla" for r in app.routes):
        app.include_router(agenda.router, include_in_schema=False)
    return app


def _login(app, who: str) -> TestClient:  # type: ignore[no-untyped-def]
    import re

    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    response = client.post(
        "/login",
        data={"email": USERS[who][0], "password": PASSWORD, "csrf_token": token[1], "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_web_offers_the_tabla_within_the_users_scope(
    database_url: str, agenda_site: dict[str, int], tmp_path: Path
) -> None:
    app = _app_with_agenda(database_url, tmp_path)
    loa, huasco = agenda_site["loa"], agenda_site["huasco"]
    gerente = _login(app, "gerente_loa")
    page = gerente.get(f"/compromisos?territorio={loa}&fecha=2026-07-15")
    link = f"/territorios/{loa}/tabla?fecha=2026-07-15&amp;formato=docx"
    assert link in page.text and "Tabla de la sesión de Loa Emprende" in page.text

    answer = gerente.get(link.replace("&amp;", "&"))
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        'attachment; filename="tabla-loa-emprende-2026-07-15.docx"'
    )
    (tmp_path / "web.docx").write_bytes(answer.content)
    tables = _docx_tables(tmp_path / "web.docx")[1]
    assert [int(r[0]) for r in tables[0][1:]] == [agenda_site["C"], agenda_site["A"]]

    pdf = gerente.get(f"/territorios/{loa}/tabla?fecha=2026-07-15")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert gerente.get(f"/territorios/{huasco}/tabla").status_code == 404
    assert gerente.get("/territorios/999999/tabla").status_code == 404
    wrong = gerente.get(f"/territorios/{loa}/tabla?fecha=15-13-2026&formato=docx")
    assert wrong.status_code == 400 and "Fecha:" in wrong.text

    gore = _login(app, "gore_at")
    assert gore.get(f"/territorios/{loa}/tabla?formato=docx").status_code == 404
    assert gore.get(f"/territorios/{huasco}/tabla?formato=docx").status_code == 200
    admin = _login(app, "admin")
    assert admin.get(f"/territorios/{huasco}/tabla?formato=docx").status_code == 200
    anonymous = TestClient(app).get(f"/territorios/{loa}/tabla", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def _fill_template(path: Path, territory: str, region: str, place: str) -> dict[str, str]:
    """Complete the template as a secretary would: the header lines and the
    acuerdos table's example row. Returns the acuerdo's values."""
    document = Document(str(path))
    header = {
        "ACTA N° __": "ACTA N° 27",
        "Instancia:": "Instancia: Consejo Público-Privado",
        "Territorio:": f"Territorio: {territory}",
        "Región de": region,
        "En ____": f"En {place}, a 10 de septiembre de 2026",
    }
    for paragraph in document.paragraphs:
        for start, text in header.items():
            if paragraph.text.startswith(start):
                for run in paragraph.runs[1:]:
                    run.text = ""
                paragraph.runs[0].text = text
    values = {
        "institucion": "FOSIS",
        "institucion_rut": "60.109.000-7",
        "responsable": "Marcela Jara",
        "responsable_email": "marcela.jara@fosis.cl.example",
        "institucion_director_email": "director@fosis.cl.example",
        "territorio_gerente_email": "gerente.loa@cumple.example",
        "compromiso": "Financiar la feria de emprendedores de Calama",
        "monto": "$8.500.000",
        "fuente": "Presupuesto regular",
        "plazo": "30-10-2026",
        "plazo_texto": "a más tardar el 30 de octubre",
        "programa": "Crece",
        "productos": "Feria realizada",
        "beneficiarios": "35",
    }
    acuerdos = next(t for t in document.tables if t.rows[0].cells[0].text == "institucion")
    names = [cell.text for cell in acuerdos.rows[0].cells]
    for cell, name in zip(acuerdos.rows[1].cells, names, strict=True):
        for paragraph in cell.paragraphs[1:]:
            paragraph.text = ""
        cell.paragraphs[0].text = values[name]
    document.save(str(path))
    return values


def test_an_acta_written_from_the_template_reads_back_with_every_field(
    engine: Engine, agenda_site: dict[str, int], tmp_path: Path
) -> None:
    from importer.actas.proposal import Found
    from importer.actas.read import read_acta_in

    path = tmp_path / "plantilla.docx"
    write_acta_template(path, generated_at=datetime(2026, 9, 1, tzinfo=UTC))
    document = Document(str(path))
    acuerdos = [t for t in document.tables if t.rows[0].cells[0].text == "institucion"]
    assert [c.text for c in acuerdos[0].rows[0].cells] == acuerdo_columns()
    assert "plazo_texto" in acuerdo_columns() and len(acuerdos[0].rows) == 2
    assert [p.text for p in document.paragraphs[:5]] == [
        "ACTA N° __", "Instancia: ______________________________",
        "Territorio: ______________________________", "Región de ______________________________",
        "En ____________, a __ de __________ de 20__",
    ]  # fmt: skip

    readings = {}
    cases = (("Loa Emprende", "Antofagasta", "Calama"), ("Valle del Elqui", "Coquimbo", "Vicuña"))
    for territory, region, place in cases:
        filled = tmp_path / f"acta-{region}.docx"
        filled.write_bytes(path.read_bytes())
        values = _fill_template(filled, territory, f"Región de {region}", place)
        with Session(engine) as session:  # as «cumple actas read» does: only the file
            readings[region] = read_acta_in(session, filled)
        assert len(readings[region].proposals) == 1
        proposal = readings[region].proposals[0]
        expected = {
            **values,
            "plazo": "2026-10-30",
            "territorio": territory,
            "acta_fecha": "2026-09-10",
            "acta_instancia": "Consejo Público-Privado",
            "acta_numero": "27",
            "region": region,
        }
        assert {name: proposal.values.get(name) for name in expected} == expected
        assert set(expected) <= set(proposal.states)
        others = {name for name, state in proposal.states.items() if state is not Found.FOUND}
        # The reader may take the región from the territory or the comuna ("supuesto");
        # the template has no comunas column (they come from the territorio).
        assert others <= {"region", "comunas"}
    assert readings["Antofagasta"].warnings == []
    assert [w for w in readings["Coquimbo"].warnings if "Valle del Elqui" not in w] == []
