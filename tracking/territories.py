"""The comunas of territorios: reading them, replacing them
(``cumple territory set``), and deciding the comunas of the commitments an
import registers (:func:`import_places`).

A commitment's place is fixed when it is registered: changing a
territorio's comunas later leaves its commitments' comunas (and their
calendars) as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select
from sqlmodel import Session

from config.i18n import plural
from models.commitments import Commitment
from models.geography import Comuna, Region, TerritoryComuna
from models.parties import Territory
from models.text import fold
from models.timestamps import utc_now
from tracking.comunas import ComunaError, load_comuna_index, parse_comuna_list
from tracking.errors import InvalidChange
from tracking.lookup import find_region, find_territories

_CHUNK = 500


@dataclass(frozen=True)
class ComunaRow:
    code: str
    name: str


@dataclass(frozen=True)
class TerritoryView:
    """A territorio with its región, comunas (CUT order) and how many
    commitments it has."""

    id: int
    name: str
    region: str
    comunas: tuple[ComunaRow, ...]
    commitments: int

    def record(self) -> dict[str, object]:
        """The JSON form ``cumple territory list --format json`` prints."""
        return {
            "id": self.id,
            "territorio": self.name,
            "region": self.region,
            "comunas": [{"codigo": c.code, "nombre": c.name} for c in self.comunas],
            "compromisos": self.commitments,
        }


@dataclass(frozen=True)
class TerritoryChange:
    """What :func:`set_territory_comunas` did."""

    territory: TerritoryView
    added: tuple[ComunaRow, ...]
    removed: tuple[ComunaRow, ...]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def stored_comunas(session: Session, territory_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The CUT codes of each territorio that has comunas (one query per 500)."""
    found: dict[int, list[str]] = {}
    ids = sorted(set(territory_ids))
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(TerritoryComuna.territory_id, TerritoryComuna.comuna_code)
            .where(TerritoryComuna.territory_id.in_(ids[start : start + _CHUNK]))  # type: ignore[attr-defined]
            .order_by(TerritoryComuna.comuna_code)
        )
        for territory_id, code in session.execute(query):
            found.setdefault(territory_id, []).append(code)
    return {key: tuple(codes) for key, codes in found.items()}


def find_territory(session: Session, name: str, region: str | None = None) -> Territory:
    """The one territorio called ``name`` (in ``region`` when given);
    :class:`~tracking.errors.NotFound` or, when the name is in several
    regiones and none was given, :class:`~tracking.errors.InvalidChange`."""
    scope = find_region(session, region) if region else None
    found = find_territories(session, name, scope)
    if len(found) > 1:
        names = sorted(
            session.scalars(
                select(Region.name).where(Region.id.in_({t.region_id for t in found}))  # type: ignore[attr-defined]
            )
        )
        raise InvalidChange(
            f"Hay {len(found)} territorios «{found[0].name}» ({', '.join(names)}); "
            "indique la región con --region."
        )
    return found[0]


def list_territories(session: Session, region: str | None = None) -> list[TerritoryView]:
    """Every territorio (of ``region`` when given) with its comunas, by
    región and name, in four queries."""
    query = select(Territory, Region).join(Region, Region.id == Territory.region_id)
    if region:
        query = query.where(Territory.region_id == find_region(session, region).id)
    pairs = session.execute(query.order_by(Region.id, Territory.name_key)).all()
    ids = [territory.id for territory, _ in pairs if territory.id is not None]
    comunas = stored_comunas(session, ids)
    names = dict(session.execute(select(Comuna.code, Comuna.name)).all())
    counts = dict(
        session.execute(
            select(Commitment.territory_id, func.count()).group_by(Commitment.territory_id)
        ).all()
    )
    views = []
    for territory, region_row in pairs:
        assert territory.id is not None
        codes = comunas.get(territory.id, ())
        views.append(
            TerritoryView(
                territory.id,
                territory.name,
                region_row.official_name,
                tuple(ComunaRow(code, names[code]) for code in codes),
                counts.get(territory.id, 0),
            )
        )
    return views


def set_territory_comunas(
    session: Session, name: str, region: str | None, comunas_text: str
) -> TerritoryChange:
    """Replace the comunas of territorio ``name`` with those ``comunas_text``
    names (names or CUT codes of its región, separated by commas). The
    caller commits. Raises :class:`~tracking.comunas.ComunaError` (a
    :class:`~tracking.errors.TrackingError`) naming the first bad value; nothing is
    changed then. Commitments keep the comunas they were registered with."""
    territory = find_territory(session, name, region)
    assert territory.id is not None
    if ":" in comunas_text:
        raise ComunaError(
            "--comunas: escriba solo los nombres o códigos de las comunas, separados por "
            "comas (los montos por comuna van en la columna «comunas» de la importación)"
        )
    index = load_comuna_index(session)
    try:
        wanted = set(parse_comuna_list(index, territory.region_id, comunas_text).codes)
    except ComunaError as exc:
        raise ComunaError(f"--comunas: {exc}.") from None
    before = set(stored_comunas(session, [territory.id]).get(territory.id, ()))
    session.execute(delete(TerritoryComuna).where(TerritoryComuna.territory_id == territory.id))  # type: ignore[arg-type]
    session.execute(
        insert(TerritoryComuna),
        [{"territory_id": territory.id, "comuna_code": code} for code in sorted(wanted)],
    )
    session.flush()

    def rows(codes: set[str]) -> tuple[ComunaRow, ...]:
        return tuple(ComunaRow(code, index.name(code)) for code in sorted(codes))

    count = session.scalars(
        select(func.count()).select_from(Commitment).where(Commitment.territory_id == territory.id)
    ).one()
    view = TerritoryView(
        territory.id,
        territory.name,
        index.region_names[territory.region_id],
        rows(wanted),
        count,
    )
    return TerritoryChange(view, rows(wanted - before), rows(before - wanted))


def ensure_territory(session: Session, region: str, name: str, comunas_text: str) -> bool:
    """Create territorio ``name`` of ``region`` when it does not exist, and
    give it the comunas of ``comunas_text`` when it has none (a territorio
    that already has comunas keeps them). True when something was written;
    the caller commits. For setting up data (the demo) before its actas are
    imported, so its commitments are registered with their comunas."""
    found = find_region(session, region)
    territory = session.scalars(
        select(Territory).where(Territory.region_id == found.id, Territory.name_key == fold(name))
    ).one_or_none()
    created = territory is None
    if territory is None:
        territory = Territory(
            region_id=found.id, name=name, name_key=fold(name), created_at=utc_now()
        )
        session.add(territory)
        session.flush()
    assert territory.id is not None
    if stored_comunas(session, [territory.id]):
        return created
    set_territory_comunas(session, name, found.name, comunas_text)
    return True


@dataclass(frozen=True)
class NamedPlace:
    """One import row's place: its row number, its territorio (id and name
    as written) and the comunas it names (empty: none)."""

    row: int
    territory_id: int
    territory: str
    comunas: tuple[str, ...]


@dataclass
class Places:
    """What :func:`import_places` decided: ``codes[i]`` are the comunas of
    the i-th row's commitment; ``errors`` are ``(row, message)`` pairs about
    the ``comunas`` column; ``notices`` say which territorios got comunas."""

    codes: list[tuple[str, ...]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def import_places(session: Session, named: Sequence[NamedPlace]) -> Places:
    """The comunas of the commitments an import registers, in one query for
    the territorios' stored comunas (plus one insert when some get theirs).

    A row's comunas must be among its territorio's when the territorio has
    comunas; a territorio without any gets the union of the comunas its rows
    name ("set by import"). A row that names none gets its territorio's
    comunas (after that union)."""
    places = Places()
    stored = stored_comunas(session, [place.territory_id for place in named])
    union: dict[int, set[str]] = {}
    names: dict[int, str] = {}
    for place in named:
        if not place.comunas:
            continue
        own = stored.get(place.territory_id)
        if own is None:
            union.setdefault(place.territory_id, set()).update(place.comunas)
            names.setdefault(place.territory_id, place.territory)
            continue
        outside = sorted(set(place.comunas) - set(own))
        if outside:
            places.errors.append((place.row, _outside(session, outside, own, place.territory)))
    if places.errors:
        return places
    if union:
        session.execute(
            insert(TerritoryComuna),
            [
                {"territory_id": territory_id, "comuna_code": code}
                for territory_id, codes in sorted(union.items())
                for code in sorted(codes)
            ],
        )
        comuna_names = _names(session, {code for codes in union.values() for code in codes})
        for territory_id, codes in sorted(union.items()):
            stored[territory_id] = tuple(sorted(codes))
            listed = ", ".join(comuna_names[code] for code in sorted(codes))
            places.notices.append(
                f"el territorio «{names[territory_id]}» no tenía comunas y queda con las que "
                f"nombran sus filas: {listed}. Cámbielas con «cumple territory set»."
            )
    places.codes = [place.comunas or stored.get(place.territory_id, ()) for place in named]
    return places


def _names(session: Session, codes: set[str]) -> dict[str, str]:
    query = select(Comuna.code, Comuna.name).where(Comuna.code.in_(sorted(codes)))  # type: ignore[attr-defined]
    return dict(session.execute(query).all())


def _outside(session: Session, outside: list[str], own: Sequence[str], territory: str) -> str:
    names = _names(session, set(outside) | set(own))
    listed = ", ".join(names[code] for code in outside)
    theirs = ", ".join(names[code] for code in own)
    verb = plural(len(outside), "no es comuna", "no son comunas")
    return (
        f"{listed} {verb} del territorio "
        f"«{territory}» (sus comunas: {theirs}); corrija la fila o agregue la comuna con "
        "«cumple territory set»"
    )


__all__ = [
    "ComunaRow",
    "NamedPlace",
    "Places",
    "TerritoryChange",
    "TerritoryView",
    "ensure_territory",
    "find_territory",
    "import_places",
    "list_territories",
    "set_territory_comunas",
    "stored_comunas",
]
