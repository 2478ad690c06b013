"""The contract management services: creation by each route, forbidden transitions, validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.models import (
    Contract,
    ContractOrigin,
    ContractStatus,
    MeetingActionOwner,
    ReturnStatus,
    RiskAssessment,
)
from contracts.services import contracts as services
from contracts.services import meetings as meeting_services
from contracts.services import returns as return_services
from contracts.services.contracts import InvalidTransition
from core.models import AuditEvent, Notification
from procurement.models import TenderStatus

from .conftest import TERMS, record_meeting, submit_return
from .factories import make_award


def test_contract_from_an_award_takes_provider_value_and_title(
    award_northshire, commissioner_northshire, oakfield
):
    contract = services.contract_create_from_award(
        actor=commissioner_northshire, award=award_northshire, **TERMS
    )
    assert contract.provider == oakfield
    assert contract.value == Decimal("412000.00")
    assert contract.title == award_northshire.tender.title
    assert contract.origin == ContractOrigin.AWARD and contract.award == award_northshire
    assert AuditEvent.objects.filter(target_id=str(contract.pk), action="create").exists()


def test_a_second_contract_from_the_same_award_is_refused(award_northshire, commissioner_northshire):
    services.contract_create_from_award(actor=commissioner_northshire, award=award_northshire, **TERMS)
    with pytest.raises(InvalidTransition, match="already has its contract"):
        services.contract_create_from_award(
            actor=commissioner_northshire, award=award_northshire, **{**TERMS, "reference": "NS-C-2"}
        )


def test_an_award_not_yet_awarded_is_refused(northshire, commissioner_northshire, provider_oakfield):
    award = make_award(northshire, commissioner_northshire, provider_oakfield, status=TenderStatus.STANDSTILL)
    with pytest.raises(InvalidTransition, match="has not been awarded yet"):
        services.contract_create_from_award(actor=commissioner_northshire, award=award, **TERMS)


def test_another_councils_award_is_refused(award_southvale, commissioner_northshire):
    with pytest.raises(PermissionDenied):
        services.contract_create_from_award(actor=commissioner_northshire, award=award_southvale, **TERMS)


def test_spot_purchase_needs_a_justification_and_dates_in_order(commissioner_northshire, riverside):
    with pytest.raises(ValidationError) as error:
        services.contract_create_spot(
            actor=commissioner_northshire,
            provider=riverside,
            spot_justification=" ",
            title="Outreach",
            value=Decimal("1000"),
            **TERMS,
        )
    assert error.value.message_dict["spot_justification"] == [
        "Enter why no tender or purchasing system was used"
    ]
    with pytest.raises(ValidationError) as error:
        services.contract_create_spot(
            actor=commissioner_northshire,
            provider=riverside,
            spot_justification="Urgent",
            title="Outreach",
            value=Decimal("1000"),
            **{**TERMS, "ends_on": TERMS["starts_on"]},
        )
    assert error.value.message_dict["ends_on"] == ["The end date must be after the start date"]


def test_references_are_unique_per_authority(
    contract_northshire, commissioner_northshire, commissioner_southvale, riverside
):
    values = {**TERMS, "reference": contract_northshire.reference}
    with pytest.raises(ValidationError) as error:
        services.contract_create_spot(
            actor=commissioner_northshire,
            provider=riverside,
            spot_justification="x",
            title="t",
            value=Decimal(1),
            **values,
        )
    assert "already has a contract with this reference" in error.value.message_dict["reference"][0]
    # Another authority may use the same reference.
    services.contract_create_spot(
        actor=commissioner_southvale,
        provider=riverside,
        spot_justification="x",
        title="t",
        value=Decimal(1),
        **values,
    )


def test_contract_from_an_fps_membership(commissioner_northshire, lead_northshire, provider_oakfield):
    from procurement.services import fps as fps_services
    from procurement.tests.fps.factories import admit

    system = fps_services.purchasing_system_create(
        actor=lead_northshire,
        name="North West SEND FPS",
        overarching_contract_title="Overarching agreement for SEND placements",
        overarching_contract_terms="Terms",
        starts_on=datetime.date(2026, 4, 1),
    )
    lot = fps_services.fps_lot_add(
        system=system, actor=lead_northshire, code="L1", title="Day", age_from=0, age_to=16
    )
    membership = admit(lot, provider_oakfield, lead_northshire)
    assert membership in services.memberships_open_for_contract(commissioner_northshire.organisation)
    contract = services.contract_create_from_membership(
        actor=commissioner_northshire, membership=membership, value=Decimal("50000"), **TERMS
    )
    assert contract.title == "Overarching agreement for SEND placements"
    assert contract.provider == provider_oakfield.organisation
    assert membership not in services.memberships_open_for_contract(commissioner_northshire.organisation)
    with pytest.raises(InvalidTransition):
        services.contract_create_from_membership(
            actor=commissioner_northshire,
            membership=membership,
            value=Decimal("1"),
            **{**TERMS, "reference": "X"},
        )


# Returns ---------------------------------------------------------------------------------------------------


def test_return_needs_every_kpi_and_a_period_inside_the_contract(contract_northshire, provider_oakfield):
    with pytest.raises(ValidationError) as error:
        return_services.return_submit(
            actor=provider_oakfield,
            contract=contract_northshire,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 3, 31),
            provider_commentary="",
            results={},
        )
    errors = error.value.message_dict
    assert errors["period_start"][0].startswith("The period must be inside the contract")
    kpi = contract_northshire.kpis.get()
    assert errors[f"kpi_{kpi.pk}_value"] == [f"Enter the result for “{kpi.title}”"]


def test_one_return_per_period_start(return_northshire, contract_northshire, provider_oakfield):
    with pytest.raises(ValidationError) as error:
        submit_return(contract_northshire, provider_oakfield)
    assert "already exists" in error.value.message_dict["period_start"][0]


def test_only_the_contracts_provider_submits(
    contract_northshire, provider_riverside, commissioner_northshire
):
    for actor in (provider_riverside, commissioner_northshire):
        with pytest.raises(PermissionDenied):
            submit_return(contract_northshire, actor)


def test_query_resubmit_accept_and_notifications(
    return_northshire, commissioner_northshire, provider_oakfield
):
    assert Notification.objects.filter(
        recipient=commissioner_northshire, kind__startswith="contract_return_submitted"
    ).exists()
    return_services.return_query(
        actor=commissioner_northshire, performance_return=return_northshire, notes="Check KPI 1"
    )
    assert return_northshire.status == ReturnStatus.QUERIED
    assert Notification.objects.filter(
        recipient=provider_oakfield, kind__startswith="contract_return_queried"
    ).exists()
    kpi = return_northshire.contract.kpis.get()
    return_services.return_resubmit(
        actor=provider_oakfield,
        performance_return=return_northshire,
        period_end=return_northshire.period_end,
        provider_commentary="Corrected",
        results={kpi.pk: (Decimal("88"), "Two children were ill")},
    )
    assert return_northshire.status == ReturnStatus.SUBMITTED
    assert return_northshire.results.get().value == Decimal("88")
    return_services.return_accept(actor=commissioner_northshire, performance_return=return_northshire)
    assert return_northshire.status == ReturnStatus.ACCEPTED
    from contracts.selectors.management import return_queries

    assert [query["review_notes"] for query in return_queries(return_northshire)] == ["Check KPI 1"]
    assert Notification.objects.filter(
        recipient=provider_oakfield, kind__startswith="contract_return_accepted"
    ).exists()


def test_an_accepted_return_never_changes(return_northshire, commissioner_northshire, provider_oakfield):
    return_services.return_accept(actor=commissioner_northshire, performance_return=return_northshire)
    with pytest.raises(InvalidTransition, match="accepted"):
        return_services.return_accept(actor=commissioner_northshire, performance_return=return_northshire)
    with pytest.raises(InvalidTransition):
        return_services.return_query(
            actor=commissioner_northshire, performance_return=return_northshire, notes="x"
        )
    with pytest.raises(InvalidTransition):
        return_services.return_resubmit(
            actor=provider_oakfield,
            performance_return=return_northshire,
            period_end=return_northshire.period_end,
            provider_commentary="",
            results={},
        )


def test_only_a_queried_return_can_be_resubmitted(return_northshire, provider_oakfield):
    with pytest.raises(InvalidTransition, match="only be resubmitted"):
        return_services.return_resubmit(
            actor=provider_oakfield,
            performance_return=return_northshire,
            period_end=return_northshire.period_end,
            provider_commentary="",
            results={},
        )


def test_a_stale_review_loses(return_northshire, commissioner_northshire):
    stale = type(return_northshire).objects.get(pk=return_northshire.pk)
    return_services.return_accept(actor=commissioner_northshire, performance_return=return_northshire)
    with pytest.raises(InvalidTransition, match="Someone else"):
        return_services.return_query(actor=commissioner_northshire, performance_return=stale, notes="late")


def test_querying_needs_notes_and_the_contracts_council(
    return_northshire, commissioner_northshire, commissioner_southvale
):
    with pytest.raises(ValidationError):
        return_services.return_query(
            actor=commissioner_northshire, performance_return=return_northshire, notes=" "
        )
    with pytest.raises(PermissionDenied):
        return_services.return_accept(actor=commissioner_southvale, performance_return=return_northshire)


# Risk, review decision, meetings ---------------------------------------------------------------------------


def test_risk_rating_history_and_reasons_required(contract_northshire, commissioner_northshire):
    with pytest.raises(ValidationError) as error:
        services.risk_assess(
            actor=commissioner_northshire, contract=contract_northshire, rating="high", reasons=""
        )
    assert error.value.message_dict["reasons"] == ["Enter the reasons for the rating"]
    services.risk_assess(
        actor=commissioner_northshire, contract=contract_northshire, rating="high", reasons="Complaints"
    )
    services.risk_assess(
        actor=commissioner_northshire, contract=contract_northshire, rating="low", reasons="Resolved"
    )
    contract_northshire.refresh_from_db()
    assert contract_northshire.risk_rating == "low"
    assert RiskAssessment.objects.filter(contract=contract_northshire).count() == 2


def test_extend_within_months_available(contract_northshire, commissioner_northshire):
    Contract.objects.filter(pk=contract_northshire.pk).update(extension_months_available=12)
    contract_northshire.refresh_from_db()
    with pytest.raises(InvalidTransition, match="only 12 months"):
        services.review_decide(
            actor=commissioner_northshire,
            contract=contract_northshire,
            decision="extend",
            notes="Good",
            new_ends_on=contract_northshire.ends_on + datetime.timedelta(days=400),
        )
    contract = services.review_decide(
        actor=commissioner_northshire,
        contract=contract_northshire,
        decision="extend",
        notes="Good",
        new_ends_on=datetime.date(2028, 9, 30),
    )
    assert contract.ends_on == datetime.date(2028, 9, 30)
    assert contract.extension_months_available == 6
    assert contract.review_decision == ""  # the next decision is due at the new notice point


def test_decision_only_once_and_only_for_a_live_contract(contract_northshire, commissioner_northshire):
    services.review_decide(
        actor=commissioner_northshire, contract=contract_northshire, decision="decommission", notes="Poor"
    )
    with pytest.raises(InvalidTransition, match="already been recorded"):
        services.review_decide(
            actor=commissioner_northshire, contract=contract_northshire, decision="recommission", notes="x"
        )
    Contract.objects.filter(pk=contract_northshire.pk).update(status=ContractStatus.ENDED, review_decision="")
    contract_northshire.refresh_from_db()
    with pytest.raises(InvalidTransition, match="only be made for a live contract"):
        services.review_decide(
            actor=commissioner_northshire, contract=contract_northshire, decision="recommission", notes="x"
        )


def test_review_due_at_the_notice_point(contract_northshire):
    assert not services.review_decision_due(contract_northshire, datetime.date(2027, 9, 29))
    assert services.review_decision_due(contract_northshire, datetime.date(2027, 9, 30))


def test_provider_marks_only_its_own_actions_done(
    contract_northshire, commissioner_northshire, provider_oakfield, provider_riverside
):
    meeting = record_meeting(contract_northshire, commissioner_northshire, owner=MeetingActionOwner.COUNCIL)
    council_action = meeting.actions.get()
    with pytest.raises(PermissionDenied):
        meeting_services.meeting_action_done(actor=provider_oakfield, action=council_action)
    provider_action = record_meeting(contract_northshire, commissioner_northshire).actions.get()
    with pytest.raises(PermissionDenied):
        meeting_services.meeting_action_done(actor=provider_riverside, action=provider_action)
    meeting_services.meeting_action_done(actor=provider_oakfield, action=provider_action)
    assert provider_action.done_by == provider_oakfield
    with pytest.raises(InvalidTransition, match="already"):
        meeting_services.meeting_action_done(actor=commissioner_northshire, action=provider_action)
    assert Notification.objects.filter(recipient=provider_oakfield, kind="contract_meeting_actions").exists()


def test_kpi_with_results_cannot_be_removed(return_northshire, commissioner_northshire):
    kpi = return_northshire.contract.kpis.get()
    with pytest.raises(InvalidTransition, match="stays on the record"):
        services.kpi_remove(actor=commissioner_northshire, kpi=kpi)


def test_capacity_rows_call_the_sync(contract_northshire, commissioner_northshire, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "capacity_sync", lambda organisation: calls.append(organisation))
    row = services.capacity_add(
        actor=commissioner_northshire,
        contract=contract_northshire,
        primary_need="ASD",
        age_band="5-10",
        setting="independent_special",
        places=4,
    )
    services.capacity_remove(actor=commissioner_northshire, row=row)
    assert calls == [contract_northshire.organisation] * 2
    with pytest.raises(ValidationError) as error:
        services.capacity_add(
            actor=commissioner_northshire,
            contract=contract_northshire,
            primary_need="",
            age_band="99",
            setting="x",
            places=0,
        )
    assert set(error.value.message_dict) == {"age_band", "setting", "places"}
