"""The scope rule of accounts: what each role may see and change.

An admin sees everything; a regional government (``gore``) reads its
región; a gerente works on the territorios assigned to them. Pages, the API
and downloads all ask :func:`can_see`; lists are cut with :func:`scope_of`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models.accounts import Role
from tracking.accounts import Account


def sees(account: Account, territory_id: int, region_id: int) -> bool:
    """Whether ``account`` may see what belongs to a territorio of a región."""
    if account.role is Role.ADMIN:
        return True
    if account.role is Role.GORE:
        return account.region_id is not None and region_id == account.region_id
    return territory_id in account.territory_ids


def can_see(session: Session, account: Account, commitment_id: int) -> bool:
    """Whether a commitment exists and is in the account's scope."""
    from models.commitments import Commitment

    row = session.execute(
        select(Commitment.territory_id, Commitment.region_id).where(Commitment.id == commitment_id)
    ).first()
    return row is not None and sees(account, row.territory_id, row.region_id)


def scope_of(account: Account) -> dict[str, Any]:
    """The list filters that cut a query to the account's scope
    (``tracking.queries.Filters`` fields)."""
    if account.role is Role.ADMIN:
        return {}
    if account.role is Role.GORE:
        return {"region_id": account.region_id if account.region_id is not None else -1}
    return {"territory_ids": account.territory_ids}


def feed_scope(account: Account, kind: str, item_id: int) -> dict[str, Any]:
    """The list filters of a calendar feed of one territorio or institution
    (``kind``), cut to what ``account`` may see: an institution's feed of a
    gerente lists only that gerente's territorios, a regional government's
    only its región, whatever else the institution has committed."""
    filters = scope_of(account)
    if kind == "territorio":
        allowed = filters.get("territory_ids")
        filters["territory_ids"] = (
            frozenset({item_id}) & allowed if allowed is not None else frozenset({item_id})
        )
    else:
        filters["institution_id"] = item_id
    return filters
