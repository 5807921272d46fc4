"""Public versions of the published regiones' information packages, under
``DATA_DIR/publico/<región>/<periodo>/``: built by :func:`build_package`
with a :class:`~reports.collect.Disclosure`, served by the portal only
while the stamp in their manifest is the current one
(:attr:`tracking.public_packages.PublicPackage.stamp`).

:func:`refresh_public_packages` (re)builds the missing and stale ones, each
on its own: a version that cannot be built is logged with its traceback
and recorded as a :class:`~models.reminders.CycleFailure` (resolved when a
later refresh builds it), and the others go on."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from config import Settings
from models.geography import Region
from models.reminders import FailureKind
from reports.build import CATALOG, FILES, build_package, public_folder
from reports.catalog import media_type
from reports.collect import Disclosure
from reports.periods import parse_period
from tracking.failures import describe, record_failure, resolve_failures
from tracking.public_packages import PublicPackage, public_packages

log = logging.getLogger("cumple.portal")
MANIFEST = "manifest.json"
DOWNLOADS = (*FILES, CATALOG, MANIFEST)
"""Every file of a public version, in the order the portal lists them."""
DESCRIPTIONS = {
    "informe.pdf": "Informe en PDF: resumen, gráficos y tablas del periodo",
    "planilla.xlsx": "Planilla Excel: una hoja por tabla, con cifras y fechas reales",
    "compromisos.csv": "Datos abiertos en CSV: un registro por compromiso",
    "compromisos.json": "Datos abiertos en JSON: los mismos registros",
    "datapackage.json": "Descriptor Frictionless Data Package de los datos abiertos",
    CATALOG: "Descripción DCAT-AP del paquete, en JSON-LD",
    MANIFEST: "Manifiesto: cada archivo con su tamaño y su SHA-256, y los totales",
}
FAILURE_SUFFIX = "-publico"
"""Added to the period of a failure record, to tell it from the package's own."""


@dataclass(frozen=True)
class PublicFile:
    """One file of a public version, as the portal lists it."""

    name: str
    size: int
    sha256: str
    description: str
    media_type: str


@dataclass(frozen=True)
class PublicVariant:
    """A public version whose stamp is current: its folder and files."""

    package: PublicPackage
    folder: Path
    generated_at: datetime
    files: list[PublicFile]

    def file(self, name: str) -> PublicFile | None:
        return next((item for item in self.files if item.name == name), None)


def _folder(settings: Settings, package: PublicPackage) -> Path:
    return public_folder(settings, package.region.slug, package.period)


def variant_stamp(settings: Settings, package: PublicPackage) -> str:
    """The stamp a current public version carries: the package's
    (:attr:`PublicPackage.stamp`) and the portal's address, which its
    catalogue's download addresses start with."""
    text = f"{package.stamp}\n{settings.base_url.rstrip('/')}"
    return hashlib.sha256(text.encode()).hexdigest()


def current_variant(settings: Settings, package: PublicPackage) -> PublicVariant | None:
    """The package's public version when it exists and was built with the
    current stamp; ``None`` otherwise (missing or stale: not to be served)."""
    folder = _folder(settings, package)
    try:
        body = (folder / MANIFEST).read_bytes()
        manifest = json.loads(body)
        if manifest.get("sello") != variant_stamp(settings, package):
            return None
        listed = {item["nombre"]: item for item in manifest["archivos"]}
        files = [
            PublicFile(
                name, int(listed[name]["bytes"]), str(listed[name]["sha256"]),
                DESCRIPTIONS[name], media_type(name),
            )
            for name in (*FILES, CATALOG)
        ]  # fmt: skip
        generated = datetime.fromisoformat(manifest["generado"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if any((folder / item.name).stat().st_size != item.size for item in files):
        return None
    files.append(
        PublicFile(
            MANIFEST, len(body), hashlib.sha256(body).hexdigest(), DESCRIPTIONS[MANIFEST],
            media_type(MANIFEST),
        )
    )  # fmt: skip
    return PublicVariant(package, folder, generated, files)


def build_public_variant(engine: Engine, settings: Settings, package: PublicPackage) -> Path:
    """Build the package's public version (as of the package's own
    generation time, so that it shows the same period the Gobierno
    Regional received) and return its folder."""
    with Session(engine) as session:
        region = session.get(Region, package.region.id)
    if region is None:
        raise LookupError(f"región {package.region.id}")
    disclosure = Disclosure(package.withheld, package.evidence, variant_stamp(settings, package))
    built = build_package(
        engine, settings, region, parse_period(package.period),
        now=package.generated_at, public=disclosure,
    )  # fmt: skip
    return built.folder


@dataclass
class RefreshReport:
    """What a refresh did: the versions built, those already current, and
    those that failed (with the error, on one line)."""

    built: list[PublicPackage] = field(default_factory=list)
    current: list[PublicPackage] = field(default_factory=list)
    failed: list[tuple[PublicPackage, str]] = field(default_factory=list)


def failure_subject(package: PublicPackage) -> str:
    """What failed, in Spanish: ``Versión pública del paquete 2026-Q3 de la Región de …``."""
    return f"Versión pública del paquete {package.period} de la {package.region.official_name}"


def refresh_public_packages(
    engine: Engine,
    settings: Settings,
    *,
    day: date,
    now: datetime | None = None,
    region_id: int | None = None,
) -> RefreshReport:
    """Build the missing or stale public versions of the published
    regiones' packages (only ``region_id``'s when given), each on its own.
    ``day`` is the date failures are recorded under. A transient database
    error propagates (the caller's retry is meant for it)."""
    moment = now or datetime.now(UTC)
    report = RefreshReport()
    with Session(engine) as session:
        packages = public_packages(session)
    for package in packages:
        if region_id is not None and package.region.id != region_id:
            continue
        if current_variant(settings, package) is not None:
            report.current.append(package)
            continue
        period = package.period + FAILURE_SUFFIX
        try:
            build_public_variant(engine, settings, package)
        except OperationalError:
            raise
        except Exception as exc:
            error = describe(exc)
            log.error(
                "versión pública no armada", exc_info=exc,
                extra={"region_id": package.region.id, "period": package.period,
                       "error": error[:300]},
            )  # fmt: skip
            record_failure(
                engine, day=day, kind=FailureKind.PACKAGE, subject=failure_subject(package),
                error=error, now=moment, region_id=package.region.id, period=period,
            )  # fmt: skip
            report.failed.append((package, error))
            continue
        resolve_failures(
            engine, kind=FailureKind.PACKAGE, region_id=package.region.id, period=period,
            now=moment,
        )  # fmt: skip
        report.built.append(package)
    return report
