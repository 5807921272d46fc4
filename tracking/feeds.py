"""Calendar feed links. Each belongs to the user it was shown to: the token
carries the user, the user's ``feed_version`` and (signed) the moment it
was issued, so a feed lists only what that user may see, ends after
``feed_days``, and stops at once when the user is disabled or renews the
links (``feed_version`` raised)."""

from __future__ import annotations

import functools

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from models.accounts import User
from tracking.accounts import Account, account_for
from tracking.queries import Filters
from tracking.scope import feed_scope

KINDS = ("territorio", "institucion")


class FeedUnavailable(Exception):
    """A feed that does not open: ``status`` is 404 (unknown, or its user
    no longer has access) or 410 (expired or renewed); the message is for
    the person who subscribed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@functools.lru_cache(maxsize=8)
def _serializer(secret: str) -> URLSafeTimedSerializer:
    # A salt of its own: the unscoped links of earlier versions never verify.
    return URLSafeTimedSerializer(secret, salt="cumple-calendario-usuario")


def feed_token(secret: str, account: Account, kind: str, item_id: int) -> str:
    """A feed link's token for ``account``, issued now."""
    if kind not in KINDS:
        raise ValueError(kind)
    return _serializer(secret).dumps([kind, item_id, account.id, account.feed_version])


def open_feed(session: Session, secret: str, token: str, max_days: int) -> Filters:
    """The list filters of the feed behind ``token``: its territorio or
    institution, within its user's current scope. Raises
    :class:`FeedUnavailable`."""
    try:
        data = _serializer(secret).loads(token, max_age=max_days * 86400)
    except SignatureExpired:
        raise FeedUnavailable(
            410,
            f"Este enlace de calendario venció (duran {max_days} días). Copie uno nuevo desde la "
            "página de inicio de Seguimiento de Compromisos.",
        ) from None
    except BadSignature:
        raise FeedUnavailable(404, "Calendario no encontrado.") from None
    valid = (
        isinstance(data, list)
        and len(data) == 4
        and data[0] in KINDS
        and all(isinstance(value, int) and not isinstance(value, bool) for value in data[1:])
    )
    if not valid:
        raise FeedUnavailable(404, "Calendario no encontrado.")
    kind, item_id, user_id, version = data
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise FeedUnavailable(404, "Calendario no disponible: su usuario ya no tiene acceso.")
    if user.feed_version != version:
        raise FeedUnavailable(
            410,
            "Este enlace de calendario fue renovado y ya no funciona. Copie el nuevo desde la "
            "página de inicio de Seguimiento de Compromisos.",
        )
    return Filters(**feed_scope(account_for(session, user), kind, item_id))
