"""Building a región's information package for a period: figures, then the
renderers, into ``DATA_DIR/reports/<región>/<periodo>/``. The files are
written into a temporary folder beside the target and moved into place at
the end, so a failed build leaves nothing half-written.

The same builder makes the package's public version (a
:class:`~reports.collect.Disclosure`), into
``DATA_DIR/publico/<región>/<periodo>/``: without withheld commitments,
evidence that was not made public, reasons, names or the Oficio to the
Gobierno Regional, marked «Versión pública», its manifest carrying the
disclosure's stamp."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from babel.dates import format_datetime
from sqlalchemy import exists, func, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import Settings
from models.calendar import calendar_for
from models.geography import Comuna, Region
from models.packages import Package, PackageDelivery
from models.protocols import Protocol
from models.text import slug
from reports.catalog import catalog
from reports.collect import Disclosure, commitment_facts, rectifications
from reports.document import percent, write_pdf
from reports.figures import PeriodFigures, compute_figures
from reports.instruments import AriFigures, IralFigures
from reports.open_data import datapackage, write_csv, write_json
from reports.periods import Period, first_business_day_after
from reports.spreadsheet import CLP, COUNT, PERCENT, WorkbookInfo, write_workbook
from reports.streamed_json import Streamed, write_object
from tracking.protocols import default_title, protocol_for

FILES = ("informe.pdf", "planilla.xlsx", "compromisos.csv", "compromisos.json", "datapackage.json")
CATALOG = "catalogo.jsonld"
"""The DCAT-AP description of the files above (it cannot list its own size)."""


PUBLIC_MARK = "Versión pública — "
PRELIMINARY_MARK = "PRELIMINAR — "
PUBLIC_DIR = "publico"
"""Under ``DATA_DIR``: the public versions, one folder per región and period."""


def published_url(
    base_url: str, region: Region, period: Period, preliminary: bool, *, public: bool = False
) -> str:
    """Where the package's files are published for harvesting (a folder
    address ending in ``/``). A public version is served by the portal at
    ``<CUMPLE_BASE_URL>/publico/<región>/datos/<periodo>/``; a package for
    the Gobierno Regional names ``<CUMPLE_BASE_URL>/datos/<región>/<periodo>/``,
    for whoever publishes it."""
    root = base_url.rstrip("/")
    if public:
        return f"{root}/{PUBLIC_DIR}/{region_slug(region)}/datos/{period.key}/"
    suffix = "-preliminar" if preliminary else ""
    return f"{root}/datos/{region_slug(region)}/{period.key.lower()}{suffix}/"


@dataclass(frozen=True)
class BuiltPackage:
    region_id: int
    region_name: str
    period: Period
    folder: Path
    files: list[Path]
    manifest_sha256: str
    commitments: int
    figures: PeriodFigures | AriFigures | IralFigures
    """The periodic package's figures, or an ARI's or IRAL's."""


def region_slug(region: Region) -> str:
    """``antofagasta``, ``nuble``: the región's folder and address segment."""
    return slug(region.name)


def package_folder(
    settings: Settings, region: Region, period: Period, *, preliminary: bool = False
) -> Path:
    name = f"{period.key}-preliminar" if preliminary else period.key
    return settings.reports_dir / region_slug(region) / name


def public_folder(settings: Settings, slug_text: str, period_key: str) -> Path:
    """``DATA_DIR/publico/<región>/<periodo>/``: a package's public version."""
    return Path(settings.data_dir) / PUBLIC_DIR / slug_text / period_key


def previous_package_at(engine: Engine, region_id: int, before: Period) -> datetime | None:
    """When the región's latest package for an earlier period went out (its
    rectifications since then go into the next package)."""
    mailed = exists().where(PackageDelivery.package_id == Package.id)
    with Session(engine) as session:
        return session.scalar(
            select(func.max(Package.generated_at)).where(
                Package.region_id == region_id,
                Package.period_end < before.start,
                ~Package.preliminary,  # type: ignore[arg-type]
                # An ARI or IRAL is a projection, not a period reported on.
                ~Package.period.endswith("-ARI"),  # type: ignore[attr-defined]
                ~Package.period.endswith("-IRAL"),  # type: ignore[attr-defined]
                or_(Package.automatic_key == "protocolo", mailed),
            )
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _summary(figures: PeriodFigures) -> list[tuple[str, object, str | None]]:
    total = figures.total
    fulfilled = figures.fulfilled
    return [
        ("Periodo", figures.period.label, None),
        ("Compromisos al cierre", total.commitments, COUNT),
        ("Monto comprometido (CLP)", total.committed, CLP),
        ("Monto ejecutado (CLP)", total.executed, CLP),
        ("Tasa de ejecución", total.rate, PERCENT),
        ("Compromisos nuevos en el periodo", total.new, COUNT),
        ("Cumplidos en el periodo a tiempo", sum(1 for f in fulfilled if f.a_tiempo), COUNT),
        ("Cumplidos en el periodo con atraso", sum(1 for f in fulfilled if not f.a_tiempo), COUNT),
        ("Vencidos al cierre", total.overdue, COUNT),
        ("Informados por verificar al cierre", total.reported, COUNT),
        ("Con sobre-ejecución", total.over_executed, COUNT),
        ("Cambios de plazo acordados en el periodo", len(figures.due_changes), COUNT),
        ("Rectificaciones de periodos anteriores", len(figures.rectifications), COUNT),
    ]


def oficio_context(
    settings: Settings,
    region: Region,
    period: Period,
    protocol: Protocol | None,
    capital: str | None,
    *,
    issued_on: date,
    now: datetime,
) -> dict[str, object]:
    """What the Oficio heading every package's PDF says: its number, the
    antecedent (the protocol, or the GORE's request without one), place and
    date, sender, recipient, and when it was generated."""
    return {
        "region_name": region.official_name,
        "ordinal": f"{region.code}-{period.key}",
        "antecedent": (
            f"Protocolo de información con el Gobierno Regional, desde el "
            f"{protocol.since.strftime('%d-%m-%Y')}"
            if protocol
            else "Solicitud de información del Gobierno Regional"
        ),
        "place": capital or region.name,
        "issued_on": issued_on,
        "sender": settings.report_sender,
        "recipient_title": protocol.recipient_title if protocol else default_title(region),
        "generated_at": now,
        "generated_label": format_datetime(
            now, "d 'de' MMMM 'de' y, HH:mm", tzinfo=settings.zone, locale="es_CL"
        ),
    }


def build_package(
    engine: Engine,
    settings: Settings,
    region: Region,
    period: Period,
    *,
    out: Path | None = None,
    now: datetime | None = None,
    preliminary: bool = False,
    public: Disclosure | None = None,
) -> BuiltPackage:
    """Compute and render the package of ``region`` for ``period``
    (``preliminary``: before the period ended, marked PRELIMINAR;
    ``public``: its public version, by default into :func:`public_folder`).
    An ARI or IRAL (``period.is_instrument``) is built by
    :func:`reports.instrument_build.build_instrument`, as of ``now``'s
    business date; it has no preliminary nor public version."""
    moment = now or datetime.now(UTC)
    if period.is_instrument:
        if preliminary or public is not None:
            raise ValueError("an ARI or IRAL has no preliminary or public version")
        from reports.instrument_build import build_instrument

        return build_instrument(engine, settings, region, period, out=out, now=moment)
    mark = PRELIMINARY_MARK if preliminary else PUBLIC_MARK if public else ""
    calendar = calendar_for(region.iso_code)
    with Session(engine) as session:
        protocol = protocol_for(session, region.id, period.start)
        capital = session.scalars(
            select(Comuna.name).where(Comuna.region_id == region.id).order_by(Comuna.code)
        ).first()
    since = previous_package_at(engine, region.id, period)
    figures = compute_figures(
        commitment_facts(engine, region.id, period.end, calendar, public),
        period,
        calendar,
        rectifications(engine, region.id, period.start, since, moment, public),
    )
    figures.preliminary = preliminary
    if out is not None:
        from reports.instrument_build import refuse_foreign_files

        refuse_foreign_files(out)
    if out is None and public is not None:
        out = public_folder(settings, region_slug(region), period.key)
    target = out or package_folder(settings, region, period, preliminary=preliminary)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    work.chmod(0o777 & ~umask)
    try:
        meta = {
            "region": region.name,
            "region_codigo": region.code,
            "periodo": period.key,
            "periodo_inicio": period.start.isoformat(),
            "periodo_fin": period.end.isoformat(),
            "preliminar": preliminary,
            **({"version_publica": True} if public else {}),
        }
        write_csv(work / "compromisos.csv", figures.records)
        write_json(work / "compromisos.json", figures.records, meta)
        (work / "datapackage.json").write_bytes(
            datapackage(
                f"compromisos-{region_slug(region)}-{period.key.lower()}",
                f"{mark}Compromisos territoriales, {region.official_name}, {period.label}",
                meta,
                created=moment,
                publisher=settings.report_sender,
                folder=work,
            )
        )
        sheets = write_workbook(
            work / "planilla.xlsx",
            figures,
            _summary(figures),
            preliminary=preliminary,
            public=public is not None,
            info=WorkbookInfo(
                title=f"{mark}Planilla de compromisos — {region.official_name} — {period.label}",
                subject=f"Compromisos territoriales de la {region.official_name}, {period.label}",
                author=settings.report_sender,
                keywords=f"compromisos territoriales, {region.official_name}, {period.key}, PROPIR",
                comments=f"Paquete de información {period.key} generado el "
                f"{moment.isoformat(timespec='seconds')}; cifras al {period.end.isoformat()}.",
                created=moment,
            ),
        )
        issued_on = max(first_business_day_after(period, calendar), moment.date())
        write_pdf(
            work / "informe.pdf",
            figures,
            {
                "title": f"{mark}Informe de compromisos — {region.official_name} — {period.label}",
                "preliminary": preliminary,
                "public": public is not None,
                **oficio_context(
                    settings, region, period, protocol, capital, issued_on=issued_on, now=moment
                ),
            },
        )
        (work / CATALOG).write_bytes(
            catalog(
                work,
                FILES,
                name=f"compromisos-{region_slug(region)}-{period.key.lower()}",
                title=f"{mark}Compromisos territoriales, {region.official_name}, {period.label}",
                meta=meta,
                created=moment,
                publisher=settings.report_sender,
                base_url=published_url(
                    settings.base_url, region, period, preliminary, public=public is not None
                ),
            )
        )
        # Streamed: at 100,000 commitments the chains and the evidence are
        # most of the manifest, and building it as one dict and one string
        # was the build's memory peak.
        records = figures.records
        write_object(
            work / "manifest.json",
            [
                *meta.items(),
                *([("sello", public.stamp)] if public else []),
                ("generado", moment.isoformat()),
                (
                    "archivos",
                    [
                        {
                            "nombre": name,
                            "bytes": (work / name).stat().st_size,
                            "sha256": _sha256(work / name),
                        }
                        for name in (*FILES, CATALOG)
                    ],
                ),
                ("filas", {"compromisos": len(records), **sheets}),
                (
                    "totales",
                    {
                        "monto_comprometido": figures.total.committed,
                        "monto_ejecutado": figures.total.executed,
                        "tasa_ejecucion": percent(figures.total.rate),
                        "vencidos": figures.total.overdue,
                        "por_verificar": figures.total.reported,
                    },
                ),
                (
                    "cadenas",
                    Streamed(
                        {
                            "compromiso": r.id,
                            "entradas": r.historial_entradas,
                            "sha256": r.historial_sha256,
                        }
                        for r in records
                    ),
                ),
                (
                    "evidencias",
                    Streamed(
                        {"compromiso": r.id, **e.record()} for r in records for e in r.evidencias
                    ),
                ),
            ],
        )
        if target.exists():
            old = target.with_name(f".{target.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(work, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    files = [target / name for name in (*FILES, CATALOG, "manifest.json")]
    return BuiltPackage(
        region_id=region.id,
        region_name=region.official_name,
        period=period,
        folder=target,
        files=files,
        manifest_sha256=_sha256(target / "manifest.json"),
        commitments=len(figures.records),
        figures=figures,
    )
