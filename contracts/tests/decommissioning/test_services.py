"""Decommissioning's moves through the services: who may make each, from which state, and what each
leaves behind (the contract's status, the exit plan, notifications, the audit)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contracts.models import (
    ContractOrigin,
    ContractStatus,
    Decommissioning,
    DecommissioningStatus,
    ExitPlanRow,
)
from contracts.selectors.decommissioning import decommissioning_evidence
from contracts.services import decommissioning as services
from contracts.services.decommissioning import InvalidTransition
from contracts.tests.factories import make_contract
from core.models import AuditEvent, Notification

from . import helpers

D = DecommissioningStatus
pytestmark = pytest.mark.django_db


def status_of(decommissioning):
    return Decommissioning.objects.get(pk=decommissioning.pk).status


# Propose ------------------------------------------------------------------------------------------------


def test_a_commissioner_proposes_a_live_contract_and_the_other_commissioners_are_told(
    ns_contract, commissioner_northshire, second_commissioner_northshire
):
    """The proposal is stored with its reason; the authority's other commissioners are asked to approve;
    the contract stays live and the provider hears nothing."""
    decommissioning = helpers.propose(ns_contract, commissioner_northshire)
    assert decommissioning.status == D.PROPOSED
    assert decommissioning.proposed_by == commissioner_northshire
    ns_contract.refresh_from_db()
    assert ns_contract.status == ContractStatus.LIVE
    recipients = set(
        Notification.objects.filter(kind="decommissioning_proposed").values_list("recipient", flat=True)
    )
    assert second_commissioner_northshire.pk in recipients
    assert commissioner_northshire.pk not in recipients
    assert AuditEvent.objects.filter(target_id=str(decommissioning.pk), action="create").exists()


@pytest.mark.parametrize(
    ("reason", "detail", "field", "message"),
    [
        ("", "Detail", "reason", "Select why the contract is being decommissioned"),
        ("whim", "Detail", "reason", "Select why the contract is being decommissioned"),
        (
            "unsatisfactory",
            "   ",
            "reason_detail",
            "Enter the detail of why the contract is being decommissioned",
        ),
    ],
)
def test_a_proposal_needs_a_reason_and_its_detail(
    ns_contract, commissioner_northshire, reason, detail, field, message
):
    with pytest.raises(ValidationError) as error:
        services.decommissioning_propose(
            contract=ns_contract, actor=commissioner_northshire, reason=reason, reason_detail=detail
        )
    assert error.value.message_dict[field] == [message]
    assert not Decommissioning.objects.exists()


def test_only_the_authoritys_commissioners_may_propose(
    ns_contract, commissioner_southvale, provider_oakfield
):
    for actor in (commissioner_southvale, provider_oakfield):
        with pytest.raises(PermissionDenied):
            helpers.propose(ns_contract, actor)


def test_proposing_an_ended_contract_is_refused(ns_contract, commissioner_northshire):
    ns_contract.status = ContractStatus.ENDED
    ns_contract.save()
    with pytest.raises(InvalidTransition, match="Only a live contract can be decommissioned"):
        helpers.propose(ns_contract, commissioner_northshire)
    assert not Decommissioning.objects.exists()


def test_a_second_proposal_for_the_same_contract_is_refused(
    ns_proposed, ns_contract, second_commissioner_northshire
):
    with pytest.raises(InvalidTransition, match="already has a decommissioning that is proposed"):
        helpers.propose(ns_contract, second_commissioner_northshire)


def test_a_cancelled_decommissioning_is_proposed_again_on_the_same_row(
    ns_served, ns_contract, commissioner_northshire, second_commissioner_northshire
):
    """Proposing again reuses the row and resets the decision; the exit plan and communications stay."""
    helpers_row_count = ns_served.exit_rows.count()
    services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-CYP-0001"
    )
    services.decommissioning_cancel(
        decommissioning=ns_served, actor=commissioner_northshire, reason="Improved"
    )
    again = helpers.propose(ns_contract, second_commissioner_northshire, reason="no_longer_needed")
    assert again.pk == ns_served.pk
    assert again.status == D.PROPOSED
    assert again.proposed_by == second_commissioner_northshire
    assert again.approved_by is None and again.notice_served_on is None and again.end_on is None
    assert again.cancelled_reason == ""
    assert again.exit_rows.count() == helpers_row_count + 1


# Approve ------------------------------------------------------------------------------------------------


def test_another_commissioner_approves_and_the_proposer_is_told(
    ns_proposed, commissioner_northshire, second_commissioner_northshire
):
    decommissioning = helpers.approve(ns_proposed, second_commissioner_northshire)
    assert decommissioning.status == D.APPROVED
    assert decommissioning.approved_by == second_commissioner_northshire
    assert Notification.objects.filter(
        kind="decommissioning_approved", recipient=commissioner_northshire
    ).exists()


def test_the_proposer_cannot_approve_their_own_proposal(ns_proposed, commissioner_northshire):
    with pytest.raises(
        InvalidTransition, match="You proposed this decommissioning, so you cannot approve it"
    ):
        helpers.approve(ns_proposed, commissioner_northshire)
    assert status_of(ns_proposed) == D.PROPOSED


def test_approving_twice_is_refused(ns_approved, lead_northshire):
    with pytest.raises(InvalidTransition, match="approved cannot become approved"):
        helpers.approve(ns_approved, lead_northshire)


def test_another_authority_cannot_approve(ns_proposed, commissioner_southvale):
    with pytest.raises(PermissionDenied):
        helpers.approve(ns_proposed, commissioner_southvale)
    assert status_of(ns_proposed) == D.PROPOSED


def test_a_stale_copy_cannot_win_a_second_time(ns_proposed, second_commissioner_northshire, lead_northshire):
    """Two approvals racing from the same page: the conditional update lets only one through."""
    stale = Decommissioning.objects.get(pk=ns_proposed.pk)
    helpers.approve(ns_proposed, second_commissioner_northshire)
    with pytest.raises(InvalidTransition, match="Someone else has changed this decommissioning"):
        helpers.approve(stale, lead_northshire)
    assert Decommissioning.objects.get(pk=ns_proposed.pk).approved_by == second_commissioner_northshire


# Notice ---------------------------------------------------------------------------------------------------


def test_serving_notice_before_approval_is_refused(ns_proposed, ns_contract, commissioner_northshire):
    with pytest.raises(InvalidTransition, match="proposed cannot become notice served"):
        helpers.serve(ns_proposed, commissioner_northshire)
    ns_contract.refresh_from_db()
    assert ns_contract.status == ContractStatus.LIVE


def test_serving_notice_marks_the_contract_and_tells_the_provider(
    ns_approved, ns_contract, commissioner_northshire, provider_oakfield, provider_riverside
):
    decommissioning = helpers.serve(ns_approved, commissioner_northshire)
    assert decommissioning.status == D.NOTICE_SERVED
    ns_contract.refresh_from_db()
    assert ns_contract.status == ContractStatus.DECOMMISSIONING
    told = Notification.objects.filter(kind="decommissioning_notice").values_list("recipient", flat=True)
    assert list(told) == [provider_oakfield.pk]


def test_notice_dates_are_checked(ns_approved, ns_contract, commissioner_northshire):
    today = timezone.localdate()
    cases = [
        (
            {
                "notice_served_on": today + datetime.timedelta(days=1),
                "end_on": today + datetime.timedelta(days=400),
            },
            "notice_served_on",
            "The date notice was served must be today or in the past",
        ),
        (
            {"notice_served_on": today, "end_on": today},
            "end_on",
            "The date the service ends must be after the date notice was served",
        ),
        (
            {"notice_served_on": today, "end_on": ns_contract.ends_on + datetime.timedelta(days=1)},
            "end_on",
            "The date the service ends must be on or before the contract's end date",
        ),
        (
            {"notice_served_on": ns_contract.starts_on - datetime.timedelta(days=1), "end_on": today},
            "notice_served_on",
            "The date notice was served must be on or after the contract started",
        ),
    ]
    for values, field, message in cases:
        with pytest.raises(ValidationError) as error:
            services.decommissioning_serve_notice(
                decommissioning=ns_approved, actor=commissioner_northshire, **values
            )
        assert error.value.message_dict[field][0].startswith(message), values
    assert status_of(ns_approved) == D.APPROVED


def test_a_shorter_notice_period_is_refused_unless_confirmed(ns_approved, commissioner_northshire):
    today = timezone.localdate()
    short = {"notice_served_on": today, "end_on": today + datetime.timedelta(days=60)}
    with pytest.raises(ValidationError) as error:
        services.decommissioning_serve_notice(
            decommissioning=ns_approved, actor=commissioner_northshire, **short
        )
    assert "The contract's notice period is 6 months" in error.value.message_dict["end_on"][0]
    decommissioning = services.decommissioning_serve_notice(
        decommissioning=ns_approved, actor=commissioner_northshire, shorter_notice_agreed=True, **short
    )
    assert decommissioning.status == D.NOTICE_SERVED
    event = (
        AuditEvent.objects.filter(
            target_type="contracts.decommissioning", target_id=str(decommissioning.pk), action="transition"
        )
        .order_by("sequence")
        .last()
    )
    assert event.detail["shorter_notice_agreed"] is True


# The exit plan ------------------------------------------------------------------------------------------


def test_the_exit_plan_has_a_row_for_every_child_placed_with_the_provider(
    ns_approved,
    commissioner_northshire,
    commissioner_southvale,
    provider_oakfield,
    provider_riverside,
    make_ipa,
):
    """Northshire's placements with Oakfield that have not ended by the notice date: not another
    provider's, not another authority's, not one that ended before notice."""
    first = make_ipa(commissioner_northshire, provider_oakfield, "NS-2026-0001")
    second = make_ipa(commissioner_northshire, provider_oakfield, "NS-2026-0002")
    ended = make_ipa(commissioner_northshire, provider_oakfield, "NS-2026-0003")
    make_ipa(commissioner_northshire, provider_riverside, "NS-2026-0004")
    make_ipa(commissioner_southvale, provider_oakfield, "SV-2026-0005")
    notice, _end = helpers.notice_dates()
    type(ended).objects.filter(pk=ended.pk).update(
        start_on=notice - datetime.timedelta(days=100), end_on=notice - datetime.timedelta(days=1)
    )
    decommissioning = helpers.serve(ns_approved, commissioner_northshire)
    rows = list(decommissioning.exit_rows.values_list("case_reference", "placement_agreement"))
    assert rows == [("NS-2026-0001", first.pk), ("NS-2026-0002", second.pk)]
    assert not decommissioning.exit_rows.filter(resolved_at__isnull=False).exists()


def test_an_admission_contract_takes_only_the_placements_on_its_lot(
    northshire,
    oakfield,
    commissioner_northshire,
    second_commissioner_northshire,
    provider_oakfield,
    lot,
    make_ipa,
):
    from procurement.models import Membership
    from procurement.services import fps as fps_services

    other_lot = fps_services.fps_lot_add(
        system=lot.system,
        actor=lot.system.lead_authority.users.get(email="lead@northshire.test"),
        code="L2",
        title="Residential",
        age_from=0,
        age_to=16,
    )
    membership = Membership.objects.get(lot=lot, provider=oakfield)
    today = timezone.localdate()
    contract = make_contract(
        organisation=northshire,
        provider=oakfield,
        created_by=commissioner_northshire,
        reference="NS-FPS-1",
        origin=ContractOrigin.FPS_ADMISSION,
        membership=membership,
        spot_justification="",
        starts_on=today - datetime.timedelta(days=730),
        ends_on=today + datetime.timedelta(days=730),
    )
    make_ipa(commissioner_northshire, provider_oakfield, "NS-2026-0010")
    from procurement.tests.fps.factories import admit

    admit(other_lot, provider_oakfield, lot.system.lead_authority.users.get(email="lead@northshire.test"))
    make_ipa(commissioner_northshire, provider_oakfield, "NS-2026-0011", on_lot=other_lot)
    decommissioning = helpers.approve(
        helpers.propose(contract, commissioner_northshire), second_commissioner_northshire
    )
    decommissioning = helpers.serve(decommissioning, commissioner_northshire)
    assert list(decommissioning.exit_rows.values_list("case_reference", flat=True)) == ["NS-2026-0010"]


@pytest.mark.parametrize(
    "reference", ["", "AB", "Jane Smith", "NS CYP 1", "no-digits-here", "NS/2026/1", "A" * 39 + "12"]
)
def test_a_child_added_by_hand_is_a_case_reference_only(ns_served, commissioner_northshire, reference):
    with pytest.raises(ValidationError) as error:
        services.exit_row_add(
            decommissioning=ns_served, actor=commissioner_northshire, case_reference=reference
        )
    assert error.value.message_dict["case_reference"][0].startswith("Enter the case reference")
    assert "Never a child's name" in error.value.message_dict["case_reference"][0]


def test_a_child_is_added_once(ns_served, commissioner_northshire):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference=" NS-CYP-0412 "
    )
    assert row.case_reference == "NS-CYP-0412" and row.placement_agreement is None
    with pytest.raises(ValidationError) as error:
        services.exit_row_add(
            decommissioning=ns_served, actor=commissioner_northshire, case_reference="ns-cyp-0412"
        )
    assert error.value.message_dict["case_reference"] == ["ns-cyp-0412 is already in the exit plan"]


def test_rows_cannot_be_added_before_notice(ns_approved, commissioner_northshire):
    with pytest.raises(InvalidTransition, match="only while notice is served"):
        services.exit_row_add(
            decommissioning=ns_approved, actor=commissioner_northshire, case_reference="NS-1234"
        )


def test_resolving_a_row_needs_a_destination_and_a_date(ns_served, commissioner_northshire):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-1234"
    )
    with pytest.raises(ValidationError) as error:
        services.exit_row_update(row=row, actor=commissioner_northshire, resolve=True)
    assert error.value.message_dict == {
        "destination": ["Select where the child goes next before resolving the row"],
        "transition_on": ["Enter the transition date before resolving the row"],
    }
    row = services.exit_row_update(row=row, actor=commissioner_northshire, destination="mainstream")
    assert not row.resolved
    row = helpers.resolve(row, commissioner_northshire)
    assert row.resolved and row.resolved_by == commissioner_northshire
    row = services.exit_row_update(
        row=row, actor=commissioner_northshire, destination="mainstream", resolve=False
    )
    assert not row.resolved


def test_a_communication_is_for_one_child_or_all_families(ns_served, commissioner_northshire, sv_served):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-1234"
    )
    today = timezone.localdate()
    one = services.communication_record(
        decommissioning=ns_served,
        actor=commissioner_northshire,
        sent_on=today,
        method="letter",
        summary="Told the family the service ends and offered a meeting.",
        exit_row=row,
    )
    everyone = services.communication_record(
        decommissioning=ns_served,
        actor=commissioner_northshire,
        sent_on=today,
        method="meeting",
        summary="An open meeting for every family.",
    )
    assert one.exit_row == row and everyone.exit_row is None
    with pytest.raises(ValidationError) as error:
        services.communication_record(
            decommissioning=ns_served,
            actor=commissioner_northshire,
            sent_on=today + datetime.timedelta(days=1),
            method="fax",
            summary=" ",
        )
    assert error.value.message_dict == {
        "sent_on": ["The date the family was told must be today or in the past"],
        "method": ["Select how the family was told"],
        "summary": ["Enter a summary of what was said"],
    }


# Complete and cancel ---------------------------------------------------------------------------------


def test_completing_with_unresolved_rows_is_refused_naming_how_many(ns_served, commissioner_northshire):
    for reference in ("NS-0001", "NS-0002", "NS-0003"):
        services.exit_row_add(
            decommissioning=ns_served, actor=commissioner_northshire, case_reference=reference
        )
    helpers.resolve(ns_served.exit_rows.get(case_reference="NS-0001"), commissioner_northshire)
    with pytest.raises(InvalidTransition, match=r"^2 exit plan rows are not resolved"):
        services.decommissioning_complete(
            decommissioning=ns_served, actor=commissioner_northshire, lessons="x"
        )
    assert status_of(ns_served) == D.NOTICE_SERVED


def test_completing_before_the_service_ends_is_refused(ns_served, commissioner_northshire):
    with pytest.raises(InvalidTransition, match="You can complete the decommissioning on or after"):
        services.decommissioning_complete(
            decommissioning=ns_served,
            actor=commissioner_northshire,
            lessons="x",
            today=ns_served.end_on - datetime.timedelta(days=1),
        )


def test_completing_ends_the_contract_and_keeps_what_was_learnt(
    ns_served, ns_contract, commissioner_northshire, provider_oakfield, monkeypatch
):
    synced = []
    monkeypatch.setattr(services, "capacity_sync", lambda *, organisation: synced.append(organisation))
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0001"
    )
    helpers.resolve(row, commissioner_northshire)
    with pytest.raises(ValidationError) as error:
        services.decommissioning_complete(
            decommissioning=ns_served, actor=commissioner_northshire, lessons=" "
        )
    assert error.value.message_dict["lessons"] == [
        "Enter what was learnt, as evidence for the next needs assessment"
    ]
    decommissioning = services.decommissioning_complete(
        decommissioning=ns_served,
        actor=commissioner_northshire,
        lessons="Visit new providers within 3 months.",
    )
    assert decommissioning.status == D.COMPLETED
    ns_contract.refresh_from_db()
    assert ns_contract.status == ContractStatus.ENDED
    assert synced == [ns_contract.organisation]
    assert Notification.objects.filter(kind="decommissioning_completed", recipient=provider_oakfield).exists()
    with pytest.raises(InvalidTransition, match="completed cannot become completed"):
        services.decommissioning_complete(
            decommissioning=decommissioning, actor=commissioner_northshire, lessons="x"
        )


def test_cancelling_after_notice_puts_the_contract_back_to_live_and_tells_the_provider(
    ns_served, ns_contract, commissioner_northshire, provider_oakfield
):
    with pytest.raises(ValidationError):
        services.decommissioning_cancel(decommissioning=ns_served, actor=commissioner_northshire, reason="")
    decommissioning = services.decommissioning_cancel(
        decommissioning=ns_served,
        actor=commissioner_northshire,
        reason="The provider's improvement plan worked.",
    )
    assert decommissioning.status == D.CANCELLED
    ns_contract.refresh_from_db()
    assert ns_contract.status == ContractStatus.LIVE
    assert Notification.objects.filter(kind="decommissioning_cancelled", recipient=provider_oakfield).exists()


def test_nothing_can_be_done_to_a_cancelled_decommissioning(
    ns_served, commissioner_northshire, second_commissioner_northshire
):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0001"
    )
    services.decommissioning_cancel(
        decommissioning=ns_served, actor=commissioner_northshire, reason="Improved"
    )
    moves = [
        lambda: helpers.approve(ns_served, second_commissioner_northshire),
        lambda: helpers.serve(ns_served, commissioner_northshire),
        lambda: services.decommissioning_complete(
            decommissioning=ns_served, actor=commissioner_northshire, lessons="x"
        ),
        lambda: services.decommissioning_cancel(
            decommissioning=ns_served, actor=commissioner_northshire, reason="x"
        ),
        lambda: services.exit_row_add(
            decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-2"
        ),
        lambda: helpers.resolve(row, commissioner_northshire),
    ]
    for move in moves:
        with pytest.raises(InvalidTransition):
            move()
    assert status_of(ns_served) == D.CANCELLED


def test_cancelling_a_proposal_leaves_the_contract_live(ns_proposed, ns_contract, commissioner_northshire):
    services.decommissioning_cancel(
        decommissioning=ns_proposed, actor=commissioner_northshire, reason="Not yet"
    )
    ns_contract.refresh_from_db()
    assert ns_contract.status == ContractStatus.LIVE
    assert not Notification.objects.filter(kind="decommissioning_cancelled").exists()


# Evidence for the needs side ---------------------------------------------------------------------------


def test_evidence_lists_decided_decommissionings_of_the_authority_only(
    ns_served, ns_contract, sv_served, northshire, commissioner_northshire
):
    other = make_contract(
        organisation=northshire,
        provider=ns_contract.provider,
        created_by=commissioner_northshire,
        reference="NS-2",
    )
    helpers.propose(other, commissioner_northshire)  # a bare proposal is not evidence
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0001"
    )
    helpers.resolve(row, commissioner_northshire)
    services.decommissioning_complete(
        decommissioning=ns_served, actor=commissioner_northshire, lessons="Learnt."
    )
    evidence = decommissioning_evidence(organisation=northshire)
    assert [(e.contract_reference, e.status, e.lessons, e.children_in_exit_plan) for e in evidence] == [
        ("NS-C-101", D.COMPLETED, "Learnt.", 1)
    ]
    assert evidence[0].reason_label == "Unsatisfactory performance or quality"
    assert evidence[0].provider_name == ns_contract.provider.name


def test_exit_rows_are_unique_per_child(ns_served):
    ExitPlanRow.objects.create(decommissioning=ns_served, case_reference="NS-9")
    assert ns_served.exit_rows.count() == 1


def test_a_row_added_by_mistake_is_removed_and_audited(ns_served, commissioner_northshire):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-9999"
    )
    pk = row.pk
    services.exit_row_remove(row=row, actor=commissioner_northshire)
    assert not ns_served.exit_rows.filter(case_reference="NS-9999").exists()
    event = AuditEvent.objects.get(action="delete", target_id=str(pk))
    assert event.detail == {"manual": True} and "NS-9999" not in str(event.detail)


def test_rows_from_placement_agreements_or_with_communications_stay(
    ns_approved, commissioner_northshire, provider_oakfield, make_ipa
):
    make_ipa(commissioner_northshire, provider_oakfield, "NS-2026-0001")
    served = helpers.serve(ns_approved, commissioner_northshire)
    placed = served.exit_rows.get(case_reference="NS-2026-0001")
    with pytest.raises(InvalidTransition, match="placement agreement"):
        services.exit_row_remove(row=placed, actor=commissioner_northshire)
    told = services.exit_row_add(
        decommissioning=served, actor=commissioner_northshire, case_reference="NS-0412"
    )
    services.communication_record(
        decommissioning=served,
        actor=commissioner_northshire,
        sent_on=timezone.localdate(),
        method="letter",
        summary="A letter to the family.",
        exit_row=told,
    )
    with pytest.raises(InvalidTransition, match="family"):
        services.exit_row_remove(row=told, actor=commissioner_northshire)
    assert served.exit_rows.count() == 2


def test_rows_are_removed_only_from_an_open_plan_by_the_councils_commissioners(
    ns_served, commissioner_northshire, commissioner_southvale, provider_oakfield
):
    row = services.exit_row_add(
        decommissioning=ns_served, actor=commissioner_northshire, case_reference="NS-0457"
    )
    for outsider in (commissioner_southvale, provider_oakfield):
        with pytest.raises(PermissionDenied):
            services.exit_row_remove(row=row, actor=outsider)
    services.decommissioning_cancel(
        decommissioning=ns_served, actor=commissioner_northshire, reason="Improved."
    )
    with pytest.raises(InvalidTransition):
        services.exit_row_remove(row=row, actor=commissioner_northshire)
    assert ns_served.exit_rows.filter(pk=row.pk).exists()
