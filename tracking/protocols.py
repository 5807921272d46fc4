"""Protocols with regional governments: who receives a región's package,
how often, and from which period on.

A protocol has versions, per región and instrument: the periodic package
(quarter, semester, four-months, month) is one instrument, the ARI and the
IRAL are one each. ``cumple protocol set`` adds a version of its
instrument that applies to the periods starting on or after its date
(``--since``; for an ARI or IRAL, to those due on or after it); the
periods that began under an earlier version are still built and sent to
that version's recipients. A version with the same date as an existing one
of the same instrument replaces it; the other instruments are left alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlmodel import Session

from models.geography import Region
from models.protocols import (
    PERIODIC,
    PERIODICITY_LABELS,
    Periodicity,
    Protocol,
    ProtocolRecipient,
    instrument_of,
)
from models.timestamps import utc_now
from tracking.errors import InvalidChange
from tracking.lookup import find_region


@dataclass(frozen=True)
class ProtocolView:
    """One version of a región's protocol."""

    region: str
    region_code: str
    every: str
    since: date
    recipient_title: str
    recipients: list[str]
    until: date | None = None
    """The day before the next version's date (``None``: in force)."""
    iso_code: str = ""
    """The región's ISO 3166-2 code (its calendar)."""

    @property
    def instrument(self) -> str:
        """``"periodic"``, ``"ari"`` or ``"iral"``."""
        return instrument_of(self.every)

    def record(self) -> dict[str, object]:
        return {
            "region": self.region,
            "region_code": self.region_code,
            "periodicidad": self.every,
            "desde": self.since.isoformat(),
            "hasta": self.until.isoformat() if self.until else None,
            "destinatario": self.recipient_title,
            "correos": self.recipients,
        }

    @property
    def every_label(self) -> str:
        return PERIODICITY_LABELS.get(self.every, self.every)


@dataclass(frozen=True)
class ProtocolChange:
    """What ``protocol set`` did: the new version and the one before it."""

    version: ProtocolView
    previous: ProtocolView | None
    replaced: bool


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


def _recipients(session: Session, protocol_id: int | None) -> list[str]:
    return list(
        session.scalars(
            select(ProtocolRecipient.email)
            .where(ProtocolRecipient.protocol_id == protocol_id)
            .order_by(ProtocolRecipient.id)
        )
    )


INSTRUMENTS = (PERIODIC, Periodicity.ARI.value, Periodicity.IRAL.value)
"""The instruments a región may have a protocol for, in the order listed."""


def versions(session: Session, region_id: int, instrument: str = PERIODIC) -> list[Protocol]:
    """A región's protocol versions of ``instrument`` (``"periodic"``,
    ``"ari"`` or ``"iral"``), oldest first."""
    return list(
        session.scalars(
            select(Protocol)
            .where(Protocol.region_id == region_id, Protocol.instrument == instrument)
            .order_by(Protocol.since)  # type: ignore[arg-type]
        )
    )


def protocol_for(
    session: Session, region_id: int, period_start: date, instrument: str = PERIODIC
) -> Protocol | None:
    """The version of ``instrument`` a period belongs to: the latest whose
    date is on or before ``period_start`` (``None`` before the first
    version). For an ARI or IRAL pass the day it is due
    (:func:`reports.periods.due_on`): its versions cover the instruments
    due from their date."""
    found = None
    for version in versions(session, region_id, instrument):
        if version.since <= period_start:
            found = version
    return found


def recipients_of(session: Session, protocol: Protocol | None) -> list[str]:
    return _recipients(session, protocol.id) if protocol is not None else []


def _view(session: Session, region: Region, protocol: Protocol, until: date | None) -> ProtocolView:
    return ProtocolView(
        region.name, region.code, protocol.every, protocol.since, protocol.recipient_title,
        _recipients(session, protocol.id), until, region.iso_code,
    )  # fmt: skip


def set_protocol(
    session: Session,
    *,
    region_text: str,
    recipients: list[str],
    every: str,
    since: date,
    title: str | None,
) -> ProtocolChange:
    """Add (or, on the same date, replace) a version of a región's
    protocol for the instrument of ``every`` (:func:`instrument_of`): a
    periodicity changes the periodic protocol; ``ari`` or ``iral`` adds a
    version of that instrument only. The caller commits."""
    region = find_region(session, region_text)
    try:
        periodicity = Periodicity(every)
    except ValueError:
        options = ", ".join(p.value for p in Periodicity)
        raise InvalidChange(f"La periodicidad «{every}» no existe; use {options}.") from None
    emails = _emails(recipients)
    recipient_title = " ".join((title or "").split()) or default_title(region)
    instrument = instrument_of(periodicity.value)
    earlier = [v for v in versions(session, region.id, instrument) if v.since <= since]
    previous = earlier[-1] if earlier else None
    previous_view = _view(session, region, previous, None) if previous is not None else None
    now = utc_now()
    replaced = previous is not None and previous.since == since
    if replaced:
        assert previous is not None
        protocol = previous
        protocol.every = periodicity.value
        protocol.recipient_title = recipient_title
        protocol.updated_at = now
        earlier = earlier[:-1]
        previous_view = _view(session, region, earlier[-1], None) if earlier else None
    else:
        protocol = Protocol(
            region_id=region.id, every=periodicity.value, instrument=instrument, since=since,
            recipient_title=recipient_title, created_at=now, updated_at=now,
        )  # fmt: skip
    session.add(protocol)
    session.flush()
    session.execute(delete(ProtocolRecipient).where(ProtocolRecipient.protocol_id == protocol.id))  # type: ignore[arg-type]
    for email in emails:
        session.add(ProtocolRecipient(protocol_id=protocol.id, email=email))
    session.flush()
    later = [v for v in versions(session, region.id, instrument) if v.since > since]
    until = later[0].since - timedelta(days=1) if later else None
    version = ProtocolView(
        region.name, region.code, periodicity.value, since, recipient_title, emails, until,
        region.iso_code,
    )  # fmt: skip
    return ProtocolChange(version, previous_view, replaced)


def list_protocols(session: Session) -> list[ProtocolView]:
    """Every región's protocol versions, by CUT code, then instrument
    (periodic, ARI, IRAL), then date."""
    views: list[ProtocolView] = []
    regions = session.scalars(
        select(Region).where(Region.id.in_(select(Protocol.region_id))).order_by(Region.id)  # type: ignore[union-attr]
    ).all()
    for region in regions:
        for instrument in INSTRUMENTS:
            found = versions(session, region.id, instrument)
            for index, protocol in enumerate(found):
                following = found[index + 1] if index + 1 < len(found) else None
                until = following.since - timedelta(days=1) if following else None
                views.append(_view(session, region, protocol, until))
    return views
