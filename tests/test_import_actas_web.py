"""An acta document at ``/importar``: the proposals editor and its
confirmation. TestClient on both backends for the refusals (another user's
document, a forged one, a regional government, an incomplete or hostile
confirmation); Debian's Chromium for a gerente's whole path, with axe-core
on the editor at 1280 and 390 px."""

from __future__ import annotations

import hashlib
import html
import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import load_settings
from models import Commitment
from models.accounts import User
from models.commitments import Acta
from models.evidence import Evidence
from models.parties import Contact
from tests.test_accessibility import DESKTOP, PHONE, Audit, axe_source, log_in
from tests.test_browser import ARGS, CHROMIUM, server  # noqa: F401  (the app in uvicorn)
from tests.web_fixtures import PASSWORD, USERS
from tracking.evidence_store import EvidenceStore, StoredFile
from web.app import create_app
from web.import_actas import document_token

FOSIS = (
    "FOSIS se compromete a transferir $15.000.000 al convenio Lasana antes del 21 de "
    "septiembre de 2026."
)
SERCOTEC = (
    "SERCOTEC aportará M$ 8.500 para capacitar a emprendedores de Calama a más tardar el 30 de "
    "octubre de 2026."
)
MUNICIPALIDAD = (
    "La Municipalidad de Calama facilitará la sede para los talleres en un plazo de 10 días "
    "hábiles."
)


def acta_docx(path: Path) -> Path:
    """An acta as a secretary writes it: its header, then three commitments
    in prose (the last without an amount)."""
    document = Document()
    document.add_heading("ACTA N° 12", level=1)
    document.add_paragraph("Consejo Público-Privado Loa Emprende")
    document.add_paragraph(
        "En Calama, a 10 de septiembre de 2026, se reúne el Consejo Público-Privado del "
        "territorio Loa Emprende, con la asistencia de sus integrantes."
    )
    document.add_heading("Acuerdos", level=2)
    for text in (FOSIS, SERCOTEC, MUNICIPALIDAD):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("Se levanta la sesión a las 13:00 horas.")
    document.save(str(path))
    return path


def count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.scalars(select(Commitment.id)).all())


def user_id(engine: Engine, who: str) -> int:
    with Session(engine) as session:
        found = session.scalars(select(User.id).where(User.email == USERS[who][0])).one()
    return int(found)


# --- TestClient ---------------------------------------------------------------


@pytest.fixture
def app(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(database_url=database_url, data_dir=tmp_path / "var")
    return create_app(settings, with_scheduler=False)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, "no CSRF field"
    return found.group(1)


def logged_in(app: Any, who: str) -> TestClient:
    client = TestClient(app)
    response = client.post(
        "/login",
        data={
            "email": USERS[who][0],
            "password": PASSWORD,
            "csrf_token": csrf_of(client),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def stored_acta(app: Any, tmp_path: Path) -> StoredFile:
    """The acta document in the evidence store, as an upload leaves it."""
    path = acta_docx(tmp_path / "acta-12.docx")
    with path.open("rb") as handle:
        return EvidenceStore(app.state.settings.evidence_dir).save(path.name, handle)


HEADER = {
    "region": "02", "territorio": "Loa Emprende", "acta_fecha": "2026-09-10",
    "acta_instancia": "Consejo Público-Privado", "acta_numero": "12", "acta_tipo": "acta",
    "lugar": "Calama",
}  # fmt: skip
FOSIS_ROW = {
    "institucion": "FOSIS", "responsable_email": "marcela.jara@fosis.cl.example",
    "compromiso": "Transferir $15.000.000 al convenio Lasana", "monto": "15000000",
    "plazo": "2026-09-21",
}  # fmt: skip


def editor_form(csrf: str, token: str, rows: list[dict[str, str]], **extra: str) -> dict[str, str]:
    """The editor's form as a browser posts it: every row kept unless it
    says ``incluir: ""``."""
    data = {"csrf_token": csrf, "documento": token, "filas": str(len(rows)), **HEADER, **extra}
    for n, values in enumerate(rows, start=1):
        data[f"origen-{n}"] = f"párrafo {n + 3}"
        data[f"texto-{n}"] = values.get("compromiso", "")
        data[f"estados-{n}"] = "institucion=encontrado;responsable_email=falta"
        for name, value in {"incluir": "1", **values}.items():
            if value:
                data[f"{name}-{n}"] = value
    return data


def test_a_document_is_attached_only_by_who_uploaded_it(app, site, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    stored = stored_acta(app, tmp_path)
    secret = app.state.secret
    owner = document_token(secret, user_id(engine, "gerente_loa"), stored)
    before = count(engine)

    other = logged_in(app, "gerente_huasco")
    borrowed_form = editor_form(csrf_of(other, "/importar"), owner, [FOSIS_ROW])
    borrowed = other.post("/importar/acta", data=borrowed_form)
    assert borrowed.status_code == 403
    assert "Esa acta la subió otra persona" in borrowed.text

    gerente = logged_in(app, "gerente_loa")
    csrf = csrf_of(gerente, "/importar")
    forged = owner[:-3] + ("AAA" if not owner.endswith("AAA") else "BBB")
    refused = gerente.post("/importar/acta", data=editor_form(csrf, forged, [FOSIS_ROW]))
    assert refused.status_code == 400
    assert "no corresponde a un acta subida" in refused.text
    # A genuine signature over a file nobody uploaded: the store has no such bytes.
    absent = StoredFile(stored.name, stored.media_type, stored.size, "0" * 64)
    unknown = document_token(secret, user_id(engine, "gerente_loa"), absent)
    gone = gerente.post("/importar/acta", data=editor_form(csrf, unknown, [FOSIS_ROW]))
    assert gone.status_code == 400 and "ya no está en el servidor" in gone.text
    assert count(engine) == before

    gore = logged_in(app, "gore_an")
    gore_csrf = csrf_of(gore, "/")
    upload = gore.post(
        "/importar", data={"csrf_token": gore_csrf},
        files={"planilla": ("acta.docx", acta_docx(tmp_path / "a.docx").read_bytes(),
                            "application/octet-stream")},
    )  # fmt: skip
    assert upload.status_code == 403
    gore_token = document_token(secret, user_id(engine, "gore_an"), stored)
    confirm = gore.post("/importar/acta", data=editor_form(gore_csrf, gore_token, [FOSIS_ROW]))
    assert confirm.status_code == 403 and "no registrar actas" in confirm.text
    assert count(engine) == before

    done = gerente.post("/importar/acta", data=editor_form(csrf, owner, [FOSIS_ROW]))
    assert done.status_code == 200, done.text
    assert count(engine) == before + 1


def test_an_incomplete_confirmation_shows_the_errors_beside_the_rows(  # type: ignore[no-untyped-def]
    app, site, engine, tmp_path
) -> None:
    gerente = logged_in(app, "gerente_loa")
    token = document_token(app.state.secret, user_id(engine, "gerente_loa"),
                           stored_acta(app, tmp_path))  # fmt: skip
    csrf = csrf_of(gerente, "/importar")
    before = count(engine)
    incomplete = {**FOSIS_ROW, "institucion": "SERCOTEC", "responsable_email": "",
                  "compromiso": "Capacitar emprendedores", "monto": "M$ 8.500"}  # fmt: skip
    page = gerente.post("/importar/acta", data=editor_form(csrf, token, [FOSIS_ROW, incomplete]))
    assert page.status_code == 400
    text = html.unescape(page.text)
    assert "No se importó nada: hay 2 errores." in text
    beside = re.search(r'id="error-responsable_email-2">([^<]+)<', text)
    assert beside and beside.group(1) == "no puede estar vacío"
    assert re.search(r'id="error-monto-2">[^<]*M\$ 8\.500', text)
    field = re.search(r'<input id="responsable_email-2"[^>]*>', text)
    assert field and 'aria-invalid="true"' in field.group() and "required" in field.group()
    assert "Propuesta 2, correo del responsable: no puede estar vacío" in text
    assert 'name="compromiso-2" required aria-required="true" aria-describedby' in text
    assert ">Capacitar emprendedores</textarea>" in text  # kept as typed
    assert 'id="error-responsable_email-1"' not in text
    assert count(engine) == before

    more = editor_form(csrf, token, [FOSIS_ROW, incomplete], accion="fila")
    grown = html.unescape(gerente.post("/importar/acta", data=more).text)
    assert 'name="filas" value="3"' in grown and 'id="compromiso-3"' in grown
    assert "Agregada por usted (no sale del acta)." in grown
    assert ">Capacitar emprendedores</textarea>" in grown and count(engine) == before

    dropped = editor_form(csrf, token, [FOSIS_ROW, {**incomplete, "incluir": ""}])
    done = gerente.post("/importar/acta", data=dropped)
    assert done.status_code == 200 and "1 compromiso nuevo" in done.text
    assert count(engine) == before + 1
    with Session(engine) as session:
        acta = session.scalars(select(Acta).where(Acta.number == "12",
                                                   Acta.instance == "Consejo Público-Privado")
                               .order_by(Acta.id.desc())).first()  # type: ignore[union-attr]  # fmt: skip
        assert acta is not None and acta.held_on.isoformat() == "2026-09-10"
        evidence = session.scalars(select(Evidence).where(Evidence.acta_id == acta.id)).all()
    assert [e.name for e in evidence] == ["acta-12.docx"]
    again = gerente.post("/importar/acta", data=dropped)  # the same confirmation twice
    assert again.status_code == 200 and "1 ya existía" in again.text
    with Session(engine) as session:
        assert len(session.scalars(select(Evidence).where(Evidence.acta_id == acta.id)).all()) == 1


def test_hostile_values_are_escaped_and_judged_by_the_importer(  # type: ignore[no-untyped-def]
    app, site, engine, tmp_path
) -> None:
    admin = logged_in(app, "admin")
    token = document_token(app.state.secret, user_id(engine, "admin"), stored_acta(app, tmp_path))
    csrf = csrf_of(admin, "/importar")
    markup = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    formula = '=HYPERLINK("http://evil.example","clic")'
    long_text = "x" * 10_000
    rows = [
        {**FOSIS_ROW, "institucion": f"FOSIS {markup}", "compromiso": formula},
        {**FOSIS_ROW, "compromiso": long_text, "fuente": markup},
    ]
    before = count(engine)
    page = admin.post("/importar/acta", data=editor_form(csrf, token, rows, acta_numero=markup))
    assert page.status_code == 400
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert re.search(
        r'id="error-compromiso-2">tiene 10000 caracteres; el máximo es 4000<', page.text
    )
    assert count(engine) == before
    kept = admin.post("/importar/acta", data=editor_form(csrf, token, rows[:1]))
    assert kept.status_code == 200, kept.text
    assert "&lt;script&gt;" in kept.text and "<script>alert" not in kept.text
    assert '<a href="http://evil.example"' not in kept.text
    with Session(engine) as session:
        texts = set(session.scalars(select(Commitment.text)))
    assert formula in texts and count(engine) == before + 1


def test_an_uploaded_acta_becomes_an_editor_and_a_hostile_one_is_refused(  # type: ignore[no-untyped-def]
    app, site, tmp_path
) -> None:
    gerente = logged_in(app, "gerente_loa")
    csrf = csrf_of(gerente, "/importar")
    store = Path(app.state.settings.evidence_dir)

    def upload(name: str, content: bytes) -> tuple[int, str]:
        files = {"planilla": (name, content, "application/octet-stream")}
        page = gerente.post("/importar", data={"csrf_token": csrf}, files=files)
        return page.status_code, html.unescape(page.text)

    content = acta_docx(tmp_path / "acta.docx").read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(tmp_path / "macros.docx", "w") as target,
    ):
        for member in source.infolist():
            target.writestr(member, source.read(member))
        target.writestr("word/vbaProject.bin", b"\x00" * 64)
    refusals = {
        "macros.docx": ((tmp_path / "macros.docx").read_bytes(), "contiene macros"),
        "acta.pdf": (content, "no es un PDF válido"),
        "vacia.docx": (b"", "está vacío"),
        "grande.docx": (b"0" * (20 * 1024 * 1024 + 1), "El acta pesa más de 20 MB"),
    }
    for name, (data, words) in refusals.items():
        status, text = upload(name, data)
        assert status == 400, (name, text[-1500:])
        assert words in text, (name, text[-1500:])
    kept = [path for path in store.rglob("*") if path.is_file()] if store.exists() else []
    assert kept == []

    status, text = upload("acta.docx", content)
    assert status == 200, text[-2000:]
    assert "Propuestas del acta" in text and FOSIS in text and MUNICIPALIDAD in text
    digest = hashlib.sha256(content).hexdigest()
    assert EvidenceStore(store).digest_of(digest) == digest
    assert re.search(r'<option value="02" selected>', text)
    assert '<input id="territorio" name="territorio"' in text and 'value="Loa Emprende"' in text
    assert 'id="monto-1"' in text and 'value="$15.000.000"' in text
    suggestion = '<option value="marcela.jara@fosis.cl.example">Marcela Jara (marcela.jara@'
    assert '<datalist id="responsables-1">' + suggestion in text
    assert 'list="responsables-1"' in text and 'list="responsables-2"' not in text

    # A table of acuerdos without e-mails: the responsable on record is proposed.
    document = Document()
    document.add_paragraph("ACTA N° 13. Mesa Territorial Loa Emprende.")
    document.add_paragraph("En Calama, a 8 de octubre de 2026.")
    table = document.add_table(rows=2, cols=4)
    for cells, values in zip(table.rows, (["Institución", "Compromiso", "Monto", "Plazo"],
                                          ["FOSIS", "Financiar ferias", "$ 2.000.000",
                                           "2026-12-01"]), strict=True):  # fmt: skip
        for cell, value in zip(cells.cells, values, strict=True):
            cell.text = value
    document.save(str(tmp_path / "tabla.docx"))
    status, text = upload("tabla.docx", (tmp_path / "tabla.docx").read_bytes())
    assert status == 200, text[-2000:]
    proposed = re.search(r'<input id="responsable_email-1"[^>]*>', text)
    assert proposed and 'value="marcela.jara@fosis.cl.example"' in proposed.group()
    assert 'id="estado-responsable_email-1">supuesto: revíselo<' in text
    assert "responsable supuesto: Marcela Jara, registrado para FOSIS" in text


# --- Chromium -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium (Debian) no instalado")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_gerente_confirms_an_acta_in_a_browser(  # type: ignore[no-untyped-def]
    server,  # noqa: F811
    site: dict[str, int],
    engine: Engine,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import sync_playwright

    base, _ = server
    acta = acta_docx(tmp_path / "acta-12-loa.docx")
    digest = hashlib.sha256(acta.read_bytes()).hexdigest()
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_context(locale="es-CL", viewport=DESKTOP).new_page()
        log_in(page, base, "gerente_loa")
        page.goto(f"{base}/importar")
        page.get_by_label("acta (.docx o .pdf)").set_input_files(str(acta))
        page.get_by_role("button", name="Ver vista previa").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Propuestas del acta").is_visible()
        for n, text in enumerate((FOSIS, SERCOTEC, MUNICIPALIDAD), start=1):
            assert page.locator(f"#texto-{n}").inner_text() == text
        assert page.locator("#region").input_value() == "02"
        assert page.locator("#territorio").input_value() == "Loa Emprende"
        assert page.locator("#acta_fecha").input_value() == "2026-09-10"
        # The acta gives no e-mails: FOSIS's responsable on record is offered
        # as a guess; SERCOTEC's and the municipality's are flagged missing.
        suggested = page.locator("#responsable_email-1")
        assert suggested.input_value() == "marcela.jara@fosis.cl.example"
        assert page.locator("#estado-responsable_email-1").inner_text() == "supuesto: revíselo"
        for n in (2, 3):
            missing = page.locator(f"#responsable_email-{n}")
            assert missing.input_value() == ""
            assert missing.get_attribute("aria-invalid") == "true"
            assert page.locator(f"#estado-responsable_email-{n}").inner_text() == "falta"
            assert f"estado-responsable_email-{n}" in (
                missing.get_attribute("aria-describedby") or ""
            )
        assert page.locator("#monto-3").input_value() == ""
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            audit = Audit(page, viewport, axe_source())
            audit.check("propuestas del acta")
            audit.shot("propuestas-acta")
            problems.extend(audit.problems)

        page.set_viewport_size(DESKTOP)
        page.get_by_role("button", name="Confirmar e importar").click()
        page.wait_for_load_state()
        alert = page.get_by_role("alert").inner_text()
        assert alert.startswith("No se importó nada: hay 2 errores.")
        assert "Propuesta 3, correo del responsable: no puede estar vacío" in alert
        assert page.locator("#error-responsable_email-2").inner_text() == "no puede estar vacío"
        assert page.locator("#responsable_email-1").input_value() == "marcela.jara@fosis.cl.example"
        audit = Audit(page, DESKTOP, axe_source())
        audit.check("propuestas con errores")
        problems.extend(audit.problems)
        page.locator("#responsable_email-2").fill("ana.rojas@sercotec.cl.example")
        page.get_by_label("Incluir la propuesta 3").uncheck()
        page.get_by_role("button", name="Confirmar e importar").click()
        page.wait_for_load_state()
        status = page.get_by_role("status").inner_text()
        assert status.startswith("Importación completada: 1 acta nueva, 2 compromisos nuevos.")
        assert "«acta-12-loa.docx» quedó como evidencia del acta" in status
        audit = Audit(page, DESKTOP, axe_source())
        audit.check("acta importada")
        audit.shot("acta-importada")
        problems.extend(audit.problems)
        browser.close()
    assert not problems, "\n".join(problems)

    with Session(engine) as session:
        acta_row = session.scalars(
            select(Acta).where(Acta.held_on == date(2026, 9, 10), Acta.number == "12")
        ).one()
        stored = {
            commitment.text: commitment
            for commitment in session.scalars(
                select(Commitment).where(Commitment.acta_id == acta_row.id)
            )
        }
        emails = {
            text: session.scalars(
                select(Contact.email).where(Contact.id == commitment.responsable_id)
            ).one()
            for text, commitment in stored.items()
        }
        evidence = session.scalars(select(Evidence).where(Evidence.acta_id == acta_row.id)).all()
    assert acta_row.instance == "Consejo Público-Privado" and acta_row.kind == "acta"
    assert sorted(stored) == [
        "Aportar M$ 8.500 para capacitar a emprendedores de Calama",
        "Transferir $15.000.000 al convenio Lasana",
    ]
    fosis = stored["Transferir $15.000.000 al convenio Lasana"]
    sercotec = stored["Aportar M$ 8.500 para capacitar a emprendedores de Calama"]
    assert (fosis.amount, fosis.plazo) == (15_000_000, date(2026, 9, 21))
    assert (sercotec.amount, sercotec.plazo) == (8_500_000, date(2026, 10, 30))
    assert emails == {
        fosis.text: "marcela.jara@fosis.cl.example",
        sercotec.text: "ana.rojas@sercotec.cl.example",
    }
    assert [(e.name, e.sha256, e.commitment_id) for e in evidence] == [
        ("acta-12-loa.docx", digest, None)
    ]
