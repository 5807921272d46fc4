"""Evidence (medios de verificación): files stored by their SHA-256 and
references typed as text (a resolución, a Mercado Público order, a BIP
code), attached to a commitment or to an acta.

A commitment's evidence is an entry of its history chain (field
``evidence``, whose new value is :func:`evidence_value`); this row indexes
it for listing and download. An acta's evidence (the acta document itself)
has no commitment: it is chained among the acta's own evidence through
``previous_hash`` and ``hash``."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel

from models.timestamps import timestamp_field


class EvidenceKind(StrEnum):
    FILE = "archivo"
    REFERENCE = "referencia"


class Evidence(SQLModel, table=True):
    """One medio de verificación. Files live under
    ``DATA_DIR/evidencias/<sha256[:2]>/<sha256>`` and are served only by
    this row's id, to whoever can see its commitment or acta."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int | None = Field(default=None, foreign_key="commitment.id", index=True)
    acta_id: int | None = Field(default=None, foreign_key="acta.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="commitment_event.id")
    kind: str = Field(max_length=20)
    name: str = Field(max_length=255)
    media_type: str | None = Field(default=None, max_length=100)
    size: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    sha256: str | None = Field(default=None, max_length=64, index=True)
    reference: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    added_by: str = Field(max_length=200)
    added_on: date
    """The business date it was added (local date of ``added_at``)."""
    added_at: datetime = timestamp_field()
    position: int | None = None
    """Place in the acta's evidence chain (acta evidence only)."""
    previous_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)

    def value(self) -> str:
        """The history entry's value of this evidence (its chained content)."""
        return evidence_value(
            kind=self.kind,
            name=self.name,
            media_type=self.media_type,
            size=self.size,
            sha256=self.sha256,
            reference=self.reference,
        )

    def chain_content(self) -> dict[str, object]:
        """What an acta's evidence chain hashes of this row."""
        return {
            "acta": self.acta_id,
            "posicion": self.position,
            "registrado": self.added_at,
            "fecha": self.added_on,
            "autor": self.added_by,
            "evidencia": self.value(),
        }


def evidence_value(
    *,
    kind: str,
    name: str,
    media_type: str | None,
    size: int | None,
    sha256: str | None,
    reference: str | None,
) -> str:
    """Canonical JSON of an evidence record."""
    if kind == EvidenceKind.REFERENCE:
        content: dict[str, object] = {"tipo": kind, "referencia": reference}
    else:
        content = {
            "tipo": kind,
            "nombre": name,
            "medio": media_type,
            "bytes": size,
            "sha256": sha256,
        }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
