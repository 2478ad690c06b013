"""Objects Review's tests start from, made directly (the services under test are called by the tests)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from contracts.models import Contract, ContractOrigin, Kpi


def make_contract(*, organisation, provider, created_by, **fields) -> Contract:
    """A live spot-purchase contract over two years from 1 April 2026, unless told otherwise."""
    defaults = {
        "reference": f"C-{Contract.objects.count() + 1:03d}",
        "title": "Short breaks for disabled children",
        "origin": ContractOrigin.SPOT,
        "spot_justification": "An urgent placement: no suitable provider on the purchasing system.",
        "value": Decimal("250000.00"),
        "starts_on": datetime.date(2026, 4, 1),
        "ends_on": datetime.date(2028, 3, 31),
        "notice_period_months": 6,
    }
    defaults.update(fields)
    return Contract.objects.create(
        organisation=organisation, provider=provider, created_by=created_by, **defaults
    )


def add_kpi(contract: Contract, title: str = "Children attending at least 90% of sessions", **fields) -> Kpi:
    defaults = {"unit": "%", "target": Decimal("90"), "order": contract.kpis.count()}
    defaults.update(fields)
    return Kpi.objects.create(contract=contract, title=title, **defaults)
