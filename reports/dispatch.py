"""Mailing a built package: one outbox message per recipient with the
package's files attached (read at delivery), and the record of the package
and of who receives which files. Written in one transaction."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from config import Settings
from models.calendar import BusinessCalendar, calendar_for
from models.geography import Region
from models.packages import Package, PackageDelivery
from models.protocols import Protocol
from models.reminders import OutboxMessage
from notifications.compose import message_id_for
from notifications.render import render
from reports.build import BuiltPackage
from reports.document import percent
from reports.figures import PeriodFigures
from reports.instrument_document import scope
from reports.periods import Period, due_on, due_periods
from tracking.protocols import INSTRUMENTS, recipients_of, versions

AUTOMATIC = "protocolo"


def record_package(
    engine: Engine,
    settings: Settings,
    built: BuiltPackage,
    recipients: list[str],
    recipient_title: str,
    now: datetime,
    *,
    automatic: bool,
    preliminary: bool = False,
) -> int | None:
    """Store the package and queue its mail. For the cycle's own build
    (``automatic``) a second call for the same región and period changes
    nothing and returns ``None``."""
    names = [path.name for path in built.files]
    figures = built.figures
    if isinstance(figures, PeriodFigures):
        total = figures.total
        rendered = render(
            "package",
            {
                "recipient_title": recipient_title,
                "region_name": built.region_name,
                "period_label": built.period.label,
                "period_start": built.period.start,
                "period_end": built.period.end,
                "commitments": total.commitments,
                "committed": total.committed,
                "executed": total.executed,
                "rate": percent(total.rate),
                "overdue": total.overdue,
                "files": names,
                "sender": settings.report_sender,
            },
        )
    else:
        rendered = render(
            "package_instrument",
            {
                "recipient_title": recipient_title,
                "region_name": built.region_name,
                "period_label": built.period.label,
                "kind": built.period.kind.value,
                "scope": scope(figures),
                "day": figures.day,
                "year": built.period.start.year,
                "commitments": figures.total.commitments,
                "amount": figures.total.amount,
                "without_amount": figures.total.without_amount,
                "planned": getattr(figures, "planned", figures.total.amount),
                "files": names,
                "sender": settings.report_sender,
            },
        )
    package_table = Package.__table__  # type: ignore[attr-defined]
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]
    attachments = json.dumps([str(path.resolve()) for path in built.files])
    try:
        with engine.begin() as connection:
            package_id = connection.execute(
                insert(package_table).values(
                    region_id=built.region_id,
                    period=built.period.key,
                    period_start=built.period.start,
                    period_end=built.period.end,
                    folder=str(built.folder.resolve()),
                    manifest_sha256=built.manifest_sha256,
                    commitments=built.commitments,
                    automatic_key=AUTOMATIC if automatic else uuid.uuid4().hex[:20],
                    preliminary=preliminary,
                    generated_at=now,
                )
            ).inserted_primary_key[0]
            for recipient in recipients:
                key = f"package:{package_id}:{recipient}"
                connection.execute(
                    insert(outbox).values(
                        key=key,
                        kind="package",
                        cycle_date=None,
                        recipient=recipient,
                        recipient_name=None,
                        subject=rendered.subject,
                        body_text=rendered.text,
                        body_html=rendered.html,
                        message_id=message_id_for(key, settings.mail_from),
                        status="pending",
                        attempts=0,
                        next_attempt_at=now,
                        attachments=attachments,
                        created_at=now,
                    )
                )
                outbox_id = connection.execute(
                    select(outbox.c.id).where(outbox.c.key == key)
                ).scalar_one()
                connection.execute(
                    insert(PackageDelivery.__table__).values(  # type: ignore[attr-defined]
                        package_id=package_id,
                        outbox_id=outbox_id,
                        recipient=recipient,
                        files=json.dumps(names),
                        created_at=now,
                    )
                )
    except IntegrityError:
        if automatic:
            return None
        raise
    return int(package_id)


@dataclass(frozen=True)
class DuePackage:
    region: Region
    period: Period
    recipients: list[str]
    recipient_title: str


def due_packages(engine: Engine, day: date) -> list[DuePackage]:
    """Every protocol period whose package is due by ``day`` (the first
    business day after the period ended; for an ARI or IRAL, the first
    business day of April or December of the year before) and was not built
    by a cycle yet; a missed day is caught up by the next cycle. Each
    instrument of a región (the periodic package, the ARI, the IRAL) has
    its own versions: a version covers the periods that start (an
    instrument: are due) from its date until the next version's, and its
    own recipients receive them."""
    found: list[DuePackage] = []
    with Session(engine) as session:
        regions = session.scalars(
            select(Region).where(Region.id.in_(select(Protocol.region_id))).order_by(Region.id)  # type: ignore[union-attr]
        ).all()
        for region in regions:
            calendar = calendar_for(region.iso_code)
            built = set(
                session.scalars(
                    select(Package.period).where(
                        Package.region_id == region.id, Package.automatic_key == AUTOMATIC
                    )
                )
            )
            for instrument in INSTRUMENTS:
                found_versions = versions(session, region.id, instrument)
                for index, protocol in enumerate(found_versions):
                    following = (
                        found_versions[index + 1] if index + 1 < len(found_versions) else None
                    )
                    ends = following.since if following is not None else None
                    periods = [
                        period
                        for period in due_periods(protocol.every, protocol.since, day, calendar)
                        if (ends is None or _covered_from(period, calendar) < ends)
                        and period.key not in built
                    ]
                    if not periods:
                        continue
                    recipients = recipients_of(session, protocol)
                    found.extend(
                        DuePackage(region, period, recipients, protocol.recipient_title)
                        for period in periods
                    )
    return found


def _covered_from(period: Period, calendar: BusinessCalendar) -> date:
    """The date a protocol version's ``since`` is compared with: a period's
    start, an instrument's due day."""
    return due_on(period, calendar) if period.is_instrument else period.start
