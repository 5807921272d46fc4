"""Protocols with regional governments: who receives a región's package,
how often, and from which period on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlmodel import Session

from models.geography import Region
from models.protocols import PERIODICITY_LABELS, Periodicity, Protocol, ProtocolRecipient
from models.timestamps import utc_now
from tracking.errors import InvalidChange
from tracking.lookup import find_region


@dataclass(frozen=True)
class ProtocolView:
    region: str
    region_code: str
    every: str
    since: date
    recipient_title: str
    recipients: list[str]

    def record(self) -> dict[str, object]:
        return {
            "region": self.region,
            "region_code": self.region_code,
            "periodicidad": self.every,
            "desde": self.since.isoformat(),
            "destinatario": self.recipient_title,
            "correos": self.recipients,
        }

    @property
    def every_label(self) -> str:
        return PERIODICITY_LABELS.get(self.every, self.every)


def default_title(region: Region) -> str:
    """How the Oficio addresses the región's executive (since 2021 the
    elected Gobernador(a) Regional)."""
    return f"Gobernador(a) Regional de la {region.official_name}"


def _emails(values: list[str]) -> list[str]:
    if not values:
        raise InvalidChange("Indique al menos un destinatario con --to.")
    cleaned: list[str] = []
    for value in values:
        try:
            email = validate_email(value.strip(), check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            raise InvalidChange(f"«{value}» no es un correo electrónico válido (--to).") from None
        if email not in cleaned:
            cleaned.append(email)
    return cleaned


def set_protocol(
    session: Session,
    *,
    region_text: str,
    recipients: list[str],
    every: str,
    since: date,
    title: str | None,
) -> ProtocolView:
    """Create or replace the protocol of a región. The caller commits."""
    region = find_region(session, region_text)
    try:
        periodicity = Periodicity(every)
    except ValueError:
        options = ", ".join(p.value for p in Periodicity)
        raise InvalidChange(f"La periodicidad «{every}» no existe; use {options}.") from None
    emails = _emails(recipients)
    recipient_title = " ".join((title or "").split()) or default_title(region)
    protocol = session.scalars(select(Protocol).where(Protocol.region_id == region.id)).first()
    now = utc_now()
    if protocol is None:
        protocol = Protocol(
            region_id=region.id,
            every=periodicity.value,
            since=since,
            recipient_title=recipient_title,
            created_at=now,
            updated_at=now,
        )
    else:
        protocol.every = periodicity.value
        protocol.since = since
        protocol.recipient_title = recipient_title
        protocol.updated_at = now
    session.add(protocol)
    session.flush()
    session.execute(delete(ProtocolRecipient).where(ProtocolRecipient.protocol_id == protocol.id))
    for email in emails:
        session.add(ProtocolRecipient(protocol_id=protocol.id, email=email))
    session.flush()
    return ProtocolView(region.name, region.code, periodicity.value, since, recipient_title, emails)


def list_protocols(session: Session) -> list[ProtocolView]:
    """Every región's protocol, by CUT code."""
    views: list[ProtocolView] = []
    rows = session.execute(
        select(Protocol, Region).join(Region, Region.id == Protocol.region_id).order_by(Region.id)
    ).all()
    for protocol, region in rows:
        emails = list(
            session.scalars(
                select(ProtocolRecipient.email)
                .where(ProtocolRecipient.protocol_id == protocol.id)
                .order_by(ProtocolRecipient.id)
            )
        )
        views.append(
            ProtocolView(
                region.name,
                region.code,
                protocol.every,
                protocol.since,
                protocol.recipient_title,
                emails,
            )
        )
    return views
