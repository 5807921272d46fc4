"""``/paquetes``: the information packages in the user's scope, and their
files for download; ``/calendario/<token>.ics``: due dates as a calendar
feed per territorio or institution, behind an unguessable signed token."""

from __future__ import annotations

from pathlib import Path

from babel.dates import format_datetime
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy import select
from sqlmodel import Session

from models.accounts import Role
from models.dates import format_long
from models.geography import Region
from models.packages import Package
from models.parties import Territory
from models.reminders import FailureKind
from reports.build import CATALOG, FILES
from reports.periods import parse_period
from tracking.accounts import Account
from tracking.failures import open_failures
from web.pages import Identifier, current_account, render

router = APIRouter()
DOWNLOADS = (*FILES, CATALOG, "manifest.json")


def _regions_in_scope(session: Session, account: Account) -> set[int] | None:
    """``None`` for every región (admin)."""
    if account.role is Role.ADMIN:
        return None
    if account.role is Role.GORE:
        return {account.region_id} if account.region_id else set()
    return set(
        session.scalars(
            select(Territory.region_id).where(Territory.id.in_(sorted(account.territory_ids)))  # type: ignore[attr-defined]
        )
    )


@router.get("/paquetes", response_class=HTMLResponse)
def packages_page(request: Request, account: Account = Depends(current_account)) -> Response:
    zone = request.app.state.settings.zone
    with Session(request.app.state.engine) as session:
        regions = _regions_in_scope(session, account)
        query = select(Package, Region.name).join(Region, Region.id == Package.region_id)
        if regions is not None:
            query = query.where(Package.region_id.in_(sorted(regions)))  # type: ignore[attr-defined]
        rows = session.execute(query.order_by(Package.period_end.desc(), Package.id.desc())).all()
    packages = [
        {
            "id": package.id,
            "region": region,
            "label": parse_period(package.period).label,
            "automatic": package.automatic_key == "protocolo",
            "generated": format_datetime(
                package.generated_at, "d MMM y, HH:mm", tzinfo=zone, locale="es_CL"
            ),
            "commitments": package.commitments,
            "files": [name for name in DOWNLOADS if (Path(package.folder) / name).exists()],
        }
        for package, region in rows
    ]
    failures = [
        {
            "subject": failure.subject,
            "error": failure.error,
            "day": format_long(failure.cycle_date),
            "since": format_datetime(
                failure.created_at, "d MMM y, HH:mm", tzinfo=zone, locale="es_CL"
            ),
        }
        for failure in open_failures(request.app.state.engine, region_ids=regions)
        if failure.kind == FailureKind.PACKAGE
    ]
    return render(
        request, "packages.html", title="Paquetes", account=account, packages=packages,
        failures=failures,
    )  # fmt: skip


@router.get("/paquetes/{package_id}/{name}")
def package_file(
    request: Request, package_id: Identifier, name: str, account: Account = Depends(current_account)
) -> Response:
    with Session(request.app.state.engine) as session:
        package = session.get(Package, package_id)
        regions = _regions_in_scope(session, account)
    path = Path(package.folder) / name if package else None
    allowed = package is not None and (regions is None or package.region_id in regions)
    if not allowed or name not in DOWNLOADS or path is None or not path.is_file():
        return render(
            request, "error.html", 404, title="No encontrado", account=account,
            message="Ese archivo no existe o no está en su alcance.",
        )  # fmt: skip
    return FileResponse(path, filename=f"{package.period}-{name}")  # type: ignore[union-attr]
