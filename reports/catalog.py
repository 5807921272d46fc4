"""``catalogo.jsonld``: the package described in DCAT-AP as JSON-LD, so a
CKAN portal such as datos.gob.cl (ckanext-dcat's harvester) can list it:
one ``dcat:Dataset`` (title, description, publisher, issue date, temporal
and spatial coverage, licence, keywords, language) with a
``dcat:Distribution`` per file (media type, format, size in bytes, SPDX
SHA-256 checksum, access and download address). :func:`portal_catalog`
gathers the datasets of the public packages into one ``dcat:Catalog``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reports.open_data import LICENSE, iso_instant

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
LICENSE_URI = "https://creativecommons.org/licenses/by/4.0/"
SPANISH = "http://publications.europa.eu/resource/authority/language/SPA"
MEDIA_TYPES = {
    ".csv": ("text/csv", "CSV"),
    ".json": ("application/json", "JSON"),
    ".pdf": ("application/pdf", "PDF"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    ".jsonld": ("application/ld+json", "JSON-LD"),
}
TITLES = {
    "compromisos.csv": "Compromisos (CSV, datos abiertos)",
    "compromisos.json": "Compromisos (JSON, datos abiertos)",
    "datapackage.json": "Descriptor Frictionless Data Package",
    "informe.pdf": "Informe de compromisos (oficio)",
    "planilla.xlsx": "Planilla de compromisos",
    "catalogo.jsonld": "Descripción DCAT-AP del paquete (JSON-LD)",
    "manifest.json": "Manifiesto: archivos del paquete con su SHA-256",
}
SHA256_ALGORITHM = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"


def _typed(value: str, kind: str) -> dict[str, str]:
    return {"@value": value, "@type": f"xsd:{kind}"}


def media_type(name: str) -> str:
    """The IANA media type of a package file, by its extension."""
    return MEDIA_TYPES.get(Path(name).suffix, ("application/octet-stream", ""))[0]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, hexadecimal, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def distribution(
    folder: Path, name: str, base_url: str, sha256: str | None = None
) -> dict[str, Any]:
    """The ``dcat:Distribution`` of ``folder/name`` published at
    ``base_url + name`` (``sha256``: its checksum when already known)."""
    media, file_format = MEDIA_TYPES.get(Path(name).suffix, ("application/octet-stream", ""))
    if name == "datapackage.json":
        file_format = "Frictionless Data Package"
    url = base_url + name
    return {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": TITLES.get(name, name),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": f"http://www.iana.org/assignments/media-types/{media}"},
        "dct:format": file_format,
        "dcat:byteSize": _typed(str((folder / name).stat().st_size), "nonNegativeInteger"),
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": SHA256_ALGORITHM},
            "spdx:checksumValue": _typed(sha256 or file_sha256(folder / name), "hexBinary"),
        },
        "dct:license": {"@id": LICENSE_URI},
    }


def catalog(
    folder: Path,
    files: Sequence[str],
    *,
    name: str,
    title: str,
    meta: dict[str, Any],
    created: datetime,
    publisher: str,
    base_url: str,
) -> bytes:
    """The DCAT-AP JSON-LD of the package in ``folder``: ``files`` (already
    written there) become its distributions, in the order given, each at
    ``base_url`` + its name (``base_url`` is the address the folder is
    published under and ends in ``/``). ``meta`` carries ``region``,
    ``region_codigo`` (CUT), ``periodo_inicio`` and ``periodo_fin``;
    ``created`` is when the package was generated, ``publisher`` the
    coordination that issues it. Sorted keys, UTF-8: the same files and
    arguments give the same bytes."""
    if not base_url.endswith("/"):
        raise ValueError("base_url must end in /")
    dataset: dict[str, Any] = {
        "@id": base_url + "#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": name,
        "dct:title": {"@value": title, "@language": "es"},
        "dct:description": {
            "@value": (
                f"Compromisos de las mesas territoriales de la {meta['region']} con su estado, "
                f"montos, plazos y medios de verificación al {meta['periodo_fin']}."
            ),
            "@language": "es",
        },
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher},
        "dct:issued": _typed(iso_instant(created), "dateTime"),
        "dct:modified": _typed(iso_instant(created), "dateTime"),
        "dct:language": {"@id": SPANISH},
        "dct:license": {"@id": LICENSE_URI},
        "dct:rights": LICENSE["title"],
        "dcat:keyword": ["compromisos", "desarrollo territorial", "seguimiento"],
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _typed(meta["periodo_inicio"], "date"),
            "dcat:endDate": _typed(meta["periodo_fin"], "date"),
        },
        "dct:spatial": {
            "@type": "dct:Location",
            "dct:identifier": meta["region_codigo"],
            "skos:prefLabel": {"@value": meta["region"], "@language": "es"},
        },
        "dcat:distribution": [distribution(folder, item, base_url) for item in files],
    }
    document = {"@context": CONTEXT, "@graph": [dataset]}
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def portal_catalog(
    datasets: Iterable[dict[str, Any]], *, url: str, homepage: str, publisher: str
) -> bytes:
    """One ``dcat:Catalog`` at ``url`` (the portal at ``homepage``,
    published by ``publisher``) of ``datasets``: the ``dcat:Dataset`` nodes
    of the packages' own ``catalogo.jsonld`` files, as they are (so every
    distribution keeps its address, size and checksum). Sorted keys."""
    found = list(datasets)
    document = {
        "@context": CONTEXT,
        "@graph": [
            {
                "@id": url,
                "@type": "dcat:Catalog",
                "dct:title": {
                    "@value": "Datos abiertos del portal de transparencia de compromisos",
                    "@language": "es",
                },
                "dct:description": {
                    "@value": (
                        "Versiones públicas de los paquetes de información de las regiones "
                        "publicadas: sin compromisos reservados ni datos de personas."
                    ),
                    "@language": "es",
                },
                "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher},
                "foaf:homepage": {"@id": homepage},
                "dct:language": {"@id": SPANISH},
                "dct:license": {"@id": LICENSE_URI},
                "dcat:dataset": [{"@id": item["@id"]} for item in found],
            },
            *found,
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
