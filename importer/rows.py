"""Validation of import rows: a pure function of the cells, the región
index and the business calendars. Every mistake is collected, none raised
early, so a file with eight mistakes gets eight messages."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from stdnum.cl import rut as cl_rut
from stdnum.exceptions import InvalidChecksum, ValidationError

from importer.cells import RowCells
from importer.columns import header_errors, match_header
from importer.errors import ImportFailed, RowError
from importer.reader import Sheet
from models.calendar import calendar_for
from models.commitments import ActaKind
from models.money import AmountError, parse_clp
from models.text import fold, text_key
from tracking.comunas import ComunaError, ComunaIndex, ComunaList, parse_cell

Progress = Callable[[int, int], None]

_BUSINESS_DAYS = re.compile(r"^(\d{1,4})\s*dias?\s+habil(es)?$")
_KINDS = {fold(kind.value): kind.value for kind in ActaKind}
MAX_PLAZO_DAYS = 1000
MAX_PLAZO_TEXT = 100  # plazo_texto: the deadline's words as the acta wrote them


@dataclass(frozen=True)
class RegionIndex:
    """Every folded alias of every región, and each región's holiday code."""

    by_alias: dict[str, int]
    iso_code: dict[int, str]
    comunas: ComunaIndex | None = None
    """The comunas of every región (the ``comunas`` column); without it a
    row that names comunas is refused."""


@dataclass(frozen=True)
class ActaKey:
    region_id: int
    territory_key: str
    held_on: date
    instance_key: str
    number: str


@dataclass(frozen=True)
class CommitmentRow:
    """One valid row, ready to be written."""

    row: int
    region_id: int
    territory: str
    held_on: date
    instance: str
    number: str
    kind: str
    institution: str
    institution_rut: str | None
    responsable: str | None
    responsable_email: str
    director_email: str | None
    gerente_email: str | None
    text: str
    amount: int | None
    source: str | None
    plazo_text: str
    plazo: date
    programme: str | None = None
    products: str | None = None
    beneficiaries: int | None = None
    comunas: tuple[str, ...] = ()
    """CUT codes the ``comunas`` column names (empty: the territorio's)."""
    comuna_parts: tuple[tuple[str, int], ...] | None = None
    """Each comuna's stated part of the amount, when the column gives them."""
    plazo_days: int | None = None
    """The plazo in business days ("20 días hábiles"), counted again with
    the calendar of the commitment's comunas when they have local holidays."""

    @functools.cached_property
    def acta_key(self) -> ActaKey:
        return ActaKey(
            self.region_id, self.territory_key, self.held_on, fold(self.instance), self.number
        )

    @functools.cached_property
    def institution_key(self) -> str:
        return fold(self.institution)

    @functools.cached_property
    def territory_key(self) -> str:
        return fold(self.territory)

    @functools.cached_property
    def text_key(self) -> str:
        return text_key(self.text)

    @functools.cached_property
    def identity(self) -> tuple[ActaKey, str, str]:
        """Same acta, institution and text: the same commitment."""
        return (self.acta_key, self.institution_key, self.text_key)

    def payload(self) -> tuple[object, ...]:
        """What a repeated row must agree on to be a harmless duplicate."""
        return (
            self.kind, self.institution_rut, self.responsable_email, self.amount,
            self.source, self.plazo, self.director_email, self.gerente_email,
            self.programme, self.products, self.beneficiaries, self.comunas,
            self.comuna_parts,
        )  # fmt: skip


@dataclass
class ParsedFile:
    rows: list[CommitmentRow]
    duplicate_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=65536)
def _normalize_rut(value: str) -> str:
    cl_rut.validate(value)
    return cl_rut.format(value)


def _parse_row(row: RowCells, regions: RegionIndex) -> CommitmentRow | None:
    region_text = row.text("region", required=True, max_length=120)
    region_id = regions.by_alias.get(fold(region_text)) if region_text else None
    if region_text and region_id is None:
        row.fail(
            "region",
            f"la región «{region_text}» no existe; use su nombre (Antofagasta), "
            "su número (2) o su numeral romano (II)",
        )
    territory = row.text("territorio", required=True, max_length=200)
    held_on = row.date("acta_fecha")
    instance = row.text("acta_instancia", required=True, max_length=200)
    number = row.text("acta_numero", required=False, max_length=100)
    kind_text = row.text("acta_tipo", required=False, max_length=20)
    kind = _KINDS.get(fold(kind_text)) if kind_text else ActaKind.ACTA.value
    if kind is None:
        row.fail("acta_tipo", f"«{kind_text}» no es un tipo; use {', '.join(_KINDS.values())}")
    institution = row.text("institucion", required=True, max_length=200)
    rut_text = row.text("institucion_rut", required=False, max_length=20)
    institution_rut = None
    if rut_text:
        try:
            institution_rut = _normalize_rut(rut_text)
        except InvalidChecksum:
            row.fail(
                "institucion_rut", f"el RUT «{rut_text}» tiene un dígito verificador incorrecto"
            )
        except ValidationError:
            row.fail("institucion_rut", f"«{rut_text}» no es un RUT válido (ej.: 61.202.000-0)")
    responsable = row.text("responsable", required=False, max_length=200) or None
    responsable_email = row.email("responsable_email", required=True)
    director_email = row.email("institucion_director_email", required=False)
    gerente_email = row.email("territorio_gerente_email", required=False)
    text = row.text("compromiso", required=True, max_length=4000, multiline=True)
    try:
        amount = parse_clp(row.raw("monto"))
    except AmountError as exc:
        row.fail("monto", str(exc))
        amount = None
    source = row.text("fuente", required=False, max_length=300) or None
    plazo_text, plazo = _parse_plazo(row, held_on, region_id, regions)
    plazo_days = _plazo_days(plazo_text)
    plazo_text = row.text("plazo_texto", required=False, max_length=MAX_PLAZO_TEXT) or plazo_text
    programme = row.text("programa", required=False, max_length=200) or None
    products = row.text("productos", required=False, max_length=4000, multiline=True) or None
    beneficiaries = _parse_count(row, "beneficiarios")
    comunas = _parse_comunas(row, region_id, amount, regions)
    if row.errors:
        return None
    assert held_on is not None and region_id is not None and responsable_email is not None
    assert plazo is not None and kind is not None
    return CommitmentRow(
        row=row.number,
        region_id=region_id,
        territory=territory,
        held_on=held_on,
        instance=instance,
        number=number,
        kind=kind,
        institution=institution,
        institution_rut=institution_rut,
        responsable=responsable,
        responsable_email=responsable_email,
        director_email=director_email,
        gerente_email=gerente_email,
        text=text,
        amount=amount,
        source=source,
        plazo_text=plazo_text,
        plazo=plazo,
        programme=programme,
        products=products,
        beneficiaries=beneficiaries,
        comunas=comunas.codes if comunas else (),
        comuna_parts=tuple(sorted(comunas.parts.items())) if comunas and comunas.parts else None,
        plazo_days=plazo_days,
    )


def _plazo_days(plazo_text: str) -> int | None:
    match = _BUSINESS_DAYS.match(fold(plazo_text)) if plazo_text else None
    return int(match.group(1)) if match else None


def _parse_comunas(
    row: RowCells, region_id: int | None, amount: int | None, regions: RegionIndex
) -> ComunaList | None:
    """The ``comunas`` cell (:func:`tracking.comunas.parse_cell`)."""
    text = row.text("comunas", required=False, max_length=4000)
    if not text or region_id is None:
        return None
    try:
        return parse_cell(regions.comunas, region_id, text, amount)
    except ComunaError as exc:
        row.fail("comunas", str(exc))
        return None


def _parse_count(row: RowCells, column: str) -> int | None:
    """A whole, non-negative number (a cell or text like ``1.200``)."""
    value = row.raw(column)
    if value is None:
        return None
    try:
        number = parse_clp(value)
    except AmountError:
        number = -1
    if number is None or number < 0:
        row.fail(column, f"«{value}» no es un número entero de personas")
        return None
    return number


def _parse_plazo(
    row: RowCells, held_on: date | None, region_id: int | None, regions: RegionIndex
) -> tuple[str, date | None]:
    value = row.raw("plazo")
    if value is None:
        row.fail("plazo", "no puede estar vacío; escriba una fecha o «N días hábiles»")
        return "", None
    if isinstance(value, str):
        match = _BUSINESS_DAYS.match(fold(value))
        if match:
            days = int(match.group(1))
            if not 1 <= days <= MAX_PLAZO_DAYS:
                row.fail("plazo", f"el plazo debe estar entre 1 y {MAX_PLAZO_DAYS} días hábiles")
                return "", None
            if held_on is None or region_id is None:
                return "", None  # the acta date or región already has its error
            calendar = calendar_for(regions.iso_code[region_id])
            label = "día hábil" if days == 1 else "días hábiles"
            return f"{days} {label}", calendar.add(held_on, days)
    plazo = row.to_date("plazo", value, hint=" o «N días hábiles»")
    if plazo is None:
        return "", None
    if held_on is not None and plazo < held_on:
        row.fail(
            "plazo",
            f"el plazo ({plazo:%d-%m-%Y}) es anterior a la fecha del acta ({held_on:%d-%m-%Y})",
        )
        return "", None
    return plazo.isoformat(), plazo


def parse_sheet(sheet: Sheet, regions: RegionIndex, progress: Progress | None = None) -> ParsedFile:
    """Validate every row of ``sheet``. Returns the valid rows, or raises
    :class:`ImportFailed` listing every mistake in the file."""
    errors = header_errors(sheet.header)
    if errors:
        raise ImportFailed(errors)
    header = match_header(sheet.header)
    parsed = ParsedFile(rows=[], ignored_columns=header.ignored)
    seen: dict[tuple[ActaKey, str, str], CommitmentRow] = {}
    acta_kinds: dict[ActaKey, tuple[str, int]] = {}
    ruts: dict[str, tuple[str, int]] = {}
    institutions_by_rut: dict[str, tuple[str, int]] = {}
    total = len(sheet.rows)
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        if progress is not None and (done % 1000 == 0 or done == total):
            progress(done, total)
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        row = RowCells(number, cells, header)
        result = _parse_row(row, regions)
        errors.extend(row.errors)
        if result is None:
            continue
        errors.extend(_cross_checks(result, acta_kinds, ruts, institutions_by_rut))
        previous = seen.get(result.identity)
        if previous is not None:
            if previous.payload() == result.payload():
                parsed.duplicate_rows.append(number)
            else:
                errors.append(
                    RowError(
                        number,
                        "compromiso",
                        f"repite el compromiso de la fila {previous.row} con otros datos; "
                        "corrija una de las dos filas",
                    )
                )
            continue
        seen[result.identity] = result
        parsed.rows.append(result)
    if errors:
        raise ImportFailed(errors)
    return parsed


def _cross_checks(
    row: CommitmentRow,
    acta_kinds: dict[ActaKey, tuple[str, int]],
    ruts: dict[str, tuple[str, int]],
    institutions_by_rut: dict[str, tuple[str, int]],
) -> list[RowError]:
    """Rows of one file must agree with each other about an acta's kind and
    an institution's RUT."""
    errors: list[RowError] = []
    kind, first = acta_kinds.setdefault(row.acta_key, (row.kind, row.row))
    if kind != row.kind:
        errors.append(
            RowError(row.row, "acta_tipo", f"la fila {first} da otro tipo («{kind}») al mismo acta")
        )
    if row.institution_rut:
        rut, first = ruts.setdefault(row.institution_key, (row.institution_rut, row.row))
        if rut != row.institution_rut:
            errors.append(
                RowError(
                    row.row,
                    "institucion_rut",
                    f"la fila {first} da otro RUT ({rut}) a «{row.institution}»",
                )
            )
        owner, first = institutions_by_rut.setdefault(
            row.institution_rut, (row.institution_key, row.row)
        )
        if owner != row.institution_key:
            errors.append(
                RowError(
                    row.row,
                    "institucion_rut",
                    f"el RUT {row.institution_rut} ya es de otra institución en la fila {first}",
                )
            )
    return errors
