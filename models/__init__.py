"""Tables and the pure rules of cumple (calendar, status on a date).

Importing this package registers every table on ``SQLModel.metadata``.
Models import no flows, notifications, CLI or web code.
"""

from models.accounts import ApiToken, LoginAttempt, Role, User, UserTerritory
from models.commitments import (
    Acta,
    ActaKind,
    Commitment,
    CommitmentDeadline,
    CommitmentEvent,
    Status,
    StoredStatus,
    due_date_on,
    status_on,
)
from models.evidence import Evidence, EvidenceKind
from models.geography import CommitmentComuna, Comuna, Region, RegionAlias, TerritoryComuna
from models.history import CommitmentState
from models.packages import Package, PackageDelivery
from models.parties import Contact, ContactRole, Institution, Territory
from models.portal import PublicEvidence, PublishedRegion, WithheldCommitment
from models.protocols import Periodicity, Protocol, ProtocolRecipient
from models.reminders import (
    CycleFailure,
    CycleRun,
    FailureKind,
    OutboxMessage,
    OutboxStatus,
    Reminder,
    ReminderDelivery,
    ReminderKind,
)
from models.smtp_limits import SmtpLimitState

__all__ = [
    "Acta",
    "ActaKind",
    "ApiToken",
    "Commitment",
    "CommitmentComuna",
    "CommitmentDeadline",
    "CommitmentEvent",
    "CommitmentState",
    "Comuna",
    "Contact",
    "ContactRole",
    "CycleFailure",
    "CycleRun",
    "Evidence",
    "EvidenceKind",
    "FailureKind",
    "Institution",
    "LoginAttempt",
    "OutboxMessage",
    "OutboxStatus",
    "Package",
    "PackageDelivery",
    "Periodicity",
    "Protocol",
    "ProtocolRecipient",
    "PublicEvidence",
    "PublishedRegion",
    "Region",
    "RegionAlias",
    "Reminder",
    "ReminderDelivery",
    "ReminderKind",
    "Role",
    "SmtpLimitState",
    "Status",
    "StoredStatus",
    "Territory",
    "TerritoryComuna",
    "User",
    "UserTerritory",
    "WithheldCommitment",
    "due_date_on",
    "status_on",
]
