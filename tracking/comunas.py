"""Resolving the comunas people type (names or CUT codes) within one región.

A :class:`ComunaIndex` is built once from the ``comuna`` and ``region``
tables (:func:`load_comuna_index`) and then answers without queries, so the
importer can resolve every row of a 50 000-row file from memory. Names are
matched with :func:`models.text.fold` (case, accents and spacing ignored);
codes may be the 5-digit CUT code or the 4 digits a spreadsheet leaves when
it drops the leading zero ("4301" for Ovalle, 04301).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from sqlalchemy import select
from sqlmodel import Session

from models.calendar import calendar_for
from models.commitments import DUE_SOON_BUSINESS_DAYS
from models.comuna_split import split_amount
from models.geography import CommitmentComuna, Comuna, Region
from models.local_holidays import LOCAL_HOLIDAYS
from models.money import AmountError, format_clp, parse_clp
from models.text import fold
from tracking.errors import TrackingError

_CODE = re.compile(r"^\d{4,5}$")
ALIASES = {
    "marchigue": "06204",  # Marchihue, as the municipality and the programmes write it
    "til til": "13303",  # Tiltil
    "llay llay": "05703",  # Llaillay
    "llay-llay": "05703",
    "aisen": "11201",  # Aysén
    "paihuano": "04105",  # Paiguano
    "coihaique": "11101",  # Coyhaique
}
"""Other spellings in common use (folded) of some comunas' CUT names."""
_LONGEST_SHOWN = 60


class ComunaError(TrackingError):
    """A comuna that is not one of the región's, or a malformed list."""


def shown(text: str) -> str:
    """The value as a message quotes it: one line, at most 60 characters."""
    line = " ".join(text.split())
    return line if len(line) <= _LONGEST_SHOWN else line[: _LONGEST_SHOWN - 1] + "…"


@dataclass(frozen=True)
class ComunaInfo:
    code: str
    name: str
    province_name: str
    region_id: int


@dataclass
class ComunaIndex:
    """Every comuna by CUT code, and by folded name within each región;
    ``region_names`` holds each región's official name for messages."""

    by_code: dict[str, ComunaInfo] = field(default_factory=dict)
    by_name: dict[int, dict[str, str]] = field(default_factory=dict)
    region_names: dict[int, str] = field(default_factory=dict)
    any_region: dict[str, str] = field(default_factory=dict)
    """Folded name → code over all regiones (a name unique in Chile), to
    say which región a misplaced comuna belongs to."""

    def add(self, info: ComunaInfo) -> None:
        self.by_code[info.code] = info
        self.by_name.setdefault(info.region_id, {})[fold(info.name)] = info.code
        self.any_region.setdefault(fold(info.name), info.code)

    def name(self, code: str) -> str:
        return self.by_code[code].name

    def resolve(self, region_id: int, text: str) -> str:
        """The CUT code of the comuna ``text`` names in región ``region_id``.
        Raises :class:`ComunaError` with a Spanish message naming the value
        and the región when there is no such comuna there."""
        value = " ".join(text.split())
        region = self.region_names.get(region_id, "la región")
        if _CODE.match(value):
            code = value.zfill(5)
            info = self.by_code.get(code)
            if info is None:
                raise ComunaError(
                    f"«{value}» no es el código CUT de ninguna comuna; revise el código "
                    f"o escriba el nombre de la comuna de la {region}"
                )
            if info.region_id != region_id:
                raise ComunaError(self._elsewhere(value, info, region))
            return code
        key = fold(value)
        code = self.by_name.get(region_id, {}).get(key)
        if code is None and key in ALIASES and ALIASES[key] in self.by_code:
            code = ALIASES[key]
            if self.by_code[code].region_id != region_id:
                raise ComunaError(self._elsewhere(value, self.by_code[code], region))
        if code is not None:
            return code
        other = self.any_region.get(key)
        if other is not None:
            raise ComunaError(self._elsewhere(value, self.by_code[other], region))
        raise ComunaError(
            f"«{shown(value)}» no es una comuna de la {region}; revise el nombre o use su "
            "código CUT"
        )

    def _elsewhere(self, value: str, info: ComunaInfo, region: str) -> str:
        other = self.region_names.get(info.region_id, "otra región")
        what = f"«{shown(value)}»"
        if _CODE.match(value):
            what = f"«{value}» es el código de {info.name}, que"
        return (
            f"{what} es una comuna de la {other}, no de la {region}; "
            "use una comuna de la región del territorio"
        )

    def resolve_all(self, region_id: int, names: Iterable[str]) -> list[str]:
        """Codes of every name, in CUT order without repeats; the first
        unknown one raises :class:`ComunaError`."""
        return sorted({self.resolve(region_id, name) for name in names})


@dataclass(frozen=True)
class ComunaList:
    """A parsed ``comunas`` value: the codes (CUT order) and, when the value
    states each comuna's part ("Ovalle: $10.000.000; Punitaqui: $5.000.000"),
    the parts by code; ``parts`` is ``None`` when no part is stated."""

    codes: tuple[str, ...]
    parts: dict[str, int] | None = None


def parse_comuna_list(index: ComunaIndex, region_id: int, text: str) -> ComunaList:
    """Parse a list of comunas as a spreadsheet cell or ``--comunas`` gives it:
    "Ovalle, Punitaqui" (commas or semicolons), or with each comuna's part,
    "Ovalle: $10.000.000; Punitaqui: $5.000.000" (all comunas or none with a
    part). Raises :class:`ComunaError` on an empty list, an unknown comuna,
    a comuna named twice, or parts given to only some comunas."""
    if ":" not in text:
        names = [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
        if not names:
            raise ComunaError("la lista de comunas está vacía; escriba al menos una comuna")
        codes = [index.resolve(region_id, name) for name in names]
        _no_repeats(index, codes)
        return ComunaList(tuple(sorted(codes)))
    items = [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
    parts: dict[str, int] = {}
    missing: list[str] = []
    for item in items:
        name, colon, amount_text = item.partition(":")
        code = index.resolve(region_id, name)
        if code in parts or code in missing:
            raise ComunaError(f"la comuna {index.name(code)} aparece dos veces; déjela una vez")
        if not colon or not amount_text.strip():
            missing.append(code)
            continue
        try:
            amount = parse_clp(amount_text.strip())
        except AmountError as exc:
            raise ComunaError(f"el monto de {index.name(code)}: {exc}") from None
        if amount is None:
            missing.append(code)
            continue
        parts[code] = amount
    if missing:
        names = ", ".join(index.name(code) for code in missing)
        raise ComunaError(
            f"indique el monto de cada comuna o de ninguna; falta el de {names} "
            "(ej.: «Ovalle: $10.000.000; Punitaqui: $5.000.000»)"
        )
    return ComunaList(tuple(sorted(parts)), parts)


def parts_problem(parsed: ComunaList, amount: int | None) -> str:
    """Why the stated parts do not fit the commitment's ``amount`` (they
    must add up to it), or ``""`` when they do or none is stated."""
    if parsed.parts is None:
        return ""
    total = sum(parsed.parts.values())
    if amount is None:
        return (
            f"da montos por comuna (suman {format_clp(total)}) pero la fila no tiene monto; "
            "escriba el monto del compromiso o quite los montos de las comunas"
        )
    if total != amount:
        return (
            f"los montos por comuna suman {format_clp(total)} y el monto del compromiso es "
            f"{format_clp(amount)}; corríjalos para que sumen lo mismo"
        )
    return ""


def parse_cell(
    index: ComunaIndex | None, region_id: int, text: str, amount: int | None
) -> ComunaList:
    """An import row's ``comunas`` cell: :func:`parse_comuna_list`, with
    stated parts that must add up to the row's ``amount``. ``index`` is
    ``None`` where an import cannot resolve comunas (then any value is
    refused). Raises :class:`ComunaError` with the Spanish reason."""
    if index is None:
        raise ComunaError("esta importación no acepta comunas; deje la columna vacía")
    parsed = parse_comuna_list(index, region_id, text)
    problem = parts_problem(parsed, amount)
    if problem:
        raise ComunaError(problem)
    return parsed


def _no_repeats(index: ComunaIndex, codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ComunaError(f"la comuna {index.name(code)} aparece dos veces; déjela una vez")
        seen.add(code)


def local_keys() -> tuple[str, ...]:
    """Every ``local_calendar`` a commitment can hold besides ``""``: each
    non-empty combination of the local rules, as
    :func:`models.local_holidays.local_calendar_key` joins them."""
    keys = sorted(rule.key for rule in LOCAL_HOLIDAYS)
    return tuple(
        ",".join(combo) for size in range(1, len(keys) + 1) for combo in combinations(keys, size)
    )


def due_soon_horizons(
    session: Session, day: date
) -> tuple[dict[int, date], dict[tuple[int, str], date]]:
    """The "due soon" cut-off on ``day`` of each región (its own calendar),
    and of each ``(región, local_calendar)`` whose cut-off differs from the
    región's (a local holiday within the next business days). The second
    is empty most days, so grouped counts need the local calendar only
    when it changes a status."""
    base: dict[int, date] = {}
    special: dict[tuple[int, str], date] = {}
    for region_id, iso_code in session.execute(select(Region.id, Region.iso_code)):
        base[region_id] = calendar_for(iso_code).add(day, DUE_SOON_BUSINESS_DAYS)
        for key in local_keys():
            horizon = calendar_for(iso_code, key).add(day, DUE_SOON_BUSINESS_DAYS)
            if horizon != base[region_id]:
                special[(region_id, key)] = horizon
    return base, special


@dataclass(frozen=True)
class ComunaPart:
    """A comuna of a commitment and the pesos planned there
    (:func:`models.comuna_split.split_amount`; ``None`` without amount)."""

    codigo: str
    nombre: str
    monto: int | None

    def record(self) -> dict[str, object]:
        return {"codigo": self.codigo, "nombre": self.nombre, "monto": self.monto}


def commitment_places(
    session: Session, amounts: dict[int, int | None]
) -> dict[int, tuple[ComunaPart, ...]]:
    """The comunas of each commitment of ``amounts`` (id → amount), in CUT
    order with each one's planned part (one query per 500 commitments)."""
    rows: dict[int, list[tuple[str, str, int | None]]] = {}
    ids = sorted(amounts)
    for start in range(0, len(ids), 500):
        query = (
            select(
                CommitmentComuna.commitment_id, Comuna.code, Comuna.name, CommitmentComuna.amount
            )
            .join(Comuna, Comuna.code == CommitmentComuna.comuna_code)
            .where(CommitmentComuna.commitment_id.in_(ids[start : start + 500]))  # type: ignore[attr-defined]
        )
        for commitment_id, code, name, stated in session.execute(query):
            rows.setdefault(commitment_id, []).append((code, name, stated))
    found: dict[int, tuple[ComunaPart, ...]] = {}
    for commitment_id, places in rows.items():
        names = {code: name for code, name, _ in places}
        split = split_amount(
            amounts[commitment_id], list(names), {code: stated for code, _, stated in places}
        )
        found[commitment_id] = tuple(
            ComunaPart(code, names[code], split.get(code)) for code in sorted(names)
        )
    return found


def load_comuna_index(session: Session) -> ComunaIndex:
    """Every comuna of every región, from the database (two queries)."""
    index = ComunaIndex()
    for region in session.scalars(select(Region)):
        index.region_names[region.id] = region.official_name
    for comuna in session.scalars(select(Comuna).order_by(Comuna.code)):
        index.add(ComunaInfo(comuna.code, comuna.name, comuna.province_name, comuna.region_id))
    return index


__all__ = [
    "ComunaError",
    "ComunaIndex",
    "ComunaInfo",
    "ComunaList",
    "ComunaPart",
    "commitment_places",
    "due_soon_horizons",
    "load_comuna_index",
    "local_keys",
    "parse_cell",
    "parse_comuna_list",
    "parts_problem",
    "shown",
]
