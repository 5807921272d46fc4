"""How a commitment's amount is planned across the comunas where it lands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def split_amount(
    amount: int | None, comunas: Sequence[str], stated: Mapping[str, int | None] | None = None
) -> dict[str, int]:
    """The pesos planned in each comuna (CUT code) of ``comunas``.

    Where every comuna has a stated part (``stated``, as the import gave
    it), those parts are the plan. Otherwise the amount is split evenly, the
    pesos that do not divide going one each to the first comunas in CUT
    order, so the parts always add up to the amount exactly. No amount, or
    no comunas, plans nothing.
    """
    if amount is None or not comunas:
        return {}
    ordered = sorted(set(comunas))
    if stated and all(stated.get(code) is not None for code in ordered):
        return {code: int(stated[code] or 0) for code in ordered}
    share, rest = divmod(amount, len(ordered))
    return {code: share + (1 if index < rest else 0) for index, code in enumerate(ordered)}
