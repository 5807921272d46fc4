"""The public services every acta names, and what kind of actor an
institution is (a public service, a municipality, or a private or
community actor), as pure functions of its name.

The list was the acta reader's (:mod:`importer.actas.institutions` reads it
from here); the annual self-evaluation classifies the institutions that
committed with it (requirement 1.2, articulación territorial)."""

from __future__ import annotations

import re
from enum import StrEnum

from models.text import fold

# Acronym → the full names it stands for (the acronym is the canonical name
# unless the database stores the service under another of them).
PUBLIC_SERVICES: dict[str, tuple[str, ...]] = {
    "FOSIS": ("Fondo de Solidaridad e Inversión Social",),
    "SERCOTEC": ("Servicio de Cooperación Técnica",),
    "INDAP": ("Instituto de Desarrollo Agropecuario",),
    "SENCE": ("Servicio Nacional de Capacitación y Empleo",),
    "CORFO": ("Corporación de Fomento de la Producción", "Corporación de Fomento"),
    "SERNATUR": ("Servicio Nacional de Turismo",),
    "SERNAPESCA": ("Servicio Nacional de Pesca y Acuicultura", "Servicio Nacional de Pesca"),
    "Servicio País": ("Programa Servicio País",),
    "AMSEC": (),
    "CONADI": ("Corporación Nacional de Desarrollo Indígena",),
    "CONAF": ("Corporación Nacional Forestal",),
    "SAG": ("Servicio Agrícola y Ganadero",),
    "SERNAMEG": ("Servicio Nacional de la Mujer y la Equidad de Género",),
    "INJUV": ("Instituto Nacional de la Juventud",),
    "SENADIS": ("Servicio Nacional de la Discapacidad",),
    "SERVIU": ("Servicio de Vivienda y Urbanización",),
    "SUBDERE": ("Subsecretaría de Desarrollo Regional y Administrativo",),
    "PRODEMU": ("Fundación para la Promoción y Desarrollo de la Mujer",),
    "ProChile": ("Dirección General de Promoción de Exportaciones",),
    "CNR": ("Comisión Nacional de Riego",),
    "GORE": ("Gobierno Regional",),
    "BancoEstado": ("Banco Estado", "Banco del Estado de Chile", "Banco del Estado"),
    "Chile Emprende": ("Programa Chile Emprende",),
}


class InstitutionKind(StrEnum):
    """What kind of actor committed."""

    PUBLIC_SERVICE = "servicio_publico"
    MUNICIPALITY = "municipio"
    PRIVATE = "actor_privado"


INSTITUTION_KIND_LABELS: dict[str, str] = {
    InstitutionKind.PUBLIC_SERVICE: "servicio público",
    InstitutionKind.MUNICIPALITY: "municipio",
    InstitutionKind.PRIVATE: "actor privado o comunitario",
}

_PREFIX = re.compile(r"^(?:la |el )?(?:i\. ?|ilustre )?")
_MUNICIPALITY = re.compile(r"^(?:municipalidad|municipio) de \S")
_SPELLINGS = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        re.escape(fold(spelling))
        for spelling in sorted(
            {s for acronym, names in PUBLIC_SERVICES.items() for s in (acronym, *names)},
            key=len,
            reverse=True,
        )
    )
    + r")(?!\w)"
)


def institution_kind(name: str) -> InstitutionKind:
    """``municipio`` for "(Ilustre|I.) Municipalidad de …" (or "Municipio
    de …"); ``servicio_publico`` when the name is, or names, one of
    :data:`PUBLIC_SERVICES` by acronym or full name ("FOSIS", "Dirección
    Regional de FOSIS", "Servicio de Cooperación Técnica"); anything else
    is a private or community actor ("Comunidad Atacameña de Lasana",
    "Cosmo Andino"). Case and accents are ignored."""
    folded = _PREFIX.sub("", fold(name))
    if _MUNICIPALITY.match(folded):
        return InstitutionKind.MUNICIPALITY
    if _SPELLINGS.search(folded):
        return InstitutionKind.PUBLIC_SERVICE
    return InstitutionKind.PRIVATE


__all__ = ["INSTITUTION_KIND_LABELS", "PUBLIC_SERVICES", "InstitutionKind", "institution_kind"]
