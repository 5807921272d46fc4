"""Reading an acta: document → blocks → header → tables → prose →
proposals, each with the acta's own columns filled in, and warnings in
Spanish for what the gerente should check. Nothing is written: the
reading's ``sheet()`` goes through the importer like a spreadsheet once a
person has confirmed it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from config.i18n import plural
from importer.actas.documents import read_blocks
from importer.actas.header import header_lines, read_header
from importer.actas.proposal import ActaHeader, ActaReading, Block, Found, Paragraph, Proposal
from importer.actas.tables import (
    acta_values,
    complete_from_known,
    fill_acta,
    proposals_from_table,
    table_paragraphs,
)
from importer.limits import Limits
from models.calendar import BusinessCalendar, calendar_for
from models.geography import Region
from models.parties import Territory
from models.reference import regions
from models.text import fold

if TYPE_CHECKING:
    from importer.actas.institutions import KnownInstitutions


@dataclass(frozen=True)
class Places:
    """The territorios on record: folded name → (stored name, región name)
    for each región that has one by that name."""

    territories: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def territory(self, text: str, region: str | None = None) -> tuple[str, str] | None:
        """The stored territorio ``text`` names (in ``region`` when given):
        its name and región; ``None`` when unknown or ambiguous."""
        found = [
            entry for entry in self.territories.get(fold(text), []) if region in (None, entry[1])
        ]
        return found[0] if len(found) == 1 else None

    def names(self) -> list[str]:
        return [name for entries in self.territories.values() for name, _ in entries]


def known_places(session: Session) -> Places:
    """The territorios stored in the database, with their regiones."""
    names = dict(session.execute(select(Region.id, Region.name)).all())
    territories: dict[str, list[tuple[str, str]]] = {}
    for name, region_id in session.execute(select(Territory.name, Territory.region_id)).all():
        territories.setdefault(fold(name), []).append((name, names[region_id]))
    return Places(territories)


def region_name(text: str | None) -> str | None:
    """The name of the región ``text`` names (``II``, ``2``, ``Región de
    Antofagasta``), from the reference data; ``None`` when none."""
    folded = fold(text or "")
    return next((ref.name for ref in regions() if folded in ref.aliases()), None)


def read_acta(
    path: Path,
    *,
    known: KnownInstitutions,
    region: str | None = None,
    territory: str | None = None,
    places: Places | None = None,
    limits: Limits | None = None,
) -> ActaReading:
    """Read the ``.docx`` or ``.pdf`` acta at ``path`` into proposed
    commitments. ``known`` are the institutions on record
    (:func:`importer.actas.institutions.known_institutions`), ``places``
    the territorios (:func:`known_places`; without them a territorio is
    not checked); ``region`` and ``territory``, when given, are the acta's
    and override what the document says. Raises
    :class:`importer.errors.UnreadableFile` (Spanish) when the document
    cannot be read (``OcrUnavailable`` for a scan without Tesseract)."""
    blocks = read_blocks(path, limits)
    header = read_header(blocks, territories=places.names() if places else ())
    warnings: list[str] = []
    given: set[str] = set()
    given_region = " ".join((region or "").split())
    if given_region:
        given.add("region")
    if territory and territory.strip():
        stored = places.territory(territory, region_name(given_region)) if places else None
        header.territory = stored[0] if stored else " ".join(territory.split())
        header.states["territory"] = Found.FOUND
        given.add("territorio")
    name, state = _region(header, blocks, places, known, given_region, warnings)
    _check_territory(header, name, places, warnings)
    acta = acta_values(header, name, state)
    iso = next((ref.iso_code for ref in regions() if ref.name == name), None)
    proposals, paragraphs = _from_tables(blocks, header, calendar_for(iso), known)
    for proposal in proposals:
        complete_from_known(proposal, known, name, header.territory)
    proposals += _from_prose(paragraphs, header, known, name or given_region, header.territory)
    proposals = in_document_order(proposals, blocks)
    for proposal in proposals:
        fill_acta(proposal, acta, force=given)
    warnings.extend(_reading_warnings(header, proposals))
    return ActaReading(header=header, proposals=proposals, warnings=warnings)


def read_acta_in(
    session: Session,
    path: Path,
    *,
    region: str | None = None,
    territory: str | None = None,
    limits: Limits | None = None,
) -> ActaReading:
    """:func:`read_acta` with the institutions and territorios the
    database knows."""
    from importer.actas.institutions import known_institutions

    return read_acta(
        path,
        known=known_institutions(session),
        region=region,
        territory=territory,
        places=known_places(session),
        limits=limits,
    )


def _region(
    header: ActaHeader,
    blocks: Sequence[Block],
    places: Places | None,
    known: KnownInstitutions,
    given: str,
    warnings: list[str],
) -> tuple[str, Found]:
    """The acta's región: as given (checked), else the one the header names
    (``Región de Antofagasta``), else the registered territorio's (found:
    the register says where it is), else the comuna's where it was held
    (guessed)."""
    from importer.actas.institutions import comuna_region, region_ref_name

    if given:
        name = region_name(given)
        if name is None:
            warnings.append(
                f"la región «{given}» no existe; use su nombre (Antofagasta), "
                "su número (2) o su numeral romano (II)"
            )
        return name or given, Found.FOUND
    text = fold("\n".join(header_lines(blocks)))
    for match in re.finditer(r"\bregion\s+(?:de\s+la\s+|del\s+|de\s+)?([a-z' ]{2,40})", text):
        words = match.group(1).split()
        for size in range(len(words), 0, -1):
            name = region_name(" ".join(words[:size]))
            if name:
                return name, Found.FOUND
    if header.territory:
        stored = places.territory(header.territory) if places else None
        if stored:
            header.territory = stored[0]
            return stored[1], Found.FOUND
        code = known.territories.get(fold(header.territory))
        if code:
            return region_ref_name(code), Found.FOUND
    code = comuna_region(header.place)
    if code:
        return region_ref_name(code), Found.GUESSED
    return "", Found.MISSING


def _check_territory(
    header: ActaHeader, region: str, places: Places | None, warnings: list[str]
) -> None:
    if not header.territory or places is None:
        return
    if places.territory(header.territory, region or None) is None:
        where = f" en la región de {region}" if region else ""
        warnings.append(
            f"el territorio «{header.territory}» no está registrado{where}; al importar se "
            "creará uno nuevo: revise el nombre o indíquelo con --territory"
        )


def in_document_order(proposals: Sequence[Proposal], blocks: Sequence[Block]) -> list[Proposal]:
    """``proposals`` in the order of the blocks they come from (a table's
    rows where the table stands among the paragraphs)."""
    order = {block.location: index for index, block in enumerate(blocks)}

    def position(proposal: Proposal) -> int:
        place = proposal.source.location
        while place not in order and "," in place:
            place = place.rsplit(",", 1)[0]
        return order.get(place, len(order))

    return sorted(proposals, key=position)


def _from_tables(
    blocks: Sequence[Block],
    header: ActaHeader,
    calendar: BusinessCalendar,
    known: KnownInstitutions,
) -> tuple[list[Proposal], list[Paragraph]]:
    """The commitments tables' proposals, and every other block as the
    paragraphs the prose rules read."""
    proposals: list[Proposal] = []
    paragraphs: list[Paragraph] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            paragraphs.append(block)
            continue
        rows = proposals_from_table(block, header.held_on, calendar, known)
        if rows is None:
            paragraphs.extend(table_paragraphs(block))
        else:
            proposals.extend(rows)
    return proposals, paragraphs


def _from_prose(
    paragraphs: Sequence[Paragraph],
    header: ActaHeader,
    known: KnownInstitutions,
    region: str,
    territory: str,
) -> list[Proposal]:
    from importer.actas.prose import proposals_from_paragraphs

    return proposals_from_paragraphs(
        paragraphs, header, known, region=region or None, territory=territory or None
    )


def _reading_warnings(header: ActaHeader, proposals: Sequence[Proposal]) -> list[str]:
    warnings = []
    if not proposals:
        warnings.append(
            "no se encontraron compromisos en el documento: las frases deben decir quién se "
            "compromete («FOSIS se compromete a…», «SERCOTEC aportará…») o el acta debe traer "
            "una tabla de acuerdos con los encabezados del formato de importación"
        )
    if header.held_on is None:
        warnings.append("no se encontró la fecha del acta; complete la columna acta_fecha")
    if not header.instance:
        warnings.append(
            "no se encontró la instancia (Consejo Público-Privado, Mesa Territorial, …); "
            "complete la columna acta_instancia"
        )
    incomplete = sum(1 for proposal in proposals if proposal.missing())
    if incomplete:
        warnings.append(
            plural(
                incomplete,
                "a {n} propuesta le faltan datos obligatorios",
                "a {n} propuestas les faltan datos obligatorios",
            )
        )
    return warnings
