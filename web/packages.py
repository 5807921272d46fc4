"""``/paquetes``: the information packages in the user's scope, and their
files for download; ``/calendario/<token>.ics``: due dates as a calendar
feed per territorio or institution, behind an unguessable signed token."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from babel.dates import format_datetime
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlmodel import Session

from models.accounts import Role
from models.geography import Region
from models.packages import Package
from models.parties import Territory
from reports.build import FILES
from reports.periods import parse_period
from tracking.accounts import Account
from tracking.links import LinkInvalid, read_feed_token
from tracking.queries import Filters, list_commitments
from web.pages import Identifier, current_account, render, today

router = APIRouter()
DOWNLOADS = (*FILES, "manifest.json")


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
    return render(request, "packages.html", title="Paquetes", account=account, packages=packages)


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


@router.get("/calendario/{token}.ics")
def calendar_feed(request: Request, token: str) -> Response:
    settings = request.app.state.settings
    try:
        kind, item_id = read_feed_token(request.app.state.secret, token)
    except LinkInvalid:
        return Response("Calendario no encontrado.", status_code=404, media_type="text/plain")
    day = today(request)
    filters = (
        Filters(territory_ids=frozenset({item_id}))
        if kind == "territorio"
        else Filters(institution_id=item_id)
    )
    with Session(request.app.state.engine) as session:
        views = list_commitments(session, filters, day)
    calendar = Calendar()
    calendar.add("prodid", "-//cumple//Seguimiento de Compromisos//ES")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Vencimientos de compromisos")
    calendar.add("x-wr-timezone", settings.timezone)
    for view in views:
        if view.estado.value in ("cumplido", "cancelado"):
            continue
        event = Event()
        event.add("uid", f"compromiso-{view.id}-{view.vencimiento.isoformat()}@cumple")
        event.add("summary", f"Vence: {view.compromiso} ({view.institucion})")
        event.add("dtstart", view.vencimiento)
        event.add("dtend", view.vencimiento + timedelta(days=1))
        event.add("dtstamp", view.acta_fecha)
        event.add("url", f"{settings.base_url}/compromisos/{view.id}")
        event.add("description", f"{view.territorio}. Acta del {view.acta_fecha.isoformat()}.")
        calendar.add_component(event)
    return Response(calendar.to_ical(), media_type="text/calendar; charset=utf-8")
