"""The proposals editor's form: what an acta's reading proposes, laid out as
an editable header and one row per proposal; read back from the posted
form exactly as typed; and turned into the importer's
:class:`importer.reader.Sheet` as a spreadsheet with the import columns as
its header would be. Row ``n`` of the editor is spreadsheet row ``n + 1``,
so the importer's errors land beside the rows they concern."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from importer.actas.proposal import ActaHeader, ActaReading, Found
from importer.columns import COLUMNS
from importer.errors import RowError
from importer.reader import Sheet
from models.commitments import ActaKind
from models.money import format_clp
from models.text import fold

HEADER_COLUMNS = (
    "region", "territorio", "acta_fecha", "acta_instancia", "acta_numero", "acta_tipo",
    "territorio_gerente_email",
)  # fmt: skip
"""The acta's own columns: typed once in the header, the same on every row."""
PLACE = "lugar"
"""Where the session was held: shown and editable, but not an import column."""
ROW_COLUMNS = tuple(column.name for column in COLUMNS if column.name not in HEADER_COLUMNS)
REQUIRED = frozenset(column.name for column in COLUMNS if column.required)
MAX_ROWS = 100
"""Proposals in one editor (an acta with more is split by the gerente)."""
MAX_FORM_FIELDS = MAX_ROWS * (len(ROW_COLUMNS) + 6) + 40
"""What the posted form may hold: every row's inputs and hidden fields."""
MAX_SOURCE = 4000
"""Characters of a proposal's source text carried through the form."""
HEADER_STATE = {
    "acta_tipo": "kind", "acta_numero": "number", "acta_instancia": "instance",
    "territorio": "territory", PLACE: "place", "acta_fecha": "held_on",
}  # fmt: skip
TYPED = "ingresado"
"""A value the gerente wrote where the acta said nothing."""
LABELS = {
    "region": "Región", "territorio": "Territorio", "acta_fecha": "Fecha de la sesión",
    "acta_instancia": "Instancia", "acta_numero": "N° de acta", "acta_tipo": "Tipo de documento",
    "territorio_gerente_email": "Correo del gerente territorial", PLACE: "Lugar",
    "institucion": "Institución", "institucion_rut": "RUT de la institución",
    "responsable": "Responsable", "responsable_email": "Correo del responsable",
    "institucion_director_email": "Correo del director(a) regional",
    "compromiso": "Compromiso", "monto": "Monto (pesos)", "fuente": "Fuente del financiamiento",
    "plazo": "Plazo (fecha o «N días hábiles»)", "plazo_texto": "Plazo según el acta",
    "programa": "Programa", "productos": "Productos", "beneficiarios": "Beneficiarios (personas)",
    "comunas": "Comunas (nombres o códigos CUT)",
}  # fmt: skip
STATE_TEXT = {
    Found.FOUND.value: "encontrado en el acta",
    Found.GUESSED.value: "supuesto: revíselo",
    Found.MISSING.value: "falta",
    TYPED: "ingresado por usted",
}
_STATES = frozenset(STATE_TEXT)


def label(name: str) -> str:
    """The Spanish label of a column (its name when it has none)."""
    return LABELS.get(name, name.replace("_", " "))


@dataclass
class DraftRow:
    """One proposal as the editor holds it: its place in the table
    (``number``, from 1), whether it is kept, where it came from, its values
    per row column and how the reading obtained each."""

    number: int
    include: bool
    location: str
    text: str
    notes: list[str]
    values: dict[str, str]
    states: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    suggestions: list[tuple[str, str]] = field(default_factory=list)
    """Known responsables of the row's institution in the región:
    ``(e-mail, description)``."""

    def state(self, name: str) -> str:
        """What the editor says of a field now: ``falta`` when a required
        one is empty, the reading's state when the value came from it,
        ``ingresado`` when the gerente wrote what the acta lacked."""
        if not self.values.get(name, "").strip():
            return Found.MISSING.value if name in REQUIRED else ""
        state = self.states.get(name, "")
        return TYPED if state in ("", Found.MISSING.value) else state

    def blank(self) -> bool:
        return not any(value.strip() for value in self.values.values())


@dataclass
class Draft:
    """The whole editor: header values (the acta's columns and its place),
    their states, the rows, the reading's warnings and, after a refused
    confirmation, the errors by header field and a summary."""

    header: dict[str, str]
    header_states: dict[str, str]
    rows: list[DraftRow]
    warnings: list[str] = field(default_factory=list)
    header_errors: dict[str, list[str]] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)
    """``(anchor, message)``: every error, linking to its field."""

    def header_state(self, name: str) -> str:
        if not self.header.get(name, "").strip():
            return Found.MISSING.value if name in REQUIRED else ""
        state = self.header_states.get(name, "")
        return TYPED if state in ("", Found.MISSING.value) else state

    def add_row(self) -> None:
        if len(self.rows) < MAX_ROWS:
            number = len(self.rows) + 1
            values = dict.fromkeys(ROW_COLUMNS, "")
            self.rows.append(DraftRow(number, True, "", "", [], values, {}))

    def included(self) -> list[DraftRow]:
        """The rows to import: kept, and not left wholly empty."""
        return [row for row in self.rows if row.include and not row.blank()]


def _kind(text: str) -> str:
    kinds = {fold(kind.value): kind.value for kind in ActaKind}
    return kinds.get(fold(text), "")


def _header_values(
    header: ActaHeader, first: Mapping[str, str], region: str, territory: str
) -> dict[str, str]:
    return {
        "region": region,
        "territorio": header.territory or first.get("territorio", "") or territory,
        "acta_fecha": header.held_on.isoformat() if header.held_on else first.get("acta_fecha", ""),
        "acta_instancia": header.instance or first.get("acta_instancia", ""),
        "acta_numero": header.number or first.get("acta_numero", ""),
        "acta_tipo": _kind(header.kind or first.get("acta_tipo", "")) or ActaKind.ACTA.value,
        "territorio_gerente_email": first.get("territorio_gerente_email", ""),
        PLACE: header.place,
    }


def _shown(name: str, value: str | None) -> str:
    """A read value as the gerente would type it: amounts as ``$15.000.000``."""
    if name == "monto" and value and value.isdigit():
        return format_clp(int(value))
    return value or ""


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def from_reading(
    reading: ActaReading,
    *,
    region_code: Callable[[str], str | None],
    region: str | None,
    territory: str | None,
) -> Draft:
    """The editor for a fresh reading. ``region_code`` turns what the acta
    or the user's scope says of the región into the code the form's list
    uses; ``region`` and ``territory`` are the user's own when they have
    only one (they fill what the acta does not say)."""
    first = reading.proposals[0].values if reading.proposals else {}
    said = first.get("region", "") or region or ""
    code = (region_code(said) if said else None) or ""
    header = _header_values(reading.header, first, code, territory or "")
    first_states = reading.proposals[0].states if reading.proposals else {}
    states = {name: first_states[name].value for name in HEADER_COLUMNS if name in first_states}
    states.update(
        (column, reading.header.states[key].value)
        for column, key in HEADER_STATE.items()
        if key in reading.header.states
    )
    if not first.get("region") and code:
        states["region"] = Found.GUESSED.value
    rows = [
        DraftRow(
            number=number,
            include=True,
            location=proposal.source.location,
            text=proposal.source.text[:MAX_SOURCE],
            notes=list(proposal.notes),
            values={name: _shown(name, proposal.values.get(name)) for name in ROW_COLUMNS},
            states={
                name: proposal.states[name].value for name in ROW_COLUMNS if name in proposal.states
            },
        )
        for number, proposal in enumerate(reading.proposals[:MAX_ROWS], start=1)
    ]
    warnings = [_sentence(warning) for warning in reading.warnings]
    if len(reading.proposals) > MAX_ROWS:
        warnings.append(
            f"El acta propone {len(reading.proposals)} compromisos; se muestran los primeros "
            f"{MAX_ROWS}. Importe el resto desde una planilla («cumple actas read --out»)."
        )
    draft = Draft(header=header, header_states=states, rows=rows, warnings=warnings)
    if not draft.rows:
        draft.add_row()
    return draft


def _states(encoded: str, names: tuple[str, ...]) -> dict[str, str]:
    """The states carried through the form (``col=state;…``), for ``names`` only."""
    states = {}
    for part in encoded.split(";"):
        name, _, state = part.partition("=")
        if name in names and state in _STATES:
            states[name] = state
    return states


def encoded_states(states: Mapping[str, str]) -> str:
    return ";".join(f"{name}={state}" for name, state in sorted(states.items()))


def from_form(form: Mapping[str, object]) -> Draft:
    """The editor as the gerente posted it, values kept as typed (only
    surrounding spaces go)."""

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    try:
        count = max(1, min(int(text("filas") or "1"), MAX_ROWS))
    except ValueError:
        count = 1
    header = {name: text(name) for name in (*HEADER_COLUMNS, PLACE)}
    rows = [
        DraftRow(
            number=n,
            include=bool(text(f"incluir-{n}")),
            location=text(f"origen-{n}")[:200],
            text=text(f"texto-{n}")[:MAX_SOURCE],
            notes=[note for note in text(f"notas-{n}").splitlines() if note.strip()][:10],
            values={name: text(f"{name}-{n}") for name in ROW_COLUMNS},
            states=_states(text(f"estados-{n}"), ROW_COLUMNS),
        )
        for n in range(1, count + 1)
    ]
    header_states = _states(text("estados"), (*HEADER_COLUMNS, PLACE))
    return Draft(header=header, header_states=header_states, rows=rows)


def to_sheet(draft: Draft) -> Sheet:
    """The kept rows as a spreadsheet would give them: the import columns
    as header, the acta's columns repeated on each row, row ``n`` of the
    editor as spreadsheet row ``n + 1``."""
    names = [column.name for column in COLUMNS]

    def cell(row: DraftRow, name: str) -> str | None:
        value = draft.header.get(name, "") if name in HEADER_COLUMNS else row.values.get(name, "")
        return value or None

    rows: list[tuple[int, list[object]]] = [
        (row.number + 1, [cell(row, name) for name in names]) for row in draft.included()
    ]
    return Sheet(header=list(names), rows=rows)


def field_id(name: str, number: int | None = None) -> str:
    """The HTML id of a field: ``institucion-3`` in row 3, ``acta_fecha``
    in the header."""
    return name if number is None else f"{name}-{number}"


def apply_errors(draft: Draft, errors: list[RowError]) -> None:
    """Put the importer's errors beside the fields they concern (a header
    column's error once, on the header) and list them all in the summary."""
    by_number = {row.number: row for row in draft.rows}
    for error in errors:
        row = by_number.get(error.row - 1)
        if error.column in HEADER_COLUMNS or row is None:
            messages = draft.header_errors.setdefault(error.column, [])
            if error.message in messages:
                continue
            messages.append(error.message)
            where = f"Acta, {label(error.column).lower()}"
            anchor = field_id(error.column)
        else:
            row.errors.setdefault(error.column, []).append(error.message)
            where = f"Propuesta {row.number}, {label(error.column).lower()}"
            anchor = field_id(error.column, row.number)
        draft.summary.append((anchor, f"{where}: {error.message}"))
