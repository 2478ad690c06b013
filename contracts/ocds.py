"""The `contracts` section of a tender's open contracting release: the contracts signed from its awards.

Registered with procurement's release builder when the app is ready (procurement never imports this
stage). Whitelisted fields only: the contract's own reference, title, period, value and status, and the
award (lot) it implements. Never in it: KPIs, returns, risk, QA, decommissioning or anything of children.
A contract made from a purchasing system place or as a spot purchase has no tender, so no release.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from procurement.ocds.build import ReleaseSection, ocds_datetime, ocds_money, register_release_section

from .models import Contract, ContractStatus

# Our statuses to the OCDS contractStatus codelist; a contract not yet started is "pending".
CONTRACT_STATUS = {
    ContractStatus.LIVE: "active",
    ContractStatus.DECOMMISSIONING: "active",
    ContractStatus.ENDED: "terminated",
}


def _award_contracts(tender) -> list[Contract]:
    return [contract for award in tender.awards.all() for contract in award.contracts.all()]


def _at(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    """A day's moment in the service's time zone (a contract runs from the start of its first day to
    the end of its last)."""
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def _status(contract: Contract, today: datetime.date) -> str:
    if contract.status == ContractStatus.LIVE and contract.starts_on > today:
        return "pending"
    return CONTRACT_STATUS[contract.status]


def build_contracts(tender) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "id": contract.reference,
            "awardID": f"lot-{contract.award.lot.number}",
            "title": contract.title,
            "status": _status(contract, today),
            "period": {
                "startDate": ocds_datetime(_at(contract.starts_on, datetime.time.min)),
                "endDate": ocds_datetime(_at(contract.ends_on, datetime.time(23, 59, 59))),
            },
            "value": ocds_money(contract.value),
            "dateSigned": ocds_datetime(contract.created_at),
        }
        for contract in _award_contracts(tender)
    ]


def contracts_stamp(tender) -> datetime.datetime | None:
    return max((contract.created_at for contract in _award_contracts(tender)), default=None)


CONTRACTS_SECTION = ReleaseSection(
    name="contracts",
    tag="contract",
    prefetch=(
        Prefetch(
            "awards__contracts",
            queryset=Contract.objects.select_related("award__lot").order_by("reference"),
        ),
    ),
    build=build_contracts,
    stamp=contracts_stamp,
)


def register() -> None:
    register_release_section(CONTRACTS_SECTION)
