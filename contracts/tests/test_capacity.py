"""Contracted capacity: live contracts and placement agreements kept in step as commissioned places,
replacing the places entered by hand for the same cell in the gap analysis."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from contracts.models import ContractCapacity, ContractStatus, Decommissioning
from contracts.services.capacity import capacity_sync, capacity_sync_all, sync_years
from contracts.tasks import sync_contracted_capacity
from needs.analysis.gaps import capacity_by_cell, gap_analysis_for
from needs.models import CapacityBasis, CommissionedCapacity, ProjectionRun
from procurement.models import (
    FpsLot,
    IndividualPlacementAgreement,
    PurchasingSystem,
    Referral,
    ReferralStatus,
)

from .factories import make_contract

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)  # academic year 2026/27


def add_places(contract, places, *, need="ASD", band="5-10", setting="state_special"):
    return ContractCapacity.objects.create(
        contract=contract, primary_need=need, age_band=band, setting=setting, places=places
    )


def entered(user, year, places, *, need="ASD", band="5-10", setting="state_special"):
    return CommissionedCapacity.objects.create(
        organisation=user.organisation,
        year=year,
        primary_need=need,
        age_band=band,
        setting=setting,
        places=places,
        entered_by=user,
    )


def contracted_rows(organisation):
    return {
        (row.year, row.primary_need, row.age_band, row.setting): row.places
        for row in CommissionedCapacity.objects.filter(
            organisation=organisation, basis=CapacityBasis.CONTRACTED
        )
    }


def make_ipa(commissioner, provider, *, year_of_birth, reference="IPA-1", need="SEMH", end_on=None):
    system = PurchasingSystem.objects.filter(name="FPS").first() or PurchasingSystem.objects.create(
        name="FPS",
        lead_authority=commissioner.organisation,
        overarching_contract_title="Overarching agreement",
        overarching_contract_terms="Terms.",
        starts_on=datetime.date(2026, 4, 1),
    )
    lot = FpsLot.objects.get_or_create(system=system, code="L1", defaults={"title": "Day"})[0]
    referral = Referral.objects.create(
        authority=commissioner.organisation,
        lot=lot,
        status=ReferralStatus.PLACED,
        case_reference=f"CASE-{reference}",
        year_of_birth=year_of_birth,
        primary_need=need,
        key_requirements="A quiet space.",
        wanted_start_on=datetime.date(2026, 9, 1),
        respond_by=timezone.now(),
        created_by=commissioner,
    )
    return IndividualPlacementAgreement.objects.create(
        referral=referral,
        reference=reference,
        authority=commissioner.organisation,
        provider=provider,
        lot=lot,
        case_reference=referral.case_reference,
        start_on=datetime.date(2026, 9, 1),
        end_on=end_on or datetime.date(2029, 7, 31),
        weekly_fee=Decimal("3250"),
        created_by=commissioner,
    )


def test_the_years_run_from_the_current_academic_year_five_ahead():
    assert sync_years(TODAY) == [2026, 2027, 2028, 2029, 2030, 2031]
    assert sync_years(datetime.date(2027, 8, 31))[0] == 2026
    assert sync_years(datetime.date(2027, 9, 1))[0] == 2027


def test_a_contracts_places_count_for_each_year_it_is_in_force_and_stop_when_it_ends(
    contract_northshire, northshire
):
    """The contract runs 1 April 2026 to 31 March 2028: in force on the January census of 2026/27 and
    2027/28, not of 2028/29."""
    add_places(contract_northshire, 12)
    add_places(contract_northshire, 3, need="", band="11-15", setting="resourced")
    written = capacity_sync(organisation=northshire, today=TODAY)
    assert written == 4
    assert contracted_rows(northshire) == {
        (2026, "ASD", "5-10", "state_special"): 12,
        (2027, "ASD", "5-10", "state_special"): 12,
        (2026, "", "11-15", "resourced"): 3,
        (2027, "", "11-15", "resourced"): 3,
    }
    row = CommissionedCapacity.objects.filter(basis=CapacityBasis.CONTRACTED).first()
    assert row.entered_by == contract_northshire.created_by
    assert "NS-C-001" in row.notes


def test_contract_places_replace_the_entered_places_for_their_cell_only(
    contract_northshire, northshire, commissioner_northshire
):
    entered(commissioner_northshire, 2026, 40)  # the same cell as the contract: replaced
    entered(commissioner_northshire, 2026, 7, setting="resourced")  # another setting: still counts
    entered(commissioner_northshire, 2026, 5, need="SEMH")  # another need: still counts
    add_places(contract_northshire, 12)
    capacity_sync(organisation=northshire, today=TODAY)
    assert capacity_by_cell(commissioner_northshire, 2026) == {("ASD", "5-10"): 19, ("SEMH", "5-10"): 5}
    # In 2028/29 the contract has ended: the places entered for 2026/27 (the latest year) count again.
    assert capacity_by_cell(commissioner_northshire, 2028) == {("ASD", "5-10"): 47, ("SEMH", "5-10"): 5}


def test_the_gap_analysis_shows_where_places_come_from(
    contract_northshire, northshire, commissioner_northshire
):
    ProjectionRun.objects.create(
        organisation=northshire,
        method="trend",
        base_year=2025,
        horizon=2,
        inputs={"area_name": "Northshire"},
        results=[
            {"year": 2026, "primary_need": "ASD", "age_band": "5-10", "value": 30.0},
            {"year": 2027, "primary_need": "ASD", "age_band": "5-10", "value": 33.0},
        ],
        method_statement="Trend.",
        created_by=commissioner_northshire,
    )
    entered(commissioner_northshire, 2026, 40)
    entered(commissioner_northshire, 2026, 4, setting="resourced")
    add_places(contract_northshire, 12)
    capacity_sync(organisation=northshire, today=TODAY)
    analysis = gap_analysis_for(commissioner_northshire, year=2027)
    asd = next(row for row in analysis.rows if row.need == "ASD")
    assert (asd.capacity, asd.contracted_capacity, asd.gap) == (16, 12, 17)
    assert asd.basis_text == "12 from contracts, 4 entered"
    assert analysis.capacity_year == 2027
    assert "places from contracts and placement agreements in force in 2027/28" in analysis.statement
    assert "places entered by hand for 2026/27 count instead" in analysis.statement


def test_an_ipa_adds_one_place_in_the_childs_age_band_each_year(
    northshire, commissioner_northshire, oakfield
):
    """Born 2016: age 10 in 2026/27 (band 5-10), 11 from 2027/28 (band 11-15); the agreement ends in
    July 2029, so it counts for 2026/27 to 2028/29."""
    make_ipa(commissioner_northshire, oakfield, year_of_birth=2016)
    capacity_sync(organisation=northshire, today=TODAY)
    assert contracted_rows(northshire) == {
        (2026, "SEMH", "5-10", "independent_special"): 1,
        (2027, "SEMH", "11-15", "independent_special"): 1,
        (2028, "SEMH", "11-15", "independent_special"): 1,
    }


def test_an_ipa_already_ended_adds_nothing(northshire, commissioner_northshire, oakfield):
    make_ipa(commissioner_northshire, oakfield, year_of_birth=2016, end_on=datetime.date(2026, 11, 30))
    assert capacity_sync(organisation=northshire, today=TODAY) == 0


def test_ended_contracts_drop_out_and_decommissioning_stops_at_its_end_date(
    contract_northshire, northshire, oakfield, commissioner_northshire
):
    add_places(contract_northshire, 12)
    ended = make_contract(
        organisation=northshire, provider=oakfield, created_by=commissioner_northshire, reference="NS-C-OLD"
    )
    add_places(ended, 9)
    ended.status = ContractStatus.ENDED
    ended.save()
    contract_northshire.status = ContractStatus.DECOMMISSIONING
    contract_northshire.save()
    Decommissioning.objects.create(
        contract=contract_northshire,
        reason="no_longer_needed",
        reason_detail="Fewer children need it.",
        status="notice_served",
        proposed_by=commissioner_northshire,
        end_on=datetime.date(2027, 6, 30),
    )
    capacity_sync(organisation=northshire, today=TODAY)
    # Decommissioning until 30 June 2027: counts on the January 2027 census only; the ended one never.
    assert contracted_rows(northshire) == {(2026, "ASD", "5-10", "state_special"): 12}


def test_running_twice_writes_the_same_rows_and_a_change_replaces_them(contract_northshire, northshire):
    places = add_places(contract_northshire, 12)
    assert capacity_sync(organisation=northshire, today=TODAY) == 2
    first = contracted_rows(northshire)
    assert capacity_sync(organisation=northshire, today=TODAY) == 2
    assert contracted_rows(northshire) == first
    assert CommissionedCapacity.objects.filter(basis=CapacityBasis.CONTRACTED).count() == 2
    places.places = 15
    places.save()
    capacity_sync(organisation=northshire, today=TODAY)
    assert set(contracted_rows(northshire).values()) == {15}


def test_earlier_years_and_entered_rows_are_left_alone(
    contract_northshire, northshire, commissioner_northshire
):
    kept = entered(commissioner_northshire, 2026, 40)
    past = CommissionedCapacity.objects.create(
        organisation=northshire,
        year=2025,
        primary_need="ASD",
        age_band="5-10",
        setting="state_special",
        places=8,
        basis=CapacityBasis.CONTRACTED,
        entered_by=commissioner_northshire,
    )
    add_places(contract_northshire, 12)
    capacity_sync(organisation=northshire, today=TODAY)
    assert CommissionedCapacity.objects.filter(pk__in=[kept.pk, past.pk]).count() == 2


def test_another_authoritys_contracts_and_placements_are_never_counted(
    contract_northshire, contract_southvale, northshire, southvale, commissioner_southvale, riverside
):
    add_places(contract_northshire, 12)
    add_places(contract_southvale, 99)
    make_ipa(commissioner_southvale, riverside, year_of_birth=2016, reference="SV-IPA")
    capacity_sync(organisation=northshire, today=TODAY)
    assert set(contracted_rows(northshire).values()) == {12}
    assert not contracted_rows(southvale)  # Southvale's own sync has not run
    capacity_sync(organisation=southvale, today=TODAY)
    assert contracted_rows(northshire) == {
        (2026, "ASD", "5-10", "state_special"): 12,
        (2027, "ASD", "5-10", "state_special"): 12,
    }


def test_the_task_and_the_command_sync_every_authority(
    contract_northshire, contract_southvale, northshire, southvale, capsys
):
    for contract in (contract_northshire, contract_southvale):
        contract.ends_on = datetime.date(2040, 3, 31)  # in force whatever day the test runs
        contract.save()
    add_places(contract_northshire, 12)
    add_places(contract_southvale, 6)
    counts = sync_contracted_capacity.apply().get()
    assert counts == {"authorities": 2, "rows": 12}  # six years each
    assert contracted_rows(northshire) and contracted_rows(southvale)
    assert capacity_sync_all()["rows"] == counts["rows"]  # again: the same rows
    call_command("sync_capacity", "--authority", northshire.slug, "--today", "2026-12-03")
    assert "6 rows written for 1 authority" in capsys.readouterr().out
