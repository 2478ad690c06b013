"""Commissioned capacity from contracts and placement agreements, kept in step for the gap analysis.

`capacity_sync(organisation=...)` rewrites, in one transaction, the authority's `CommissionedCapacity`
rows with basis "contracted" for the current academic year and the five after it (the span of a
five-year projection), so the gap analysis sees places end when contracts end:

- A contract counts for an academic year when it is in force on that year's census day (15 January,
  the SEN2 census the projected demand is counted at): live contracts, and contracts being
  decommissioned until their decommissioning end date (or the contract's end, if sooner). Its
  `ContractCapacity` places are added to the cell (need, age band, setting) they name.
- A placement agreement (IPA) not yet ended adds one place for each year whose census day it covers:
  need from its referral's primary need, age band from the child's age that year (year minus year of
  birth, mapped to the standard bands; a child past 25 adds nothing), setting "independent or
  non-maintained special school": purchasing-system placements are with independent providers.
- `entered_by` (required on every capacity row) is the creator of the cell's first contract or
  agreement, by id: the person who recorded the commitment the places come from.

Running it twice writes the same rows (the old ones are deleted first). Hand-entered rows are never
touched: the gap analysis lets contracted places replace them cell by cell.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from needs.models import CapacityBasis, CommissionedCapacity
from needs.vocabulary import AGE_BANDS, Setting
from procurement.models import IndividualPlacementAgreement

from ..models import Contract, ContractCapacity, ContractStatus
from ..models.decommissioning import DecommissioningStatus

# Years after the current academic year that contracted places are written for.
YEARS_AHEAD = 5
# Purchasing-system placements are with independent and non-maintained special schools and colleges.
IPA_SETTING = Setting.INDEPENDENT_SPECIAL


def academic_year_of(day: datetime.date) -> int:
    """The start year of the academic year a day falls in (1 September to 31 August)."""
    return day.year if day.month >= 9 else day.year - 1


def census_day(year: int) -> datetime.date:
    """The day in academic year `year` that places are counted on, like the January SEN2 census."""
    return datetime.date(year + 1, 1, 15)


def sync_years(today: datetime.date) -> list[int]:
    first = academic_year_of(today)
    return list(range(first, first + YEARS_AHEAD + 1))


def band_for_age(age: int) -> str | None:
    for band in AGE_BANDS:
        if band.age_min <= age <= band.age_max:
            return band.code
    return None


@dataclass
class Cell:
    places: int = 0
    entered_by_id: int | None = None
    sources: list[str] = field(default_factory=list)


def contract_end(contract: Contract, decommissioning_end: datetime.date | None) -> datetime.date:
    """The last day a contract provides places: a decommissioning's end date stops it sooner."""
    if decommissioning_end is not None and decommissioning_end < contract.ends_on:
        return decommissioning_end
    return contract.ends_on


def contracted_cells(*, organisation, today: datetime.date) -> dict[tuple[int, str, str, str], Cell]:
    """(year, need, age band, setting) -> places from the authority's contracts and IPAs (3 queries)."""
    years = sync_years(today)
    cells: dict[tuple[int, str, str, str], Cell] = defaultdict(Cell)

    contracts = _contracts_with_decommissioning_end(organisation, years)
    capacity_by_contract: dict[int, list[ContractCapacity]] = defaultdict(list)
    for row in ContractCapacity.objects.filter(contract__in=[c.pk for c in contracts]).order_by("id"):
        capacity_by_contract[row.contract_id].append(row)
    for contract in contracts:
        last_day = contract_end(contract, contract.decommissioning_end)
        for year in years:
            day = census_day(year)
            if not (contract.starts_on <= day <= last_day):
                continue
            for row in capacity_by_contract[contract.pk]:
                if not row.places:
                    continue
                cell = cells[(year, row.primary_need, row.age_band, row.setting)]
                cell.places += row.places
                cell.entered_by_id = cell.entered_by_id or contract.created_by_id
                cell.sources.append(contract.reference)

    ipas = IndividualPlacementAgreement.objects.filter(
        authority=organisation, end_on__gte=today, start_on__lte=census_day(years[-1])
    ).select_related("referral")
    for ipa in ipas.order_by("id"):
        for year in years:
            if not (ipa.start_on <= census_day(year) <= ipa.end_on):
                continue
            band = band_for_age(year - ipa.referral.year_of_birth)
            if band is None:
                continue
            cell = cells[(year, ipa.referral.primary_need, band, IPA_SETTING)]
            cell.places += 1
            cell.entered_by_id = cell.entered_by_id or ipa.created_by_id
            cell.sources.append(ipa.reference)
    return cells


def _contracts_with_decommissioning_end(organisation, years: list[int]) -> list[Contract]:
    """The authority's live and decommissioning contracts that overlap the years, each with the end
    date of its decommissioning (None unless one is under way: approved, notice served or completed)."""
    contracts = list(
        Contract.objects.filter(
            organisation=organisation,
            status__in=[ContractStatus.LIVE, ContractStatus.DECOMMISSIONING],
            ends_on__gte=census_day(years[0]),
            starts_on__lte=census_day(years[-1]),
        )
        .select_related("decommissioning")
        .order_by("id")
    )
    for contract in contracts:
        decommissioning = getattr(contract, "decommissioning", None)
        under_way = decommissioning is not None and decommissioning.status in (
            DecommissioningStatus.APPROVED,
            DecommissioningStatus.NOTICE_SERVED,
            DecommissioningStatus.COMPLETED,
        )
        contract.decommissioning_end = decommissioning.end_on if under_way else None
    return contracts


def _notes(sources: list[str]) -> str:
    shown = ", ".join(sources[:10])
    more = len(sources) - 10
    return f"From {shown}" + (f" and {more} more" if more > 0 else "")


def capacity_sync(*, organisation, today: datetime.date | None = None) -> int:
    """Rewrite the authority's contracted capacity from its live contracts and placements.

    Returns the number of capacity rows written. Idempotent: a second run writes the same rows.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        # One sync per authority at a time (a retried task racing the daily run): the second waits for
        # the first's rows, then rewrites them, so the unique cell key is never hit twice.
        type(organisation).objects.select_for_update(no_key=True).filter(pk=organisation.pk).first()
        cells = contracted_cells(organisation=organisation, today=today)
        years = sync_years(today)
        # Everything contracted from the current year on is rewritten; earlier years stay as they were.
        CommissionedCapacity.objects.filter(
            Q(year__gte=years[0]), organisation=organisation, basis=CapacityBasis.CONTRACTED
        ).delete()
        rows = [
            CommissionedCapacity(
                organisation=organisation,
                year=year,
                primary_need=need,
                age_band=band,
                setting=setting,
                places=cell.places,
                basis=CapacityBasis.CONTRACTED,
                notes=_notes(cell.sources),
                entered_by_id=cell.entered_by_id,
            )
            for (year, need, band, setting), cell in sorted(cells.items())
            if cell.places
        ]
        CommissionedCapacity.objects.bulk_create(rows)
    return len(rows)


def capacity_sync_all(*, today: datetime.date | None = None) -> dict[str, int]:
    """Rewrite every authority's contracted capacity, each in its own transaction."""
    from accounts.models import Organisation, OrganisationKind

    today = today or timezone.localdate()
    authorities = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY).order_by("id")
    counts = {"authorities": 0, "rows": 0}
    for authority in authorities:
        counts["rows"] += capacity_sync(organisation=authority, today=today)
        counts["authorities"] += 1
    return counts
