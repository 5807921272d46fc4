"""A corpus of realistic actas (Loa Emprende, Limarí Emprende, Provincia del
Huasco, Araucanía Andina, Cuenca Lago General Carrera, Territorio Integrado
Poniente) written as data, each with the commitments it must yield; builders
that turn it into DOCX, text PDF and scanned PDF files; and the scoring of
the acta reader against it (commitment recall and precision, per-field
precision and recall, invented values). Shared by ``tests/`` and
``checks/actas_quality.py``."""

from __future__ import annotations

from testbed.actas_corpus.held_out import ARAUCANIA_4, OHIGGINS_9, PONIENTE_MINUTA
from testbed.actas_corpus.huasco import MESA_9, SECRETARIA_11
from testbed.actas_corpus.limari import CONCEJO_45, DIRECTORIO_7
from testbed.actas_corpus.loa import CONSEJO_12, SECRETARIA_31
from testbed.actas_corpus.poniente import MESA_8
from testbed.actas_corpus.spec import Acta
from testbed.actas_corpus.sur import CONVENIO, PROTOCOLO

ACTAS: tuple[Acta, ...] = (
    CONSEJO_12,
    SECRETARIA_31,
    DIRECTORIO_7,
    CONCEJO_45,
    MESA_9,
    SECRETARIA_11,
    PROTOCOLO,
    CONVENIO,
    MESA_8,
    OHIGGINS_9,
    ARAUCANIA_4,
    PONIENTE_MINUTA,
)
"""Every corpus acta, in a fixed order."""
