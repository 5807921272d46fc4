"""The corpus as files: a DOCX per acta (python-docx: title, headings,
paragraphs with bold leads, Word numbered lists, tables, page breaks, a
letterhead and a numbered footer on every page), a text PDF of each exported
by LibreOffice (one ``soffice`` call for all of them), and a scanned PDF of
the actas marked ``scanned``: the text PDF rasterised by ``pdftoppm``,
slightly rotated and speckled with Pillow, saved as images only."""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from PIL import Image

from testbed.actas_corpus import ACTAS
from testbed.actas_corpus.spec import Acta, Grid, Heading, PageBreak, Para

DOCX_PROSE = "DOCX en prosa"
DOCX_TABLE = "DOCX con tabla"
PDF_TEXT = "PDF de texto"
PDF_SCANNED = "PDF escaneado"
KINDS = (DOCX_PROSE, DOCX_TABLE, PDF_TEXT, PDF_SCANNED)
"""The kinds of document the figures are given for, in this order."""
SCAN_DPI = 200
TOOLS = ("soffice", "pdftoppm")
"""The programs the builders run (LibreOffice, poppler-utils)."""


class BuildError(RuntimeError):
    """A builder's program is missing or failed (the message says which)."""


@dataclass(frozen=True)
class Document:
    """One file of the corpus: the acta it was built from, and its kind."""

    acta: Acta
    path: Path
    kind: str

    @property
    def label(self) -> str:
        """``loa_consejo_12.pdf (PDF escaneado)``."""
        return f"{self.path.name} ({self.kind})"


def missing_tools() -> list[str]:
    """The builders' programs that are not installed."""
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def build_corpus(directory: Path, actas: Sequence[Acta] = ACTAS) -> list[Document]:
    """Write every acta as a DOCX, a text PDF and, when marked, a scanned
    PDF under ``directory``; the documents in a fixed order (DOCX, text
    PDF, scanned PDF per acta). Raises :class:`BuildError`."""
    missing = missing_tools()
    if missing:
        raise BuildError(f"faltan programas para construir el corpus: {', '.join(missing)}")
    docx_dir, pdf_dir, scan_dir = directory / "docx", directory / "pdf", directory / "escaneado"
    for folder in (docx_dir, pdf_dir, scan_dir):
        folder.mkdir(parents=True, exist_ok=True)
    docx_paths = []
    for acta in actas:
        path = docx_dir / f"{acta.slug}.docx"
        write_docx(acta, path)
        docx_paths.append(path)
    export_pdfs(docx_paths, pdf_dir)
    documents: list[Document] = []
    for seed, (acta, docx_path) in enumerate(zip(actas, docx_paths, strict=True)):
        documents.append(
            Document(acta, docx_path, DOCX_TABLE if acta.has_commitment_table() else DOCX_PROSE)
        )
        pdf_path = pdf_dir / f"{acta.slug}.pdf"
        documents.append(Document(acta, pdf_path, PDF_TEXT))
        if acta.scanned:
            scanned = scan_dir / f"{acta.slug}.pdf"
            scan_pdf(pdf_path, scanned, seed=seed)
            documents.append(Document(acta, scanned, PDF_SCANNED))
    return documents


def write_docx(acta: Acta, path: Path) -> None:
    """The acta as a Word document, laid out as a secretary would."""
    document = docx.Document()
    document.core_properties.title = f"{acta.kind} {acta.slug}"
    section = document.sections[0]
    section.header.paragraphs[0].text = acta.letterhead
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{acta.footer or acta.letterhead} · Página ")
    _page_field(footer)
    for block in acta.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, block.level)
        elif isinstance(block, Para):
            paragraph = document.add_paragraph(style="List Number" if block.numbered else None)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            for index, piece in enumerate(block.text.split("**")):
                if piece:
                    paragraph.add_run(piece).bold = index % 2 == 1
        elif isinstance(block, Grid):
            _table(document, block)
        elif isinstance(block, PageBreak):
            document.add_page_break()
    document.save(str(path))


def _table(document: docx.document.Document, grid: Grid) -> None:
    table = document.add_table(rows=1 + len(grid.rows), cols=len(grid.header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, grid.header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row, cells in zip(table.rows[1:], grid.rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph()


def _page_field(paragraph: DocxParagraph) -> None:
    """A PAGE field: the page number Word and LibreOffice print."""
    run = paragraph.add_run()
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), "PAGE")
    simple.append(run._r)
    paragraph._p.append(simple)


def export_pdfs(docx_paths: Sequence[Path], out_dir: Path) -> None:
    """Every DOCX to a PDF in ``out_dir``, in one LibreOffice run (a
    profile of its own, so that it does not meet another soffice)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise BuildError("LibreOffice (soffice) no está instalado")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *(str(path) for path in docx_paths),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    missing = [p.name for p in docx_paths if not (out_dir / f"{p.stem}.pdf").exists()]
    if result.returncode != 0 or missing:
        raise BuildError(
            f"LibreOffice no exportó {', '.join(missing) or 'los documentos'} a PDF: "
            f"{(result.stderr or result.stdout).strip()[-500:]}"
        )


def scan_pdf(pdf: Path, out: Path, *, seed: int, dpi: int = SCAN_DPI) -> None:
    """``pdf`` as a scanner would return it: each page an image at ``dpi``,
    in grey, turned by a fraction of a degree, with dust specks; no text."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="scan-") as work:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{work}/page"],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pages = [_scanned(Image.open(p), rng) for p in sorted(Path(work).glob("page-*.png"))]
    if not pages:
        raise BuildError(f"pdftoppm no produjo páginas de {pdf.name}")
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))


def _scanned(page: Image.Image, rng: random.Random) -> Image.Image:
    angle = rng.uniform(0.25, 0.6) * rng.choice((-1, 1))
    turned = page.convert("L").rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255
    )
    width, height = turned.size
    pixels = turned.load()
    assert pixels is not None
    for _ in range(width * height // 15000):
        x, y = rng.randrange(width - 2), rng.randrange(height - 2)
        shade = rng.randrange(40, 160)
        for dx, dy in ((0, 0), (1, 0), (0, 1)):
            pixels[x + dx, y + dy] = shade
    return turned
