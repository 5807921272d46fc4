"""The scope rule of accounts, role by role, and the list filters it makes."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.accounts import Role
from tracking.accounts import Account
from tracking.queries import Filters, list_commitments
from tracking.scope import can_see, scope_of, sees

ADMIN = Account(1, "admin@cumple.cl", Role.ADMIN, None, frozenset())
GERENTE = Account(2, "g@loa.cl", Role.GERENTE, None, frozenset({10, 11}))
GORE = Account(3, "gore@an.cl", Role.GORE, 2, frozenset())
GORE_WITHOUT_REGION = Account(4, "gore@x.cl", Role.GORE, None, frozenset())


@pytest.mark.parametrize(
    ("account", "territory", "region", "expected"),
    [
        (ADMIN, 99, 16, True),
        (GERENTE, 10, 2, True),
        (GERENTE, 11, 3, True),
        (GERENTE, 12, 2, False),
        (GORE, 12, 2, True),
        (GORE, 10, 3, False),
        (GORE_WITHOUT_REGION, 10, 2, False),
    ],
)
def test_who_sees_what(account: Account, territory: int, region: int, expected: bool) -> None:
    assert sees(account, territory, region) is expected


def test_list_filters_of_each_role() -> None:
    assert scope_of(ADMIN) == {}
    assert scope_of(GERENTE) == {"territory_ids": frozenset({10, 11})}
    assert scope_of(GORE) == {"region_id": 2}
    assert scope_of(GORE_WITHOUT_REGION) == {"region_id": -1}


def test_can_see_a_stored_commitment(engine: Engine, site: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from models import Commitment

    with Session(engine) as session:
        loa = session.get(Commitment, site["loa"])
        huasco = session.get(Commitment, site["huasco"])
        assert loa is not None and huasco is not None
        gerente = Account(2, "g@loa.cl", Role.GERENTE, None, frozenset({loa.territory_id}))
        gore = Account(3, "gore@an.cl", Role.GORE, loa.region_id, frozenset())
        assert can_see(session, gerente, site["loa"]) is True
        assert can_see(session, gerente, site["huasco"]) is False
        assert can_see(session, gore, site["loa"]) is True
        assert can_see(session, gore, site["huasco"]) is False
        assert can_see(session, ADMIN, site["huasco"]) is True
        assert can_see(session, ADMIN, 2**31 - 1) is False
        seen = {v.id for v in list_commitments(session, Filters(**scope_of(gerente)), loa.plazo)}
        everyone = set(session.scalars(select(Commitment.id)))
    assert seen == {site["loa"], site["hostile"]} and seen < everyone
