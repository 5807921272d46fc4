"""The page behind a person link (``/p/<token>``, ``tracking.person_links``):
a read-only list of every commitment the linked e-mail address answers
for — as responsable, as gerente of its territory, as director of its
institution in its región — with status, due date, amount and a link to
each one. No account is needed and nothing can be changed here; an altered
or expired token gets a Spanish 404."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from tracking.feeds import person_feed_url
from tracking.links import LinkInvalid
from tracking.people import person_sections
from tracking.person_links import read_person_token
from web.pages import render, today

router = APIRouter()


@router.get("/p/{token}", response_class=HTMLResponse)
def person_page(request: Request, token: str) -> Response:
    secret = request.app.state.secret
    try:
        email = read_person_token(secret, token)
    except LinkInvalid as exc:
        return render(request, "error.html", 404, title="Enlace no válido", message=str(exc))
    day = today(request)
    settings = request.app.state.settings
    with Session(request.app.state.engine) as session:
        sections = person_sections(session, email, day, secret)
        calendar = person_feed_url(session, secret, settings.base_url, email) if sections else None
    response = render(
        request, "person.html", title="Mis compromisos", email=email, sections=sections,
        today=day, calendar=calendar,
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
