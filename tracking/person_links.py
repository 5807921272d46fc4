"""Signed, expiring links to a person's page (``/p/<token>``): the
read-only list of every commitment that e-mail address answers for, as
responsable, as gerente of a territory or as director of an institution in a
región. The token carries the address (lower case), signed with the
application's secret under its own salt, so a commitment link can never be
read as a person link nor the other way round."""

from __future__ import annotations

import functools

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tracking.links import LinkInvalid

PERSON_LINK_DAYS = 45
"""A person link keeps working for this many days (one is sent with every
digest)."""
INVALID = "El enlace no es válido. Cópielo completo desde el correo."
EXPIRED = "El enlace venció. Use el del último correo de seguimiento."


@functools.lru_cache(maxsize=8)
def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="cumple-persona")


def person_token(secret: str, email: str) -> str:
    """The token of ``email``'s page (the address is normalised to lower
    case, as contacts are compared)."""
    return _serializer(secret).dumps({"p": email.strip().lower()})


def read_person_token(secret: str, token: str, max_days: int = PERSON_LINK_DAYS) -> str:
    """The e-mail address a token was made for; :class:`LinkInvalid` (with
    a Spanish message) when it was altered, signed with another secret or
    salt, or is older than ``max_days``."""
    try:
        data = _serializer(secret).loads(token, max_age=max_days * 86400)
    except SignatureExpired:
        raise LinkInvalid(EXPIRED) from None
    except BadSignature:
        raise LinkInvalid(INVALID) from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), str) or "@" not in data["p"]:
        raise LinkInvalid(INVALID)
    return str(data["p"])
