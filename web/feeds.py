"""``/calendario/<token>.ics``: due dates as a calendar feed per territorio
or institution, for the user the link was shown to and cut to that user's
scope, or per person (every commitment a responsable answers for), see
:mod:`tracking.feeds`; ``/calendario/renovar``: that user ends every feed
link given so far."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from reports.ical import feed_calendar
from tracking.accounts import Account, rotate_feeds
from tracking.feeds import FeedUnavailable, feed_histories, feed_token, open_feed
from tracking.queries import CommitmentView, list_commitments
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
            feed = open_feed(session, request.app.state.secret, token, settings.feed_days)
        except FeedUnavailable as exc:
            return Response(
                str(exc), status_code=exc.status, media_type="text/plain; charset=utf-8"
            )
        views: dict[int, CommitmentView] = {}
        for filters in feed.filters:
            for view in list_commitments(session, filters, day):
                if feed.responsable_email in (None, view.responsable_email.lower()):
                    views[view.id] = view
        histories = feed_histories(session, views)
    body = feed_calendar(
        feed.title,
        [(view, histories[view.id]) for view in views.values()],
        base_url=settings.base_url,
        timezone=settings.timezone,
        today=day,
    )
    return Response(body, media_type="text/calendar; charset=utf-8")


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
