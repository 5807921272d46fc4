"""Building a región's ARI or IRAL package: the rows as of the build day
(:mod:`reports.instrument_rows`), the figures (:mod:`reports.instruments`),
then ``informe.pdf``, ``planilla.xlsx``, a CSV and a JSON file per table,
``datapackage.json`` and ``manifest.json``, written into a temporary
folder beside ``DATA_DIR/reports/<región>/<periodo>/`` and moved into place
at the end (a failed build leaves nothing half-written). Returns the same
:class:`~reports.build.BuiltPackage` as the periodic package, so recording
and mailing it work unchanged."""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import Settings
from models.calendar import calendar_for, local_date
from models.geography import Comuna, Region
from models.protocols import instrument_of
from reports.build import BuiltPackage, _sha256, oficio_context, package_folder, region_slug
from reports.instrument_document import scope, write_pdf
from reports.instrument_open_data import datapackage, write_open_data
from reports.instrument_rows import instrument_data
from reports.instrument_tables import (
    Table,
    ari_tables,
    iral_tables,
    write_workbook,
)
from reports.instruments import AriFigures, IralFigures, ari_figures, iral_figures
from reports.periods import Period, due_on
from reports.spreadsheet import CLP, COUNT, WorkbookInfo
from tracking.protocols import protocol_for


def refuse_foreign_files(folder: Path) -> None:
    """Before a package replaces ``folder`` (an ``--out`` the user chose):
    :class:`FileExistsError`, with a Spanish reason, when it holds anything
    but the files of the package that was built there (the names in its
    ``manifest.json``). Replacing the folder removes what is in it: a
    ``--out`` pointing at a folder of documents used to delete them."""
    if not folder.is_dir():
        return
    present = {entry.name for entry in folder.iterdir()}
    ours = {"manifest.json"}
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        ours |= {str(item["nombre"]) for item in manifest["archivos"]}
    except (OSError, ValueError, KeyError, TypeError):
        ours = set()
    foreign = sorted(present - ours)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" y {len(foreign) - 3} más" if len(foreign) > 3 else "")
        raise FileExistsError(
            errno.EEXIST,
            f"la carpeta ya contiene archivos que no son de un paquete ({shown}) y se "
            "borrarían; indique una carpeta nueva o vacía, o la de un paquete anterior",
            str(folder),
        )


def instrument_figures(
    engine: Engine, region: Region, period: Period, day: Any
) -> AriFigures | IralFigures:
    """The figures of the región's instrument for ``period`` as of ``day``."""
    data = instrument_data(engine, region.id, period, day)
    if period.kind.value == "ari":
        return ari_figures(data.rows, period, day)
    return iral_figures(data.rows, period, day, data.comunas, data.region_comunas)


def _summary(figures: AriFigures | IralFigures) -> list[tuple[str, object, str | None]]:
    total = figures.total
    rows: list[tuple[str, object, str | None]] = [
        ("Instrumento", figures.period.label, None),
        ("Proyección al", figures.day.strftime("%d-%m-%Y"), None),
        ("Compromisos", total.commitments, COUNT),
        ("Compromisos con monto", total.with_amount, COUNT),
        ("Compromisos sin monto", total.without_amount, COUNT),
        ("Monto de los compromisos (CLP)", total.amount, CLP),
    ]
    if isinstance(figures, IralFigures):
        rows += [
            ("Monto planificado en comunas (CLP)", figures.planned, CLP),
            ("Compromisos sin comuna registrada", figures.unplaced.commitments, COUNT),
            ("Monto sin comuna registrada (CLP)", figures.unplaced.amount, CLP),
        ]
    return rows


def _tables(figures: AriFigures | IralFigures) -> list[Table]:
    return ari_tables(figures) if isinstance(figures, AriFigures) else iral_tables(figures)


def build_instrument(
    engine: Engine,
    settings: Settings,
    region: Region,
    period: Period,
    *,
    out: Path | None,
    now: datetime,
) -> BuiltPackage:
    """Compute and render the región's ``period`` instrument (``2027-ARI``,
    ``2027-IRAL``) as of ``now``'s business date."""
    day = local_date(now, settings.zone)
    calendar = calendar_for(region.iso_code)
    due = due_on(period, calendar)
    with Session(engine) as session:
        protocol = protocol_for(session, region.id, due, instrument_of(period.kind.value))
        capital = session.scalars(
            select(Comuna.name).where(Comuna.region_id == region.id).order_by(Comuna.code)
        ).first()
    if out is not None:
        refuse_foreign_files(out)
    figures = instrument_figures(engine, region, period, day)
    tables = _tables(figures)
    target = out or package_folder(settings, region, period)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    work.chmod(0o777 & ~umask)
    name = f"{period.key.lower()}-{region_slug(region)}"
    title = f"{period.label}, {region.official_name}"
    meta = {
        "region": region.name,
        "region_codigo": region.code,
        "periodo": period.key,
        "periodo_inicio": period.start.isoformat(),
        "periodo_fin": period.end.isoformat(),
        "proyeccion_al": day.isoformat(),
    }
    try:
        data_files = write_open_data(work, tables, meta)
        (work / "datapackage.json").write_bytes(
            datapackage(
                name, title, f"{title}: {scope(figures)}, al {day.isoformat()}.", tables, meta,
                created=now, publisher=settings.report_sender, folder=work,
            )
        )  # fmt: skip
        sheets = write_workbook(
            work / "planilla.xlsx",
            tables,
            _summary(figures),
            WorkbookInfo(
                title=f"Planilla — {title}",
                subject=f"{title}: {scope(figures)}",
                author=settings.report_sender,
                keywords=f"{period.key}, {region.official_name}, inversión regional",
                comments=f"Paquete {period.key} generado el {now.isoformat(timespec='seconds')}; "
                f"proyección al {day.isoformat()}.",
                created=now,
            ),
            period.label,
        )
        write_pdf(
            work / "informe.pdf",
            figures,
            {
                "title": f"{period.label} — {region.official_name}",
                **oficio_context(
                    settings, region, period, protocol, capital, issued_on=day, now=now
                ),
            },
        )
        files = ["informe.pdf", "planilla.xlsx", *data_files, "datapackage.json"]
        totals: dict[str, int] = {
            "compromisos": figures.total.commitments,
            "con_monto": figures.total.with_amount,
            "sin_monto": figures.total.without_amount,
            "monto": figures.total.amount,
        }
        if isinstance(figures, IralFigures):
            totals["monto_planificado_en_comunas"] = figures.planned
            totals["sin_comuna_registrada"] = figures.unplaced.commitments
        manifest = {
            **meta,
            "generado": now.isoformat(),
            "archivos": [
                {
                    "nombre": item,
                    "bytes": (work / item).stat().st_size,
                    "sha256": _sha256(work / item),
                }
                for item in files
            ],
            "filas": sheets,
            "totales": totals,
        }
        (work / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
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
    return BuiltPackage(
        region_id=region.id,
        region_name=region.official_name,
        period=period,
        folder=target,
        files=[target / item for item in (*files, "manifest.json")],
        manifest_sha256=_sha256(target / "manifest.json"),
        commitments=figures.total.commitments,
        figures=figures,
    )
