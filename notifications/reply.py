"""Where a reply to a message goes (``Reply-To``).

A responsable's reply reaches the gerentes of the territories of the
commitments in the digest (``planning.policy.reply_gerentes``: the same rule
that wrote "le llegará a …" in the body); everyone else's — gerentes,
directors, regional governments — reaches the programme's coordination,
``CUMPLE_REPLY_TO`` (default: the address of ``CUMPLE_MAIL_FROM``). Read
at delivery, for a whole batch, from the reminders each outbox row carries."""

from __future__ import annotations

from collections import defaultdict
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.engine import Engine

from config import Settings
from models.commitments import Commitment
from models.parties import Contact, ContactRole
from models.reminders import Reminder, ReminderDelivery
from models.stages import Audience
from notifications.outbox import Claimed
from planning.policy import Person, reply_gerentes

Address = tuple[str | None, str]
"""``(display name, e-mail address)``."""
COORDINATION = "Coordinación del programa"


def coordination(settings: Settings) -> Address:
    """The programme coordination's address: ``CUMPLE_REPLY_TO`` when it is
    set, else the address of ``mail_from``."""
    name, address = parseaddr(settings.reply_to or settings.mail_from)
    if "@" not in address:
        name, address = parseaddr(settings.mail_from)
    return (name or COORDINATION, address)


def _tables() -> tuple[object, ...]:
    return tuple(
        model.__table__  # type: ignore[attr-defined]
        for model in (ReminderDelivery, Reminder, Commitment, Contact)
    )


def replies_for(
    engine: Engine, settings: Settings, batch: list[Claimed]
) -> dict[int, list[Address]]:
    """Outbox id → the ``Reply-To`` addresses of each message of ``batch``
    (two queries for the whole batch)."""
    fallback = [coordination(settings)]
    answered: dict[int, list[int]] = defaultdict(list)
    digests = [message.id for message in batch if message.kind == "digest"]
    gerentes: dict[int, list[Person]] = defaultdict(list)
    if digests:
        deliveries, reminders, commitments, contacts = _tables()
        with engine.connect() as connection:
            rows = connection.execute(
                select(deliveries.c.outbox_id, commitments.c.territory_id)  # type: ignore[attr-defined]
                .join(reminders, reminders.c.id == deliveries.c.reminder_id)  # type: ignore[attr-defined]
                .join(commitments, commitments.c.id == reminders.c.commitment_id)  # type: ignore[attr-defined]
                .where(
                    deliveries.c.outbox_id.in_(digests),  # type: ignore[attr-defined]
                    deliveries.c.audience == Audience.RESPONSABLE.value,  # type: ignore[attr-defined]
                )
                .order_by(deliveries.c.outbox_id, commitments.c.territory_id)  # type: ignore[attr-defined]
                .distinct()
            ).all()
            for outbox_id, territory_id in rows:
                answered[outbox_id].append(territory_id)
            territories = sorted({territory for _, territory in rows})
            if territories:
                for row in connection.execute(
                    select(contacts.c.territory_id, contacts.c.email, contacts.c.name)  # type: ignore[attr-defined]
                    .where(
                        contacts.c.role == ContactRole.GERENTE,  # type: ignore[attr-defined]
                        contacts.c.territory_id.in_(territories),  # type: ignore[attr-defined]
                    )
                    .order_by(contacts.c.id)  # type: ignore[attr-defined]
                ):
                    gerentes[row.territory_id].append(Person(row.email, row.name))
    replies: dict[int, list[Address]] = {}
    for message in batch:
        found = reply_gerentes(
            message.recipient, ((t, gerentes.get(t, [])) for t in answered.get(message.id, []))
        )
        replies[message.id] = [(p.name, p.email) for p, _ in found] or fallback
    return replies
