"""An acta's proposals as a spreadsheet in the import format, for the
gerente to complete and import with ``cumple import``: the first sheet has
the import columns and the source text last (``texto_fuente``, which the
importer skips), every cell written as text; required cells that are
missing are highlighted, guessed ones shaded; a second sheet explains it
in Spanish. A text that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``…) is stored with Excel's quote prefix: shown and kept as text,
and read back without any added character."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from importer.actas.proposal import SOURCE_COLUMN, ActaReading, Found
from importer.columns import COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""As :data:`reports.safe_text.FORMULA_STARTS` (OWASP, "CSV Injection")."""
MISSING_FILL = "#F8CBAD"
GUESSED_FILL = "#FFF2CC"
INSTRUCTIONS = (
    "Propuesta de compromisos leída de un acta",
    "",
    "Cada fila de la hoja «Propuestas» es un compromiso que cumple encontró en el acta. "
    "Nada se ha importado todavía.",
    "Celdas en rojo claro: datos obligatorios que el acta no trae; complételos "
    "(el correo del responsable casi nunca está en el acta).",
    "Celdas en amarillo: datos supuestos a partir del texto (una institución por su sigla, "
    "«a fines de octubre» como su último día hábil); revíselos.",
    "La última columna, texto_fuente, muestra de dónde salió cada fila; la importación la ignora.",
    "Borre las filas que no sean compromisos. No cambie los nombres de las columnas ni el "
    "orden de las hojas.",
    "Formatos: fechas AAAA-MM-DD o DD-MM-AAAA; plazo como fecha o «N días hábiles»; monto "
    "en pesos ($15.000.000); plazo_texto guarda las palabras del acta.",
    "Cuando esté completa, impórtela con: cumple import ARCHIVO.xlsx (todo o nada: si una "
    "fila tiene un error, no se importa ninguna y se indica cuál corregir).",
)


def write_proposals(reading: ActaReading, path: Path) -> None:
    """Write ``reading``'s proposals to the ``.xlsx`` at ``path``, whole or
    not at all (written beside it, then moved into place)."""
    import xlsxwriter

    path = path.resolve()
    handle, temporary = tempfile.mkstemp(prefix=".propuesta-", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(temporary, {"strings_to_numbers": False})
        _proposals_sheet(workbook, reading)
        _instructions_sheet(workbook)
        workbook.close()
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _proposals_sheet(workbook: object, reading: ActaReading) -> None:
    sheet = workbook.add_worksheet("Propuestas")  # type: ignore[attr-defined]
    bold = workbook.add_format({"bold": True, "bg_color": "#D9E1F2"})  # type: ignore[attr-defined]
    formats: dict[tuple[str, bool], object] = {}
    for fill_name, fill in (("", None), ("missing", MISSING_FILL), ("guessed", GUESSED_FILL)):
        for quoted in (False, True):
            properties: dict[str, object] = {"num_format": "@", "text_wrap": False}
            if fill:
                properties["bg_color"] = fill
            if quoted:
                properties["quote_prefix"] = True
            formats[(fill_name, quoted)] = workbook.add_format(properties)  # type: ignore[attr-defined]
    names = [column.name for column in COLUMNS] + [SOURCE_COLUMN]
    for position, name in enumerate(names):
        sheet.write_string(0, position, name, bold)
        sheet.set_column(position, position, 40 if name in ("compromiso", SOURCE_COLUMN) else 18)
    required = {column.name for column in COLUMNS if column.required}
    for row, proposal in enumerate(reading.proposals, start=1):
        source = f"{proposal.source.location}: {proposal.source.text}"
        if proposal.notes:
            source += " — " + "; ".join(proposal.notes)
        for position, name in enumerate(names):
            text = source if name == SOURCE_COLUMN else proposal.values.get(name) or ""
            state = proposal.states.get(name)
            fill = ""
            if name in required and not text:
                fill = "missing"
            elif state is Found.GUESSED and text:
                fill = "guessed"
            cell_format = formats[(fill, text.startswith(FORMULA_STARTS))]
            if text:
                sheet.write_string(row, position, text, cell_format)
            else:
                sheet.write_blank(row, position, None, cell_format)
    sheet.freeze_panes(1, 0)


def _instructions_sheet(workbook: object) -> None:
    sheet = workbook.add_worksheet("Instrucciones")  # type: ignore[attr-defined]
    title = workbook.add_format({"bold": True, "font_size": 14})  # type: ignore[attr-defined]
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})  # type: ignore[attr-defined]
    sheet.set_column(0, 0, 110)
    for row, line in enumerate(INSTRUCTIONS):
        sheet.write_string(row, 0, line, title if row == 0 else wrap)
    legend = workbook.add_format({"bg_color": MISSING_FILL})  # type: ignore[attr-defined]
    sheet.write_string(len(INSTRUCTIONS) + 1, 0, "Falta: complete esta celda.", legend)
    guessed = workbook.add_format({"bg_color": GUESSED_FILL})  # type: ignore[attr-defined]
    sheet.write_string(len(INSTRUCTIONS) + 2, 0, "Supuesto: revise este valor.", guessed)
