"""Calendar feed links and what a feed needs from the record.

A territorio's or institution's link belongs to the user it was shown to:
the token carries the user, the user's ``feed_version`` and (signed) the
moment it was issued, so a feed lists only what that user may see, ends
after ``feed_days``, and stops at once when the user is disabled or renews
the links (``feed_version`` raised). A person's link (``persona``) carries a
contact's e-mail address and lists every commitment that address answers for
as responsable, read live: it ends after ``feed_days``, lists nothing the
address no longer answers for, and, when a user account has the same
address, dies with that user's renewal or disabling."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from models.accounts import User
from models.commitments import Commitment, CommitmentEvent
from models.parties import Contact, Institution, Territory
from tracking.accounts import Account, account_for, normal_email
from tracking.queries import Filters
from tracking.scope import feed_scope

KINDS = ("territorio", "institucion")
PERSON = "persona"
NOT_FOUND = "Calendario no encontrado."


class FeedUnavailable(Exception):
    """A feed that does not open: ``status`` is 404 (unknown, or its user
    no longer has access) or 410 (expired or renewed); the message is for
    the person who subscribed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Feed:
    """What a feed link opens: the list filters to run (several for a
    person who answers for more than one institution or región), the
    responsable address the rows must carry (a person's feed only) and the
    calendar's name."""

    filters: tuple[Filters, ...]
    title: str
    responsable_email: str | None = None


@dataclass(frozen=True)
class FeedHistory:
    """A commitment's history as a calendar event needs it: when it last
    changed (DTSTAMP) and how many times its date or its cancellation
    changed (SEQUENCE, never decreasing)."""

    changed_at: datetime
    sequence: int


@functools.lru_cache(maxsize=8)
def _serializer(secret: str) -> URLSafeTimedSerializer:
    # A salt of its own: the unscoped links of earlier versions never verify.
    return URLSafeTimedSerializer(secret, salt="cumple-calendario-usuario")


def feed_token(secret: str, account: Account, kind: str, item_id: int) -> str:
    """A feed link's token for ``account``, issued now."""
    if kind not in KINDS:
        raise ValueError(kind)
    return _serializer(secret).dumps([kind, item_id, account.id, account.feed_version])


def _person_version(session: Session, email: str) -> int:
    user = session.scalars(select(User).where(User.email == email)).first()
    return user.feed_version if user is not None else 0


def person_feed_token(session: Session, secret: str, email: str) -> str:
    """The token of the calendar of every commitment ``email`` answers for
    as responsable, issued now (the address is compared in lower case)."""
    address = normal_email(email)
    return _serializer(secret).dumps([PERSON, address, _person_version(session, address)])


def person_feed_url(session: Session, secret: str, base_url: str, email: str) -> str:
    """The absolute address of ``email``'s calendar, for the digest."""
    return f"{base_url.rstrip('/')}/calendario/{person_feed_token(session, secret, email)}.ics"


def _renewed() -> FeedUnavailable:
    return FeedUnavailable(
        410,
        "Este enlace de calendario fue renovado y ya no funciona. Copie el nuevo desde la "
        "página de inicio de Seguimiento de Compromisos.",
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def open_feed(session: Session, secret: str, token: str, max_days: int) -> Feed:
    """The feed behind ``token``: for a territorio or institution, its
    filters within its user's current scope; for a person, the filters of
    the institutions and regiones the address answers for. Raises
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
        raise FeedUnavailable(404, NOT_FOUND) from None
    if isinstance(data, list) and len(data) == 3 and data[0] == PERSON:
        return _person_feed(session, data[1], data[2])
    valid = (
        isinstance(data, list)
        and len(data) == 4
        and data[0] in KINDS
        and all(_is_int(value) for value in data[1:])
    )
    if not valid:
        raise FeedUnavailable(404, NOT_FOUND)
    kind, item_id, user_id, version = data
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise FeedUnavailable(404, "Calendario no disponible: su usuario ya no tiene acceso.")
    if user.feed_version != version:
        raise _renewed()
    filters = Filters(**feed_scope(account_for(session, user), kind, item_id))
    table = Territory if kind == "territorio" else Institution
    name = session.scalar(select(table.name).where(table.id == item_id))  # type: ignore[attr-defined]
    return Feed((filters,), f"Vencimientos de compromisos — {name or 'sin nombre'}")


def _person_feed(session: Session, email: object, version: object) -> Feed:
    if not isinstance(email, str) or "@" not in email or not _is_int(version):
        raise FeedUnavailable(404, NOT_FOUND)
    user = session.scalars(select(User).where(User.email == email)).first()
    if user is not None and not user.active:
        raise FeedUnavailable(404, "Calendario no disponible: su usuario ya no tiene acceso.")
    if (user.feed_version if user is not None else 0) != version:
        raise _renewed()
    places = session.execute(
        select(Commitment.region_id, Commitment.institution_id)
        .join(Contact, Contact.id == Commitment.responsable_id)  # type: ignore[arg-type]
        .where(func.lower(Contact.email) == email)
        .distinct()
        .order_by(Commitment.region_id, Commitment.institution_id)
    ).all()
    if not places:
        raise FeedUnavailable(
            404, "Calendario no disponible: esta dirección ya no tiene compromisos a su cargo."
        )
    filters = tuple(Filters(region_id=region, institution_id=inst) for region, inst in places)
    return Feed(filters, f"Mis compromisos — {email}", responsable_email=email)


def feed_histories(session: Session, ids: Iterable[int]) -> dict[int, FeedHistory]:
    """For each commitment of ``ids``: the instant its history was last
    written and the count of its due-date changes and of its cancellations
    and reopenings after one (each moves or ends the calendar event)."""
    wanted = sorted(set(ids))
    moves = or_(
        CommitmentEvent.field == "plazo",
        and_(
            CommitmentEvent.field == "status",
            or_(CommitmentEvent.new_value == "cancelado", CommitmentEvent.old_value == "cancelado"),
        ),
    )
    found: dict[int, FeedHistory] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(
                CommitmentEvent.commitment_id,
                func.max(CommitmentEvent.recorded_at),
                func.coalesce(func.sum(case((moves, 1), else_=0)), 0),
            )
            .where(CommitmentEvent.commitment_id.in_(wanted[start : start + 500]))  # type: ignore[attr-defined]
            .group_by(CommitmentEvent.commitment_id)
        ).all()
        for commitment_id, changed_at, count in rows:
            found[commitment_id] = FeedHistory(_aware(changed_at), int(count))
    epoch = FeedHistory(datetime(1970, 1, 1, tzinfo=UTC), 0)
    return {i: found.get(i, epoch) for i in wanted}


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; instants are stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
