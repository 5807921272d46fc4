"""Finding regiones, territorios and institutions by what users type."""

from __future__ import annotations

import contextlib

from sqlalchemy import or_, select
from sqlmodel import Session

from models.geography import Region, RegionAlias
from models.parties import Institution, Territory
from models.text import fold
from tracking.errors import NotFound


def find_region(session: Session, text: str) -> Region:
    """A región by name, alias, CUT number or Roman numeral."""
    region = session.scalars(
        select(Region).join(RegionAlias).where(RegionAlias.alias == fold(text))
    ).one_or_none()
    if region is None:
        raise NotFound(
            f"La región «{text}» no existe. Use su nombre (Antofagasta), "
            "su número (2) o su numeral romano (II)."
        )
    return region


def find_territories(session: Session, text: str, region: Region | None = None) -> list[Territory]:
    """Territorios whose name matches ``text`` (case and accents ignored)."""
    query = select(Territory).where(Territory.name_key == fold(text))
    if region is not None:
        query = query.where(Territory.region_id == region.id)
    found = list(session.scalars(query))
    if not found:
        raise NotFound(f"No hay un territorio llamado «{text}». Revise el nombre.")
    return found


def find_institution(session: Session, text: str) -> Institution:
    """An institution by name or acronym (case and accents ignored) or RUT."""
    from stdnum.cl import rut
    from stdnum.exceptions import ValidationError

    conditions = [Institution.name_key == fold(text)]
    with contextlib.suppress(ValidationError):
        conditions.append(Institution.rut == rut.format(rut.validate(text)))
    institution = session.scalars(select(Institution).where(or_(*conditions))).first()
    if institution is None:
        raise NotFound(f"No hay una institución llamada «{text}». Revise el nombre o el RUT.")
    return institution
