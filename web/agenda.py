"""``/territorios/<id>/tabla``: the tabla of a territory's next session as
a PDF or DOCX download, for a logged-in user whose scope holds the
territory (a gerente's own territorios, a regional government's región,
everything for an admin). A territory outside the scope is a 404, the same
answer as one that does not exist."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from models.dates import DateError, format_long, parse_date
from reports.agenda_files import FORMATS, MEDIA_TYPES, agenda_file_name, render_agenda
from reports.agenda_load import load_agenda, territory_by_id
from tracking.accounts import Account
from tracking.errors import TrackingError
from tracking.scope import sees
from web.pages import Identifier, current_account, render, today

router = APIRouter()


def _day(text: str, label: str) -> date | None:
    """A date query parameter (``None`` when empty); ``ValueError`` in Spanish."""
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except DateError as exc:
        raise ValueError(f"{label}: {exc}.") from None


@router.get("/territorios/{territory_id}/tabla")
def agenda_download(
    request: Request,
    territory_id: Identifier,
    fecha: str = "",
    proxima: str = "",
    formato: str = "pdf",
    account: Account = Depends(current_account),
) -> Response:
    """The tabla on ``fecha`` (default: today) as ``formato`` (``pdf`` or
    ``docx``), the next session on ``proxima`` (default: 30 days later)."""
    with Session(request.app.state.engine) as session:
        territory = territory_by_id(session, territory_id)
        if territory is None or not sees(account, territory.id, territory.region_id):
            return render(
                request, "error.html", 404, title="No encontrado", account=account,
                message=f"No existe el territorio N° {territory_id} o no está en su alcance.",
            )  # fmt: skip
        try:
            if formato not in FORMATS:
                raise ValueError(f"Formato «{formato}» desconocido; use pdf o docx.")
            day = _day(fecha, "Fecha") or today(request)
            following = _day(proxima, "Próxima sesión")
            if following is not None and following <= day:
                raise ValueError(f"Próxima sesión: debe ser posterior al {format_long(day)}.")
            agenda = load_agenda(session, territory, day, following)
        except (TrackingError, ValueError) as exc:
            return render(
                request, "error.html", 400, title="Tabla de la sesión", account=account,
                message=str(exc),
            )  # fmt: skip
    content = render_agenda(agenda, formato, generated_at=datetime.now(UTC))
    name = agenda_file_name(agenda, formato)
    return Response(
        content,
        media_type=MEDIA_TYPES[formato],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


__all__ = ["router"]
