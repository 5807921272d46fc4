"""The outbox rows of a cycle's digests: each digest rendered once from the
precompiled ``digest`` templates, with what is the same for every digest
of the cycle (the coordination's address, the signing keys) worked out
once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from config import Settings
from notifications.compose import message_id_for
from notifications.render import render
from notifications.reply import coordination
from notifications.subjects import digest_subject
from planning.policy import Digest, Person, digest_reply_gerentes
from planning.signing import CycleLinks


def _of_territory(name: str) -> str:
    """``del territorio Loa Emprende``; ``del Territorio Integrado Poniente``
    (a name that already says "Territorio" is not repeated)."""
    return f"del {name}" if name.lower().startswith("territorio ") else f"del territorio {name}"


def reply_words(gerentes: list[tuple[Person, str]], coordination_address: str) -> str:
    """Whom a reply reaches, as the digest says it after "le llegará a":
    ``Ana Pérez, gerente del territorio Loa Emprende`` (each gerente by
    name, or by address when the name is unknown), else the coordination."""
    parts = [f"{person.name or person.email}, gerente {_of_territory(t)}" for person, t in gerentes]
    if not parts:
        return f"la coordinación del programa ({coordination_address})"
    if len(parts) == 1:
        return parts[0]
    return "; a ".join(parts[:-1]) + "; y a " + parts[-1]


class DigestWriter:
    """Turns the planned digests of ``day`` into outbox rows."""

    def __init__(self, day: date, settings: Settings, links: CycleLinks) -> None:
        self.day = day
        self.links = links
        self.mail_from = settings.mail_from
        name, address = coordination(settings)
        self.coordination = {"name": name, "email": address}

    def context(self, digest: Digest) -> dict[str, Any]:
        """What the digest templates read: the entries, their counts, the
        subject (territory and most urgent fact first), whom a reply
        reaches (the territory's gerentes for a responsable, else the
        coordination) and the signed link to the page of everything the
        recipient answers for."""
        entries = digest.entries
        gerentes = digest_reply_gerentes(digest)
        overdue = today = to_verify = 0
        for entry in entries:
            overdue += entry.overdue
            today += entry.today
            to_verify += entry.to_verify
        return {
            "day": self.day,
            "recipient": digest.recipient,
            "recipient_name": digest.recipient_name,
            "entries": entries,
            "total": len(entries),
            "overdue": overdue,
            "due_today": today,
            "to_verify": to_verify,
            "subject": digest_subject(entries),
            "reply_gerentes": gerentes,
            "reply_words": reply_words(gerentes, self.coordination["email"]),
            "coordination": self.coordination,
            "person_link": self.links.person(digest.recipient),
            "roles": {e.commitment_id: digest.audiences[e.commitment_id].value for e in entries},
        }

    def row(self, digest: Digest, now: datetime) -> dict[str, Any]:
        """The pending outbox row of ``digest``, keyed by its content (the
        same stages planned again give the same key)."""
        key = f"digest:{self.day.isoformat()}:{digest.recipient}:{digest.key_suffix}"
        rendered = render("digest", self.context(digest))
        return {
            "key": key,
            "kind": "digest",
            "cycle_date": self.day,
            "recipient": digest.recipient,
            "recipient_name": digest.recipient_name,
            "subject": rendered.subject,
            "body_text": rendered.text,
            "body_html": rendered.html,
            "message_id": message_id_for(key, self.mail_from),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "claimed_by": None,
            "claimed_at": None,
            "sent_at": None,
            "last_error": None,
            "created_at": now,
        }
