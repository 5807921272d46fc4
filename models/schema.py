"""Create or migrate the database and load the reference data. Idempotent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.geography import Comuna, Region, RegionAlias
from models.reference import comunas, regions


class SchemaNotReady(Exception):
    """The database has not been created or is behind the code."""


def _alembic_config() -> Any:
    # Alembic is imported only to migrate: every command checks the schema,
    # and importing Alembic costs a third of a second.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("models") / "migrations"))
    return config


MIGRATION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def head_revision() -> str:
    """The latest migration: revisions are numbered like their files
    (``0006_api_tokens.py`` has revision ``0006``; a test holds Alembic's
    own head to this)."""
    return max(known_revisions(), default="")


def known_revisions() -> frozenset[str]:
    """Every migration this version of cumple knows, oldest to newest."""
    folder = resources.files("models") / "migrations" / "versions"
    return frozenset(m.group(1) for f in folder.iterdir() if (m := MIGRATION_FILE.match(f.name)))


def current_revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Apply every pending migration."""
    from alembic import command

    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@dataclass(frozen=True)
class InitResult:
    revision: str
    regions: int
    comunas: int


def seed_reference_data(session: Session) -> None:
    """Insert the 16 regiones, their aliases and the 346 comunas that are
    missing; existing rows are left as they are."""
    known_regions = set(session.scalars(select(Region.id)))
    known_aliases = set(session.scalars(select(RegionAlias.alias)))
    known_comunas = set(session.scalars(select(Comuna.code)))
    claimed: dict[str, str] = {}
    for ref in regions():
        if ref.number not in known_regions:
            session.add(
                Region(
                    id=ref.number,
                    code=ref.code,
                    name=ref.name,
                    abbreviation=ref.abbreviation,
                    iso_code=ref.iso_code,
                    roman=ref.roman,
                )
            )
        for alias in sorted(ref.aliases()):
            if claimed.setdefault(alias, ref.code) != ref.code:
                raise RuntimeError(f"región alias {alias!r} is ambiguous")
            if alias not in known_aliases:
                session.add(RegionAlias(alias=alias, region_id=ref.number))
    session.flush()
    for comuna in comunas():
        if comuna.code not in known_comunas:
            session.add(
                Comuna(
                    code=comuna.code,
                    name=comuna.name,
                    province_code=comuna.province_code,
                    province_name=comuna.province_name,
                    region_id=int(comuna.region_code),
                )
            )


def init_database(engine: Engine) -> InitResult:
    """``cumple init``: migrate to the latest schema and load reference data."""
    upgrade(engine)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
        region_count = len(session.scalars(select(Region.id)).all())
        comuna_count = len(session.scalars(select(Comuna.code)).all())
    return InitResult(current_revision(engine) or "", region_count, comuna_count)


def ensure_ready(engine: Engine) -> None:
    """Raise :class:`SchemaNotReady` unless the schema is at the latest
    migration and the regiones are loaded."""
    revision = current_revision(engine)
    if revision is None:
        raise SchemaNotReady("missing")
    if revision != head_revision():
        raise SchemaNotReady("outdated")
    with Session(engine) as session:
        if session.scalars(select(Region.id).limit(1)).first() is None:
            raise SchemaNotReady("empty")
