"""Reading actas: DOCX built here with python-docx (prose, a table in the
import format, merged cells), the same acta exported to PDF by LibreOffice
(one conversion for the module) and rasterised into a scanned PDF read by
Tesseract; the header's variants; hostile documents refused in Spanish
through the console script; the proposals spreadsheet completed and
imported; a complete acta imported with its document kept as evidence, an
incomplete one refused with nothing written."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cli.app import main
from importer.actas import ocr
from importer.actas.documents import read_blocks
from importer.actas.header import read_header
from importer.actas.pdf_layout import join_pages
from importer.actas.proposal import Found, Paragraph, Table
from importer.actas.read import read_acta_in
from importer.errors import UnreadableFile
from importer.limits import Limits
from models import Commitment
from models.commitments import Acta
from models.evidence import Evidence
from tests.helpers import BATCH_RUNNER, row, write_csv

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
HEADER = ["ACTA N° 12", "CONSEJO PÚBLICO-PRIVADO LOA EMPRENDE"]
OPENING = (
    "En Calama, a 10 de septiembre de 2026, siendo las 10:00 horas, se reúne el Consejo "
    "Público-Privado del territorio Loa Emprende con los servicios que se indican."
)
FOSIS = (
    "1. FOSIS se compromete a transferir $15.000.000 al convenio Lasana antes del 21 de septiembre."
)
SERCOTEC = "2. SERCOTEC aportará M$ 8.500 a más tardar el 30 de octubre."
TABLE_HEADER = ["Institución", "Compromiso", "Monto (M$)", "Plazo", "Responsable",
                "Correo del responsable"]  # fmt: skip
TABLE_ROWS = [
    ["INDAP", "Financiar capacitación en riego", "5.000", "a fines de octubre", "Ana Soto",
     "ana.soto@indap.example"],
    ["CORFO", '=HYPERLINK("http://x.example","ver")', "2.000", "15/12/2026", "", ""],
]  # fmt: skip
CLOSING = "Se levanta la sesión a las 12:00 horas."


def _table(document: Document, rows: list[list[str]]) -> None:  # type: ignore[valid-type]
    table = document.add_table(rows=0, cols=len(rows[0]))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value


def acta_docx(path: Path, *, page_break: bool = False) -> Path:
    """Header, opening, two acuerdos in prose, an acuerdos table in the
    import format (one e-mail missing), closing."""
    document = Document()
    for text in (*HEADER, OPENING, "Acuerdos:", FOSIS, SERCOTEC):
        document.add_paragraph(text)
    _table(document, [TABLE_HEADER, *TABLE_ROWS])
    if page_break:
        document.add_page_break()
    document.add_paragraph(CLOSING)
    document.save(str(path))
    return path


def table_docx(path: Path, rows: list[list[str]]) -> Path:
    """An acta whose commitments are all in an import-format table."""
    document = Document()
    for text in ("Acta Nº 7/2026", "Mesa Territorial Loa Emprende", "Calama, 3 de marzo de 2026"):
        document.add_paragraph(text)
    _table(document, [["institucion", "compromiso", "monto", "plazo", "responsable_email"], *rows])
    document.save(str(path))
    return path


def merged_docx(path: Path) -> Path:
    """A title row merged across the table, an institution merged down two rows."""
    document = Document()
    document.add_paragraph("ACTA N° 3 Directorio Ejecutivo Loa Emprende, Calama, 02/10/2026")
    table = document.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 3)).text = "Acuerdos de la sesión"
    for cell, text in zip(table.rows[1].cells, ["Institución", "Compromiso", "Monto", "Plazo"],
                          strict=True):  # fmt: skip
        cell.text = text
    table.cell(2, 0).merge(table.cell(3, 0)).text = "FOSIS"
    for index, values in ((2, ["Transferir fondos", "$15.000.000", "21/10/2026"]),
                          (3, ["Capacitar monitores", "", "10 días hábiles"])):  # fmt: skip
        for column, text in enumerate(values, start=1):
            table.cell(index, column).text = text
    document.add_paragraph("Fin del acta.")
    document.save(str(path))
    return path


def long_table_docx(path: Path) -> Path:
    """A table of 40 commitments running over two pages, under a running
    page header and footer."""
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Programa Chile Emprende · Territorio Loa Emprende"
    section.footer.paragraphs[0].text = "Acta N° 14 · Consejo Público-Privado Loa Emprende"
    for text in (
        "ACTA N° 14",
        "Consejo Público-Privado Loa Emprende",
        "Calama, 5 de noviembre de 2026",
    ):
        document.add_paragraph(text)
    rows = [[f"Institución {n}", f"Compromiso número {n}", f"${n}.000.000", "30/12/2026"]
            for n in range(1, 41)]  # fmt: skip
    _table(document, [["Institución", "Compromiso", "Monto", "Plazo"], *rows])
    document.add_paragraph("Se levanta la sesión.")
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("actas")
    files = {
        "docx": acta_docx(folder / "acta.docx"),
        "paginas": acta_docx(folder / "paginas.docx", page_break=True),
        "merged": merged_docx(folder / "merged.docx"),
        "largo": long_table_docx(folder / "largo.docx"),
    }
    if SOFFICE is not None:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{folder / 'lo'}", "--headless",
             "--convert-to", "pdf", "--outdir", str(folder), str(files["paginas"]),
             str(files["merged"]), str(files["largo"])],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        files["pdf"] = folder / "paginas.pdf"
        files["merged_pdf"] = folder / "merged.pdf"
        files["largo_pdf"] = folder / "largo.pdf"
        subprocess.run(["pdftoppm", "-r", "200", "-png", str(files["pdf"]), str(folder / "scan")],
                       check=True, timeout=120)  # fmt: skip
        from PIL import Image

        pages = [Image.open(p).convert("L") for p in sorted(folder.glob("scan-*.png"))]
        files["scan"] = folder / "escaneada.pdf"
        pages[0].save(files["scan"], save_all=True, append_images=pages[1:], resolution=200)
    return files


def texts(blocks: list[Paragraph | Table]) -> list[object]:
    return [block.text if isinstance(block, Paragraph) else block.rows for block in blocks]


def test_docx_blocks_keep_body_order(documents: dict[str, Path]) -> None:
    blocks = read_blocks(documents["docx"])
    assert texts(blocks) == [*HEADER, OPENING, "Acuerdos:", FOSIS, SERCOTEC,
                             [TABLE_HEADER, *TABLE_ROWS], CLOSING]  # fmt: skip
    assert [block.location for block in blocks][-3:] == ["párrafo 6", "tabla 1", "párrafo 7"]


def test_merged_cells_keep_the_grid(documents: dict[str, Path]) -> None:
    (table,) = [block for block in read_blocks(documents["merged"]) if isinstance(block, Table)]
    assert table.rows == [
        ["Acuerdos de la sesión", "", "", ""],
        ["Institución", "Compromiso", "Monto", "Plazo"],
        ["FOSIS", "Transferir fondos", "$15.000.000", "21/10/2026"],
        ["FOSIS", "Capacitar monitores", "", "10 días hábiles"],
    ]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["ACTA N° 12", "CONSEJO PÚBLICO-PRIVADO LOA EMPRENDE", OPENING],
         ("acta", "12", "Consejo Público-Privado", "Loa Emprende", "Calama", date(2026, 9, 10))),
        (["Acta Nº 12/2026", "Mesa Territorial Limarí Emprende", "Ovalle, 3 de marzo de 2026"],
         ("acta", "12/2026", "Mesa Territorial", "Limarí Emprende", "Ovalle", date(2026, 3, 3))),
        (["ACTA SESIÓN ORDINARIA N° 5", "Directorio Ejecutivo del territorio Araucanía Andina",
          "Fecha: 10/09/2026", "Lugar: Vilcún"],
         ("acta", "5", "Directorio Ejecutivo", "Araucanía Andina", "Vilcún", date(2026, 9, 10))),
        (["PROTOCOLO DE ACUERDO", "Secretaría Técnica – Provincia del Huasco",
          "En la ciudad de Vallenar, a cinco días del mes de mayo de dos mil veintiséis"],
         ("protocolo", "", "Secretaría Técnica", "Provincia del Huasco", "Vallenar",
          date(2026, 5, 5))),
        (["ORD. N° 247", "MAT.: Informa avance", "Copiapó, 2026-10-05"],
         ("oficio", "247", "", "", "Copiapó", date(2026, 10, 5))),
    ],
)  # fmt: skip
def test_header_variants(lines: list[str], expected: tuple[object, ...]) -> None:
    blocks = [Paragraph(f"párrafo {n}", line) for n, line in enumerate(lines, start=1)]
    header = read_header(blocks, territories=["Araucanía Andina"])
    found = (header.kind, header.number, header.instance, header.territory, header.place,
             header.held_on)  # fmt: skip
    assert found == expected
    # A known territorio is taken as found; a phrase after the instance is a guess.
    if header.territory == "Araucanía Andina":
        assert header.states["territory"] is Found.FOUND
    elif header.territory:
        assert header.states["territory"] is Found.GUESSED
    if not header.instance:
        assert header.states["instance"] is Found.MISSING


def test_a_table_in_the_import_format_becomes_proposals(
    sqlite_engine: Engine, documents: dict[str, Path]
) -> None:
    with Session(sqlite_engine) as session:
        reading = read_acta_in(session, documents["docx"], region="Antofagasta")
    tabled = [p for p in reading.proposals if p.source.location.startswith("tabla 1")]
    assert [p.source.location for p in tabled] == ["tabla 1, fila 2", "tabla 1, fila 3"]
    indap, corfo = tabled
    assert {k: indap.values[k] for k in ("institucion", "monto", "plazo", "plazo_texto",
                                         "responsable", "responsable_email")} == {
        "institucion": "INDAP", "monto": "$5.000.000", "plazo": "2026-10-30",
        "plazo_texto": "a fines de octubre", "responsable": "Ana Soto",
        "responsable_email": "ana.soto@indap.example",
    }  # fmt: skip
    assert indap.states["plazo"] is Found.GUESSED and indap.states["institucion"] is Found.FOUND
    # The acta's own columns come from its header (and the región given).
    acta = {k: indap.values[k] for k in ("region", "territorio", "acta_fecha", "acta_instancia",
                                         "acta_numero", "acta_tipo")}  # fmt: skip
    assert acta == {"region": "Antofagasta", "territorio": "Loa Emprende",
                    "acta_fecha": "2026-09-10", "acta_instancia": "Consejo Público-Privado",
                    "acta_numero": "12", "acta_tipo": "acta"}  # fmt: skip
    assert indap.missing() == []
    assert corfo.values["plazo"] == "2026-12-15" and "plazo_texto" not in corfo.values
    assert corfo.missing() == ["responsable_email"]
    assert corfo.states["responsable_email"] is Found.MISSING
    # The territorio is not registered yet: the reading says so.
    assert any("«Loa Emprende» no está registrado" in w for w in reading.warnings)


def test_merged_table_rows_share_the_merged_institution(
    sqlite_engine: Engine, documents: dict[str, Path]
) -> None:
    with Session(sqlite_engine) as session:
        reading = read_acta_in(session, documents["merged"], region="II")
    tabled = [p for p in reading.proposals if p.source.location.startswith("tabla")]
    assert [(p.values["institucion"], p.values["plazo"], p.values.get("monto", ""))
            for p in tabled] == [("FOSIS", "2026-10-21", "$15.000.000"),
                                 ("FOSIS", "10 días hábiles", "")]  # fmt: skip
    assert tabled[0].values["region"] == "Antofagasta"
    assert tabled[0].values["acta_instancia"] == "Directorio Ejecutivo"
    assert tabled[0].values["acta_fecha"] == "2026-10-02"


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice no está instalado")
def test_a_text_pdf_reads_as_its_docx(documents: dict[str, Path]) -> None:
    blocks = read_blocks(documents["pdf"])
    assert texts(blocks) == texts(read_blocks(documents["paginas"]))
    assert [block.location for block in blocks][:2] == [
        "página 1, párrafo 1",
        "página 1, párrafo 2",
    ]
    assert blocks[-1].location == "página 2, párrafo 1"


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice no está instalado")
def test_pdf_tables_merged_cells_page_breaks_and_running_lines(documents: dict[str, Path]) -> None:
    (merged,) = [b for b in read_blocks(documents["merged_pdf"]) if isinstance(b, Table)]
    (docx_merged,) = [b for b in read_blocks(documents["merged"]) if isinstance(b, Table)]
    assert merged.rows == docx_merged.rows
    blocks = read_blocks(documents["largo_pdf"])
    assert pdf_page_count(documents["largo_pdf"]) == 2
    # The running header stays once (page 1), the footer never; one table.
    assert texts(blocks)[0] == "Programa Chile Emprende · Territorio Loa Emprende"
    assert not any("Acta N° 14 ·" in str(text) for text in texts(blocks))
    (table,) = [b for b in blocks if isinstance(b, Table)]
    assert len(table.rows) == 41 and table.rows[40] == [
        "Institución 40", "Compromiso número 40", "$40.000.000", "30/12/2026"]  # fmt: skip
    assert blocks[-1].text == "Se levanta la sesión."  # type: ignore[union-attr]


def pdf_page_count(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def test_a_row_cut_by_a_page_break_is_joined() -> None:
    header = ["institucion", "compromiso", "plazo"]
    first = Table("página 1, tabla 1", [header, ["FOSIS", "Disponer un local del", "2026-12-01"]])
    rest = Table("página 2, tabla 1", [["", "territorio", ""], ["SENCE", "Cursos", "2027-03-31"]])
    repeated = Table("página 3, tabla 1", [header, ["INDAP", "Riego", "2027-01-15"]])
    joined = join_pages([[first], [rest], [repeated]])
    assert joined == [Table("página 1, tabla 1", [
        header, ["FOSIS", "Disponer un local del territorio", "2026-12-01"],
        ["SENCE", "Cursos", "2027-03-31"], ["INDAP", "Riego", "2027-01-15"]])]  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice no está instalado")
def test_a_scanned_pdf_is_read_by_tesseract(documents: dict[str, Path]) -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract-ocr no está instalado")
    blocks = read_blocks(documents["scan"])
    paragraphs = [block.text for block in blocks if isinstance(block, Paragraph)]
    assert FOSIS in paragraphs and SERCOTEC in paragraphs and CLOSING in paragraphs
    assert blocks[-1].location.startswith("página 2, ")
    header = read_header(blocks)
    assert (header.number, header.instance, header.place, header.held_on) == (
        "12", "Consejo Público-Privado", "Calama", date(2026, 9, 10))  # fmt: skip


def test_without_tesseract_a_scan_says_what_to_install(
    documents: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if "scan" not in documents:
        pytest.skip("LibreOffice no está instalado")
    ocr._tesseract.cache_clear()
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ocr.OcrUnavailable, match="instale tesseract-ocr y tesseract-ocr-spa"):
        read_blocks(documents["scan"])
    ocr._tesseract.cache_clear()
    monkeypatch.undo()
    if shutil.which("tesseract") is None:
        return
    # Tesseract without its Spanish model: the same advice.
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(ocr.OcrUnavailable, match="no tiene el modelo de español"):
        read_blocks(documents["scan"])
    ocr._tesseract.cache_clear()


def test_a_pdf_bomb_is_refused(tmp_path: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, zlib.compress(b" " * (3 * 1024 * 1024), 9))
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].Contents = stream
    pdf.save(tmp_path / "bomba.pdf", compress_streams=False)
    assert (tmp_path / "bomba.pdf").stat().st_size < 10_000
    with pytest.raises(UnreadableFile, match=r"descomprimido pesaría más de .* el máximo es 1 MB"):
        read_blocks(tmp_path / "bomba.pdf", Limits(max_mb=1))


def hostile_files(folder: Path, documents: dict[str, Path]) -> dict[str, Path]:
    """Each kind of file an acta reader must refuse."""
    source = documents["docx"]
    (folder / "texto.docx").write_text("institucion;compromiso\nFOSIS;algo\n", "utf-8")
    (folder / "vacia.docx").write_bytes(b"")
    files = {"texto": folder / "texto.docx", "vacio": folder / "vacia.docx"}

    def rewrite(name: str, change: dict[str, tuple[bytes, bytes]], extra: bytes = b"") -> Path:
        target = folder / name
        with (
            zipfile.ZipFile(source) as old,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new,
        ):
            for item in old.infolist():
                data = old.read(item.filename)
                if item.filename in change:
                    before, after = change[item.filename]
                    assert before in data
                    data = data.replace(before, after, 1)
                new.writestr(item, data)
            if extra:
                new.writestr("word/media/relleno.bin", extra)
        return folder / name

    files["bomba"] = rewrite("bomba.docx", {}, b"\0" * (40 * 1024 * 1024))
    files["doctype"] = rewrite(
        "doctype.docx",
        {
            "word/document.xml": (
                b"?>",
                b'?><!DOCTYPE w [<!ENTITY e "eeeeeeee"><!ENTITY f "&e;&e;&e;&e;">]>',
            )
        },
    )
    macro = {"[Content_Types].xml": (b"wordprocessingml.document.main+xml",
                                     b"ms-word.document.macroEnabled.main+xml")}  # fmt: skip
    damaged = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        part = archive.getinfo("word/document.xml")
    start = part.header_offset + 30 + len(part.filename) + len(part.extra)
    damaged[start + 10 : start + 60] = bytes(50)  # the compressed text, overwritten
    (folder / "danado.docx").write_bytes(bytes(damaged))
    files["danado"] = folder / "danado.docx"
    files["macros"] = rewrite("macros.docm", macro)
    files["macros_renombrado"] = rewrite("macros.docx", macro)
    if "pdf" in documents:
        pikepdf = pytest.importorskip("pikepdf")
        with pikepdf.open(documents["pdf"]) as pdf:
            pdf.save(folder / "cifrado.pdf",
                     encryption=pikepdf.Encryption(user="clave", owner="otra"))  # fmt: skip
        files["cifrado"] = folder / "cifrado.pdf"
        (folder / "cortado.pdf").write_bytes(documents["pdf"].read_bytes()[:2000])
        files["cortado"] = folder / "cortado.pdf"
    return files


REASONS = {
    "texto": "no es un documento DOCX válido (no es un archivo ZIP)",
    "vacio": "el archivo está vacío (0 bytes)",
    "bomba": "«bomba zip»",
    "danado": "el documento DOCX está dañado o incompleto",
    "doctype": "declaraciones XML (DOCTYPE o ENTITY)",
    "macros": "contiene macros (.docm)",
    "macros_renombrado": "contiene macros (.docm)",
    "cifrado": "el PDF está protegido con contraseña",
    "cortado": "el PDF está dañado o incompleto",
}


@pytest.mark.slow
def test_hostile_documents_are_refused_in_spanish_by_the_console_script(
    tmp_path: Path, documents: dict[str, Path]
) -> None:
    files = hostile_files(tmp_path, documents)
    database = f"sqlite:///{tmp_path / 'var' / 'cumple.db'}"
    runs = [["init"]]
    for path in files.values():
        runs += [["actas", "read", str(path)], ["import", str(path)]]
    runs.append(["commitments", "list", "--format", "json"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUMPLE_")}
    env |= {"CUMPLE_DATABASE_URL": database, "CUMPLE_DATA_DIR": str(tmp_path / "var")}
    done = subprocess.run([sys.executable, "-c", BATCH_RUNNER, json.dumps(runs)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results[0][0] == 0
    for args, (code, out, err) in zip(runs[1:-1], results[1:-1], strict=True):
        name = next(key for key, path in files.items() if str(path) == args[-1])
        assert code == 1, (args, out, err)
        assert "Traceback" not in err
        assert err.startswith(f"Error: No se pudo leer «{Path(args[-1]).name}»: ")
        assert REASONS[name] in err, (name, err)
    assert json.loads(results[-1][1]) == []
    assert not list((tmp_path / "var").glob("evidencias/*/*"))


@contextlib.contextmanager
def _argv(args: list[str]) -> Iterator[None]:
    saved, mask = sys.argv, os.umask(0o022)
    os.umask(mask)
    sys.argv = ["cumple", *args]
    try:
        yield
    finally:
        sys.argv = saved
        os.umask(mask)


def cumple(*args: str, database_url: str, folder: Path) -> tuple[int, str, str]:
    """The console script's entry point, in this process (as the console
    script runs it: ``main`` with its central error handling)."""
    out, err = io.StringIO(), io.StringIO()
    options = ["--database-url", database_url, "--data-dir", str(folder / "var")]
    code = 0
    with _argv([*args, *options]), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_read_out_spreadsheet_completed_then_imported(
    database_url: str, engine: Engine, documents: dict[str, Path], tmp_path: Path
) -> None:
    def run(*args: str) -> tuple[int, str, str]:
        return cumple(*args, database_url=database_url, folder=tmp_path)

    out = tmp_path / "propuesta.xlsx"
    code, printed, err = run("actas", "read", str(documents["docx"]), "--region", "Antofagasta",
                             "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert f"en {out} (con la columna texto_fuente)" in printed
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Propuestas", "Instrucciones"]
    sheet = workbook["Propuestas"]
    names = [cell.value for cell in sheet[1]]
    assert names[-1] == "texto_fuente" and "plazo_texto" in names
    email = names.index("responsable_email") + 1
    rows = list(sheet.iter_rows(min_row=2))
    corfo = next(r for r in rows if r[names.index("institucion")].value == "CORFO")
    # The formula-like text is kept as text, marked so that no spreadsheet runs it.
    text_cell = corfo[names.index("compromiso")]
    assert text_cell.value == TABLE_ROWS[1][1] and text_cell.data_type == "s"
    assert text_cell.quotePrefix is True
    # A missing required cell is highlighted; the guessed deadline shaded.
    assert corfo[email - 1].fill.fgColor.rgb == "FFF8CBAD"
    assert "cumple import" in " ".join(c.value or "" for c in workbook["Instrucciones"]["A"])
    for number, sheet_row in enumerate(rows, start=2):
        if not sheet_row[email - 1].value:
            sheet.cell(number, email).value = f"responsable{number}@servicio.example"
    workbook.save(out)

    code, printed, err = run("import", str(out))
    assert code == 0, err
    assert f"Se crearon 1 acta, {len(rows)} compromisos" in printed
    assert "Columnas no reconocidas" not in printed
    with Session(engine) as session:
        stored = session.scalars(select(Commitment).order_by(Commitment.id)).all()
        by_text = {c.text: c for c in stored}
    indap = by_text["Financiar capacitación en riego"]
    assert (indap.plazo, indap.plazo_text, indap.amount) == (
        date(2026, 10, 30), "a fines de octubre", 5_000_000)  # fmt: skip
    assert by_text[TABLE_ROWS[1][1]].plazo_text == "2026-12-15"


def test_a_complete_acta_imports_with_its_document_as_evidence(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    def run(*args: str) -> tuple[int, str, str]:
        return cumple(*args, database_url=database_url, folder=tmp_path)

    complete = table_docx(tmp_path / "completa.docx", [
        ["FOSIS", "Transferir fondos al convenio Lasana", "$15.000.000", "21/09/2026",
         "marcela@fosis.example"],
        ["SERCOTEC", "Capacitar a emprendedores", "M$ 8.500", "10 días hábiles",
         "pedro@sercotec.example"],
    ])  # fmt: skip
    incomplete = table_docx(tmp_path / "incompleta.docx", [
        ["INDAP", "Financiar riego", "$5.000.000", "30/11/2026", ""],
    ])  # fmt: skip
    assert run("init")[0] == 0

    code, printed, err = run("import", str(incomplete))
    assert code == 1 and printed == ""
    head = "«incompleta.docx» tiene 1 propuesta por completar o confirmar; no se importó nada:"
    assert head in err
    assert "propuesta 1 (tabla 1, fila 2: «INDAP | Financiar riego" in err
    assert "falta responsable_email" in err
    assert f"cumple actas read {incomplete} --out propuesta.xlsx" in err
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Commitment)) == 0
        assert session.scalar(select(func.count()).select_from(Acta)) == 0
    assert not list((tmp_path / "var").glob("evidencias/*/*"))

    code, printed, err = run("import", str(complete), "--by", "gerente")
    assert code == 0, err
    assert "Se crearon 1 acta, 2 compromisos" in printed
    assert "«completa.docx» quedó como evidencia del acta" in printed
    with Session(engine) as session:
        commitments = session.scalars(select(Commitment).order_by(Commitment.id)).all()
        assert [(c.amount, c.plazo_text) for c in commitments] == [
            (15_000_000, "2026-09-21"), (8_500_000, "10 días hábiles")]  # fmt: skip
        evidence = session.scalars(select(Evidence)).all()
    assert len(evidence) == 1
    assert (evidence[0].acta_id, evidence[0].commitment_id, evidence[0].name) == (
        commitments[0].acta_id, None, "completa.docx")  # fmt: skip
    stored = tmp_path / "var" / "evidencias" / evidence[0].sha256[:2] / evidence[0].sha256
    assert stored.read_bytes() == complete.read_bytes()

    code, printed, err = run("import", str(complete))
    assert code == 0, err
    assert "2 compromisos ya estaban registrados" in printed
    assert "ya era evidencia del acta" in printed
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Evidence)) == 1

    # FOSIS's responsable is now on record: an acta that omits the e-mail gets
    # it as a guess, which a direct import never takes without confirmation.
    guessed = table_docx(tmp_path / "supuesta.docx", [
        ["FOSIS", "Financiar ferias costumbristas", "$2.000.000", "30/11/2026", ""],
    ])  # fmt: skip
    code, printed, err = run("import", str(guessed))
    assert (code, printed) == (1, "")
    assert "propuesta 1 (tabla 1, fila 2: «FOSIS | Financiar ferias" in err
    assert "confirme responsable_email (supuesto)" in err
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Commitment)) == 2


def test_actas_read_json_names_values_states_and_sources(
    sqlite_url: str, documents: dict[str, Path], tmp_path: Path
) -> None:
    assert cumple("init", database_url=sqlite_url, folder=tmp_path)[0] == 0
    code, printed, err = cumple("actas", "read", str(documents["merged"]), "--territory",
                                "Loa Emprende", "--format", "json", database_url=sqlite_url,
                                folder=tmp_path)  # fmt: skip
    assert code == 0, err
    data = json.loads(printed)
    assert data["encabezado"]["numero"] == "3"
    assert data["encabezado"]["estados"]["fecha"] == "encontrado"
    first = data["propuestas"][0]
    assert first["fuente"] == {
        "ubicacion": "tabla 1, fila 3",
        "texto": "FOSIS | Transferir fondos | $15.000.000 | 21/10/2026",
    }
    assert first["valores"]["territorio"] == "Loa Emprende"
    assert first["estados"]["institucion"] == "encontrado"
    assert "responsable_email" in first["faltan"] and "region" in first["faltan"]
    code, printed, err = cumple("actas", "read", str(documents["merged"]), "--region", "Narnia",
                                database_url=sqlite_url, folder=tmp_path)  # fmt: skip
    assert code == 0, err
    assert "Aviso: la región «Narnia» no existe" in printed
    assert "— falta" in printed and "Aviso: a 2 propuestas les faltan datos obligatorios" in printed


def test_plazo_texto_is_stored_and_limited(engine: Engine, tmp_path: Path) -> None:
    from importer import ImportFailed, import_file

    header = [*row().keys(), "plazo_texto"]
    good = write_csv(tmp_path / "bien.csv", [row(plazo="2026-09-21",
                     plazo_texto="antes del 21 de septiembre")], header=header)  # fmt: skip
    report = import_file(engine, good, actor="prueba")
    assert report.commitments == 1 and report.ignored_columns == []
    with Session(engine) as session:
        stored = session.scalars(select(Commitment)).one()
    assert (stored.plazo, stored.plazo_text) == (date(2026, 9, 21), "antes del 21 de septiembre")
    long = write_csv(tmp_path / "largo.csv", [row(compromiso="Otro", plazo_texto="x" * 101)],
                     header=header)  # fmt: skip
    with pytest.raises(ImportFailed) as failed:
        import_file(engine, long, actor="prueba")
    assert [str(e) for e in failed.value.errors] == [
        "fila 2, columna plazo_texto: tiene 101 caracteres; el máximo es 100"
    ]
