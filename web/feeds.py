"""``/calendario/<token>.ics``: due dates as a calendar feed per territorio
or institution, for the user the link was shown to and cut to that user's
scope (:mod:`tracking.feeds`); ``/calendario/renovar``: that user ends every
feed link given so far."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from icalendar import Calendar, Event
from sqlmodel import Session

from tracking.accounts import Account, rotate_feeds
from tracking.feeds import FeedUnavailable, feed_token, open_feed
from tracking.queries import list_commitments
from web.pages import check_csrf, current_account, today
from web.security import CSRF_FIELD

router = APIRouter()


def feed_path(request: Request, account: Account, kind: str, item_id: int) -> str:
    """The path of ``account``'s calendar feed of a territorio or institution."""
    return f"/calendario/{feed_token(request.app.state.secret, account, kind, item_id)}.ics"


@router.get("/calendario/{token}.ics")
def calendar_feed(request: Request, token: str) -> Response:
    settings = request.app.state.settings
    day = today(request)
    with Session(request.app.state.engine) as session:
        try:
            filters = open_feed(session, request.app.state.secret, token, settings.feed_days)
        except FeedUnavailable as exc:
            return Response(
                str(exc), status_code=exc.status, media_type="text/plain; charset=utf-8"
            )
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


@router.post("/calendario/renovar")
def renew_feeds(
    request: Request,
    csrf_token_field: str = Form("", alias=CSRF_FIELD),
    account: Account = Depends(current_account),
) -> Response:
    """Every calendar link this user was given stops working; the
    dashboard shows new ones."""
    check_csrf(request, csrf_token_field)
    with Session(request.app.state.engine) as session:
        rotate_feeds(session, account.id)
        session.commit()
    request.session["aviso"] = (
        "Enlaces de calendario renovados: los anteriores dejaron de funcionar. Suscríbase de "
        "nuevo con los enlaces de esta página."
    )
    return RedirectResponse("/", status_code=303)
