"""Tables of an acta. A table whose header resembles the import format
(matched as the importer matches headers, plus the Spanish labels actas
use: «Institución», «Compromiso», «Monto», «Plazo», «Responsable»,
«Correo del responsable»…) becomes proposals directly, one per row, its
values as written in the cells; the acta's own columns come from the
header when the table lacks them. Any other table is read as text, a
paragraph per row, for the prose rules."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from importer.actas.proposal import ActaHeader, Found, Paragraph, Proposal, Source, Table
from importer.columns import COLUMNS, KNOWN, header_key
from models.calendar import BusinessCalendar
from models.dates import DateError, format_long, parse_date
from models.money import AmountError, format_clp, parse_clp
from models.text import fold

if TYPE_CHECKING:
    from importer.actas.institutions import KnownInstitutions

HEADER_ROWS = 3
"""A title row or two may stand above a table's header."""
ALIASES: dict[str, str] = {
    **{key: "institucion" for key in (
        "institucion_responsable", "servicio", "entidad", "organismo", "institucion_o_servicio",
        "servicio_o_institucion", "quien_se_compromete", "actor")},
    **{key: "compromiso" for key in (
        "compromisos", "acuerdo", "acuerdos", "accion", "acciones", "accion_comprometida",
        "descripcion", "compromiso_adquirido", "detalle", "compromiso_acuerdo",
        "acuerdo_compromiso", "descripcion_del_compromiso", "compromiso_asumido")},
    **{key: "monto" for key in (
        "monto_comprometido", "aporte", "monto_clp", "presupuesto", "montos", "monto_en_pesos",
        "monto_m", "monto_mm", "aporte_comprometido", "monto_miles_de_pesos")},
    **{key: "plazo" for key in (
        "fecha", "fecha_limite", "fecha_de_cumplimiento", "plazo_de_cumplimiento",
        "vencimiento", "fecha_compromiso", "plazo_fecha", "fecha_de_termino", "plazo_limite")},
    **{key: "responsable" for key in (
        "nombre_responsable", "encargado", "encargada", "nombre_del_responsable",
        "responsable_nombre", "contacto", "encargado_a")},
    **{key: "responsable_email" for key in (
        "correo", "correo_del_responsable", "correo_responsable", "email", "e_mail",
        "correo_electronico", "mail", "email_responsable", "email_del_responsable",
        "correo_electronico_del_responsable", "correo_electronico_responsable")},
    **{key: "institucion_rut" for key in ("rut", "rut_institucion", "rut_de_la_institucion")},
    **{key: "fuente" for key in (
        "fuente_de_financiamiento", "financiamiento", "fuente_financiamiento",
        "fuente_de_los_recursos")},
    "producto": "productos",
    **{key: "beneficiarios" for key in (
        "n_beneficiarios", "numero_de_beneficiarios", "n_de_beneficiarios", "beneficiarios_n")},
    "territorio_gerente": "territorio_gerente_email",
    "fecha_del_acta": "acta_fecha",
    "instancia": "acta_instancia",
    "numero_del_acta": "acta_numero",
    "n_acta": "acta_numero",
}  # fmt: skip
"""Labels actas give their columns, as :func:`column_key` writes them."""
STATUS_KEYS = {
    "estado", "situacion", "avance", "estado_de_avance", "grado_de_avance", "cumplimiento",
    "estado_actual", "situacion_actual", "estado_de_cumplimiento",
}  # fmt: skip
"""Columns of a table that follows up earlier commitments."""
_NO_AMOUNT = re.compile(r"^(?:[—–\-]+|s/?m|sin\b.*|no\s+aplica|n/?a|no\s+tiene\b.*|\$?\s*0)$", re.I)
ACTA_COLUMNS = ("region", "territorio", "acta_fecha", "acta_instancia", "acta_numero", "acta_tipo")


def column_key(cell: str) -> str:
    """``"Monto ($)"`` → ``monto``; ``"Correo del responsable"`` →
    ``correo_del_responsable`` (the importer's :func:`header_key`, then
    only letters, digits and single underscores)."""
    key = re.sub(r"[^a-z0-9_]+", "", header_key(cell))
    return re.sub(r"_+", "_", key).strip("_")


def _column(cell: str) -> str | None:
    key = column_key(cell)
    if key in KNOWN or key == "plazo_texto":
        return key
    return ALIASES.get(key)


def match_table(table: Table) -> tuple[int, dict[int, str]] | None:
    """The header row's index and the import column of each of its
    positions, when the table is a commitments table: it names the
    commitment and at least one of institution, amount, due date or
    responsable. ``None`` for any other table, and for a table of the state
    of earlier commitments («Estado», «Avance») without amounts or dates."""
    for index, row in enumerate(table.rows[:HEADER_ROWS]):
        columns: dict[int, str] = {}
        for position, cell in enumerate(row):
            column = _column(cell) if cell else None
            if column and column not in columns.values():
                columns[position] = column
        named = set(columns.values())
        follow_up = any(column_key(cell) in STATUS_KEYS for cell in row)
        if follow_up and not named & {"monto", "plazo"}:
            continue  # the state of earlier commitments, not new ones
        if "compromiso" in named and named & {"institucion", "monto", "plazo", "responsable"}:
            return index, columns
    return None


def _scale(label: str) -> int:
    """Amounts under «Monto (M$)» are thousands of pesos, «MM$» millions."""
    folded = fold(label)
    if re.search(r"\bmm\$|millones de pesos", folded):
        return 10**6
    if re.search(r"(^|[^m])m\$|miles de pesos", folded):
        return 10**3
    return 1


def acta_values(
    header: ActaHeader, region: str, region_state: Found
) -> dict[str, tuple[str, Found]]:
    """The acta's own import columns from its header (and the región)."""
    held_on = header.held_on.isoformat() if header.held_on else ""
    state = header.states.get
    return {
        "region": (region, region_state if region else Found.MISSING),
        "territorio": (header.territory, state("territory", Found.MISSING)),
        "acta_fecha": (held_on, state("held_on", Found.MISSING)),
        "acta_instancia": (header.instance, state("instance", Found.MISSING)),
        "acta_numero": (header.number, state("number", Found.MISSING)),
        "acta_tipo": (header.kind, state("kind", Found.MISSING)),
    }


def fill_acta(proposal: Proposal, acta: dict[str, tuple[str, Found]], *, force: set[str]) -> None:
    """Put the acta's columns into ``proposal`` where it has none (or
    always, for the columns in ``force``: the ones the user gave)."""
    for column, (value, state) in acta.items():
        if column in force or not proposal.values.get(column):
            proposal.values[column] = value
            proposal.states[column] = state if value else Found.MISSING


def proposals_from_table(
    table: Table,
    held_on: date | None,
    calendar: BusinessCalendar,
    known: KnownInstitutions | None = None,
) -> list[Proposal] | None:
    """One proposal per data row of a commitments table (``None`` when
    the table is not one); ``held_on`` and the región's ``calendar`` date
    a deadline written in words (``21 de septiembre``, ``a fines de
    octubre``). With ``known``, a «Responsable» column that names
    institutions is read as the institution, and institutions are given
    their stored names. An amount or a deadline written inside the
    commitment's text is taken when the table has no column for it.
    Columns the table lacks are left to the caller."""
    matched = match_table(table)
    if matched is None:
        return None
    header_index, columns = matched
    header_row = table.rows[header_index]
    data = [row for row in table.rows[header_index + 1 :] if row != header_row]
    if known is not None:
        columns = _responsable_as_institution(columns, data, known)
    named = set(columns.values())
    proposals: list[Proposal] = []
    for number, row in enumerate(table.rows[header_index + 1 :], start=header_index + 2):
        if row == header_row:
            continue  # the header repeated on a new page
        cells = {column: " ".join(row[p].split()) for p, column in columns.items() if p < len(row)}
        if not (cells.get("compromiso") or cells.get("institucion")):
            continue
        text = " | ".join(cell for cell in row if cell)
        proposal = Proposal({}, {}, Source(f"{table.location}, fila {number}", text))
        for column, value in cells.items():
            if value:
                proposal.values[column] = value
                proposal.states[column] = Found.FOUND
        if cells.get("institucion") and known is not None:
            _canonical(proposal, known)
        if cells.get("monto"):
            position = next(p for p, c in columns.items() if c == "monto")
            _amount(proposal, cells["monto"], _scale(header_row[position]))
        elif "monto" not in named and cells.get("compromiso"):
            _amount_in_text(proposal, cells["compromiso"])
        if cells.get("plazo"):
            _deadline(proposal, cells["plazo"], held_on, calendar)
        for column in COLUMNS:
            if column.name not in ACTA_COLUMNS and not proposal.values.get(column.name):
                proposal.states[column.name] = Found.MISSING
        proposals.append(proposal)
    return proposals


def _names_institution(cell: str, known: KnownInstitutions) -> str | None:
    """The institution ``cell`` is (one known name filling it), or ``None``."""
    from importer.actas.institutions import find_institutions

    text = " ".join(cell.split())
    mentions = find_institutions(text, known)
    if len(mentions) == 1 and mentions[0].end - mentions[0].start >= 0.6 * len(text):
        return mentions[0].name
    return None


def _responsable_as_institution(
    columns: dict[int, str], rows: list[list[str]], known: KnownInstitutions
) -> dict[int, str]:
    """In a table with no institution column, «Responsable» names who
    commits when most of its cells are institutions (INDAP, Municipalidad
    de Cunco), not people."""
    if "institucion" in columns.values():
        return columns
    position = next((p for p, c in columns.items() if c == "responsable"), None)
    if position is None:
        return columns
    values = [row[position] for row in rows if position < len(row) and row[position].strip()]
    named = sum(1 for value in values if _names_institution(value, known))
    if values and 2 * named >= len(values):
        return {**columns, position: "institucion"}
    return columns


def _canonical(proposal: Proposal, known: KnownInstitutions) -> None:
    """The institution as stored (or as the public service is called)."""
    written = proposal.values["institucion"]
    name = _names_institution(written, known)
    if name and fold(name) != fold(written):
        proposal.values["institucion"] = name
        proposal.notes.append(f"institución «{written}» leída como «{name}»")
    elif name is None and not known.is_registered(written):
        proposal.notes.append(f"institución no registrada: «{written}»; revise el nombre")


def _amount_in_text(proposal: Proposal, text: str) -> None:
    """The one amount in pesos the commitment's own words state."""
    from importer.actas.amounts import find_amounts

    found = [amount for amount in find_amounts(text) if amount.pesos is not None]
    if len(found) == 1:
        proposal.values["monto"] = format_clp(found[0].pesos)
        proposal.states["monto"] = Found.FOUND if found[0].stated_currency else Found.GUESSED


def complete_from_known(
    proposal: Proposal, known: KnownInstitutions, region: str, territory: str
) -> None:
    """What the acta's table did not say but the register knows: the
    institution's RUT, its responsable and director in the región, the
    territorio's gerente; each a guess for the gerente to confirm."""
    name = proposal.values.get("institucion")
    if not name:
        return

    def guess(column: str, value: str | None) -> None:
        if value and not proposal.values.get(column):
            proposal.values[column] = value
            proposal.states[column] = Found.GUESSED

    guess("institucion_rut", known.rut(name))
    person = known.responsable(region or None, name)
    if person is not None and not proposal.values.get("responsable_email"):
        guess("responsable", person.name)
        guess("responsable_email", person.email)
        proposal.notes.append(
            f"responsable supuesto: {person.name or person.email}, registrado para {name} "
            f"en {region}; confírmelo"
        )
    director = known.director(region or None, name)
    guess("institucion_director_email", director.email if director else None)
    if territory:
        gerente = known.gerente(region or None, territory)
        guess("territorio_gerente_email", gerente.email if gerente else None)


def _amount(proposal: Proposal, cell: str, scale: int) -> None:
    if _NO_AMOUNT.match(cell):
        proposal.values["monto"] = ""
        proposal.states["monto"] = Found.MISSING  # stated: no amount
        return
    if scale == 1:
        try:
            parse_clp(cell)
            return  # the importer reads it as written
        except AmountError:
            pass
    from importer.actas.amounts import find_amounts

    prefix = {10**3: "M$ ", 10**6: "MM$ "}.get(scale, "")
    written = cell if scale == 1 or "$" in cell else prefix + cell
    found = [amount for amount in find_amounts(written) if amount.pesos is not None]
    if len(found) == 1:
        pesos = found[0].pesos
        proposal.values["monto"] = format_clp(pesos)
        if not found[0].stated_currency:
            proposal.states["monto"] = Found.GUESSED
        if proposal.values["monto"] != cell:
            proposal.notes.append(f"monto «{cell}» leído como {format_clp(pesos)}")
        return
    proposal.values["monto"] = ""
    proposal.states["monto"] = Found.MISSING
    proposal.notes.append(f"monto no reconocido: «{cell}»; escríbalo en pesos ($15.000.000)")


def _deadline(
    proposal: Proposal, cell: str, held_on: date | None, calendar: BusinessCalendar
) -> None:
    """``plazo`` as the importer takes it (a date or ``N días hábiles``),
    the cell's words kept in ``plazo_texto`` when they say it otherwise."""
    try:
        proposal.values["plazo"] = parse_date(cell).isoformat()
        return
    except DateError:
        pass
    from importer.actas.due_dates import find_due_date

    due = find_due_date(cell, held_on, calendar)
    if due is not None and due.plazo:
        proposal.values["plazo"] = due.plazo
        proposal.states["plazo"] = due.state
    else:
        proposal.values["plazo"] = ""
        proposal.states["plazo"] = Found.MISSING
        reason = due.remark if due is not None and due.remark else "escriba una fecha"
        proposal.notes.append(f"plazo sin fecha: «{cell}»; {reason}")
    if due is not None and due.remark and due.plazo:
        proposal.notes.append(due.remark)
    if _differs(proposal.values["plazo"], cell) and not proposal.values.get("plazo_texto"):
        proposal.values["plazo_texto"] = cell
        proposal.states["plazo_texto"] = Found.FOUND


def _differs(plazo: str, cell: str) -> bool:
    """Whether the cell says the deadline otherwise than ``plazo`` does
    (``a fines de octubre``), not merely as a long date."""
    try:
        return fold(format_long(date.fromisoformat(plazo))) != fold(cell)
    except ValueError:
        return fold(plazo) != fold(cell)


def table_paragraphs(table: Table) -> list[Paragraph]:
    """Any other table as text: a paragraph per row, its cells in order."""
    paragraphs = []
    for number, row in enumerate(table.rows, start=1):
        cells = [cell for position, cell in enumerate(row) if cell and cell not in row[:position]]
        if cells:
            paragraphs.append(Paragraph(f"{table.location}, fila {number}", "; ".join(cells)))
    return paragraphs
