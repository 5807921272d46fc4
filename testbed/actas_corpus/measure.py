"""Reading the corpus with the real reader and scoring it.

The institutions the reader knows come from a database into which the
demo's actas (``demo/actas_demo.csv``) were imported: that is real use, a
gerente's database holds the institutions that have already committed
(FOSIS, SERCOTEC, the Comunidad Atacameña de Lasana, Cosmo Andino, PROLOA,
several municipalities…), and each new acta may bring one that is not
registered yet (the ADI Alto El Loa, the Municipalidad de Calama, the
Cámara de Turismo del Lago General Carrera…). ``with_demo=False`` measures
an empty database instead (the reader then knows only the public services'
built-in acronyms)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlmodel import Session

from importer import import_file
from importer.actas.institutions import KnownInstitutions, known_institutions
from importer.actas.proposal import ActaHeader, ActaReading
from importer.actas.read import Places, known_places, read_acta
from importer.errors import UnreadableFile
from models.db import make_engine
from models.schema import init_database
from testbed.actas_corpus.build import Document
from testbed.actas_corpus.report import DocumentFigures, Figures
from testbed.actas_corpus.scoring import score_document

DEMO_BASE = "instituciones registradas: las del demo (demo/actas_demo.csv)"
EMPTY_BASE = "base vacía: solo las siglas de los servicios públicos"


@dataclass(frozen=True)
class Registry:
    """What the reader knows: institutions, regiones and territorios on
    record, and a description of where they came from."""

    known: KnownInstitutions
    places: Places
    base: str


def registry(directory: Path, *, with_demo: bool = True) -> Registry:
    """A SQLite database under ``directory``, migrated and (by default)
    loaded with the demo's actas, and what the reader knows from it."""
    directory.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{directory / 'conocidas.db'}")
    try:
        init_database(engine)
        if with_demo:
            with resources.as_file(resources.files("demo") / "actas_demo.csv") as demo:
                import_file(engine, demo, actor="corpus de actas")
        with Session(engine) as session:
            return Registry(
                known_institutions(session),
                known_places(session),
                DEMO_BASE if with_demo else EMPTY_BASE,
            )
    finally:
        engine.dispose()


def measure(documents: Sequence[Document], known: Registry) -> Figures:
    """Read every document with :func:`importer.actas.read.read_acta` (the
    región given, as ``--region`` would) and score it; a document the reader
    refuses counts as read with no proposals, its message kept."""
    figures = Figures(documents=[], base=known.base)
    for document in documents:
        started = time.perf_counter()
        error = ""
        try:
            reading = read_acta(
                document.path,
                known=known.known,
                region=document.acta.region,
                places=known.places,
            )
        except UnreadableFile as exc:
            error = str(exc)
            reading = ActaReading(header=ActaHeader(), proposals=[], warnings=[error])
        seconds = time.perf_counter() - started
        tally, misses = score_document(document.acta, reading, document.label)
        figures.documents.append(
            DocumentFigures(document.label, document.kind, tally, seconds, error)
        )
        figures.misses.extend(misses)
    return figures
