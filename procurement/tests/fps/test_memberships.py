"""Purchasing systems and memberships: who may manage them, the membership's moves, admission from an
awarded admission round, and the overarching contract a provider accepts before it receives referrals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, Notification
from procurement.models import (
    Award,
    Lot,
    Membership,
    MembershipStatus,
    Submission,
    SubmissionStatus,
    Tender,
    TenderRoute,
    TenderStatus,
)
from procurement.services import fps as services
from procurement.services.tender_workflow import InvalidTransition
from tests.access import client_for

M = MembershipStatus


def test_a_lead_commissioner_creates_a_system_led_by_their_authority(lead_northshire):
    system = services.purchasing_system_create(
        actor=lead_northshire,
        name="A system",
        overarching_contract_title="Agreement",
        overarching_contract_terms="Terms",
        starts_on=datetime.date(2026, 4, 1),
    )
    assert system.lead_authority == lead_northshire.organisation
    assert list(system.member_authorities.all()) == [lead_northshire.organisation]
    assert AuditEvent.objects.filter(target_type="procurement.purchasingsystem", action="create").exists()


@pytest.mark.parametrize("persona", ["commissioner_northshire", "provider_oakfield", "forum_member"])
def test_only_a_lead_commissioner_creates_a_system(request, persona):
    with pytest.raises(PermissionDenied):
        services.purchasing_system_create(
            actor=request.getfixturevalue(persona),
            name="A system",
            overarching_contract_title="Agreement",
            overarching_contract_terms="Terms",
            starts_on=datetime.date(2026, 4, 1),
        )


def test_a_system_must_end_after_it_starts(lead_northshire):
    with pytest.raises(ValidationError) as error:
        services.purchasing_system_create(
            actor=lead_northshire,
            name="A system",
            overarching_contract_title="Agreement",
            overarching_contract_terms="Terms",
            starts_on=datetime.date(2026, 4, 1),
            ends_on=datetime.date(2026, 3, 1),
        )
    assert "ends_on" in error.value.error_dict


def test_a_lead_commissioner_of_a_member_authority_cannot_manage_the_system(system, lead_southvale, eastmoor):
    with pytest.raises(PermissionDenied):
        services.purchasing_system_member_add(system=system, actor=lead_southvale, authority=eastmoor)
    with pytest.raises(PermissionDenied):
        services.fps_lot_add(system=system, actor=lead_southvale, code="L9", title="x", age_from=0, age_to=5)


def test_members_are_local_authorities_and_the_lead_cannot_leave(
    system, lead_northshire, oakfield, northshire
):
    with pytest.raises(ValidationError):
        services.purchasing_system_member_add(system=system, actor=lead_northshire, authority=oakfield)
    with pytest.raises(ValidationError):
        services.purchasing_system_member_remove(system=system, actor=lead_northshire, authority=northshire)


def test_removing_a_member_authority_takes_the_system_from_its_commissioners(
    request, system, lead_northshire, southvale
):
    url = reverse("procurement:fps_system_detail", args=[system.pk])
    assert client_for(request, "commissioner_southvale").get(url).status_code == 200
    client_for(request, "lead_northshire").post(
        reverse("procurement:fps_member_remove", args=[system.pk, southvale.pk])
    )
    assert client_for(request, "commissioner_southvale").get(url).status_code == 404


def test_lot_ages_must_be_in_order_and_codes_unique(system, lead_northshire, lot):
    with pytest.raises(ValidationError) as error:
        services.fps_lot_add(
            system=system, actor=lead_northshire, code="L1", title="Again", age_from=5, age_to=2
        )
    assert {"code", "age_to"} <= set(error.value.error_dict)


def test_a_provider_admitted_by_hand_awaits_acceptance_and_is_told(
    lot, lead_northshire, oakfield, provider_oakfield
):
    membership = services.membership_admit(
        lot=lot, provider=oakfield, actor=lead_northshire, reason="Old list"
    )
    assert membership.status == M.ACTIVE and membership.contract_accepted_at is None
    assert Notification.objects.filter(recipient=provider_oakfield, kind="fps_admitted").count() == 1
    with pytest.raises(ValidationError):
        services.membership_admit(lot=lot, provider=oakfield, actor=lead_northshire, reason="Again")


def test_admission_by_hand_needs_a_reason(lot, lead_northshire, oakfield):
    with pytest.raises(ValidationError) as error:
        services.membership_admit(lot=lot, provider=oakfield, actor=lead_northshire, reason=" ")
    assert "reason" in error.value.error_dict


def test_the_provider_accepts_the_contract_once_in_its_own_name(
    lot, lead_northshire, oakfield, provider_oakfield, provider_riverside
):
    membership = services.membership_admit(
        lot=lot, provider=oakfield, actor=lead_northshire, reason="Old list"
    )
    with pytest.raises(PermissionDenied):
        services.membership_accept_contract(
            membership=membership, actor=provider_riverside, name="X", role="Y"
        )
    with pytest.raises(PermissionDenied):
        services.membership_accept_contract(membership=membership, actor=lead_northshire, name="X", role="Y")
    with pytest.raises(ValidationError) as error:
        services.membership_accept_contract(membership=membership, actor=provider_oakfield, name="", role="")
    assert {"name", "role"} <= set(error.value.error_dict)
    membership = services.membership_accept_contract(
        membership=membership, actor=provider_oakfield, name="Daniel Okafor", role="Head"
    )
    assert (
        membership.contract_accepted_name == "Daniel Okafor" and membership.contract_accepted_at is not None
    )
    with pytest.raises(ValidationError):
        services.membership_accept_contract(
            membership=membership, actor=provider_oakfield, name="Again", role="Head"
        )


def test_the_accept_page_shows_the_terms_and_records_name_and_role(request, lot, lead_northshire, oakfield):
    membership = services.membership_admit(
        lot=lot, provider=oakfield, actor=lead_northshire, reason="Old list"
    )
    client = client_for(request, "provider_oakfield")
    url = reverse("procurement:fps_membership_accept", args=[membership.pk])
    page = client.get(url).content.decode()
    assert "It answers referrals." in page
    refused = client.post(url, {"name": "Daniel Okafor", "role": ""})
    assert refused.status_code == 400 and "Enter your role at the provider" in refused.content.decode()
    client.post(url, {"name": "Daniel Okafor", "role": "Head", "confirm": "on"})
    membership.refresh_from_db()
    assert membership.contract_accepted_role == "Head"
    detail = client.get(reverse("procurement:fps_membership_detail", args=[membership.pk])).content.decode()
    assert "Accepted by Daniel Okafor (Head)" in detail


def test_the_provider_keeps_its_offer_within_the_lot(oakfield_place, provider_oakfield, provider_riverside):
    with pytest.raises(PermissionDenied):
        services.membership_offer_update(
            membership=oakfield_place,
            actor=provider_riverside,
            needs_met=[],
            age_from=0,
            age_to=5,
            area="",
            places_available=0,
        )
    with pytest.raises(ValidationError) as error:
        services.membership_offer_update(
            membership=oakfield_place,
            actor=provider_oakfield,
            needs_met=["XYZ"],
            age_from=3,
            age_to=19,
            area="",
            places_available=-1,
        )
    assert {"needs_met", "age_to", "places_available"} <= set(error.value.error_dict)


def test_the_offer_page_saves_the_offer(request, oakfield_place):
    client = client_for(request, "provider_oakfield")
    url = reverse("procurement:fps_membership_offer", args=[oakfield_place.pk])
    response = client.post(
        url,
        {
            "needs_met": ["ASD", "SLCN"],
            "age_from": "5",
            "age_to": "11",
            "area": "Lancashire",
            "places_available": "3",
        },
    )
    assert response.status_code == 302
    oakfield_place.refresh_from_db()
    assert oakfield_place.needs_met == ["ASD", "SLCN"] and oakfield_place.places_available == 3


# The membership's moves --------------------------------------------------------------------------------

ALLOWED = [(M.ACTIVE, M.SUSPENDED), (M.ACTIVE, M.REMOVED), (M.SUSPENDED, M.ACTIVE), (M.SUSPENDED, M.REMOVED)]
FORBIDDEN = [(start, to) for start in M.values for to in M.values if (start, to) not in ALLOWED]
MOVE = {
    M.SUSPENDED: services.membership_suspend,
    M.ACTIVE: services.membership_reinstate,
    M.REMOVED: services.membership_remove,
}


def _set_status(membership, status):
    Membership.objects.filter(pk=membership.pk).update(status=status, status_reason="Set for the test")
    membership.refresh_from_db()


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_allowed_membership_moves(oakfield_place, lead_northshire, start, to):
    _set_status(oakfield_place, start)
    moved = MOVE[to](membership=oakfield_place, actor=lead_northshire, reason="Because")
    assert (
        moved.status == to and moved.status_reason == "Because" and moved.status_changed_by == lead_northshire
    )
    assert AuditEvent.objects.filter(
        action="transition", target_id=str(oakfield_place.pk), detail__to=to
    ).exists()


@pytest.mark.parametrize(("start", "to"), FORBIDDEN)
def test_forbidden_membership_moves_are_refused_and_change_nothing(
    oakfield_place, lead_northshire, start, to
):
    _set_status(oakfield_place, start)
    with pytest.raises(InvalidTransition):
        MOVE[to](membership=oakfield_place, actor=lead_northshire, reason="Because")
    oakfield_place.refresh_from_db()
    assert oakfield_place.status == start


def test_a_stale_membership_move_loses_the_race(oakfield_place, lead_northshire):
    stale = Membership.objects.get(pk=oakfield_place.pk)
    services.membership_suspend(membership=oakfield_place, actor=lead_northshire, reason="Insurance lapsed")
    with pytest.raises(InvalidTransition):
        services.membership_remove(membership=stale, actor=lead_northshire, reason="Also")
    stale.refresh_from_db()
    assert stale.status == M.SUSPENDED


@pytest.mark.parametrize(
    "persona", ["commissioner_northshire", "commissioner_southvale", "lead_southvale", "provider_oakfield"]
)
def test_only_the_lead_commissioner_suspends(request, oakfield_place, persona):
    with pytest.raises(PermissionDenied):
        services.membership_suspend(
            membership=oakfield_place, actor=request.getfixturevalue(persona), reason="x"
        )
    oakfield_place.refresh_from_db()
    assert oakfield_place.status == M.ACTIVE


def test_suspension_needs_a_reason_and_tells_every_member_authority(
    oakfield_place,
    lead_northshire,
    commissioner_northshire,
    commissioner_southvale,
    commissioner_eastmoor,
    provider_oakfield,
):
    with pytest.raises(ValidationError):
        services.membership_suspend(membership=oakfield_place, actor=lead_northshire, reason="  ")
    services.membership_suspend(membership=oakfield_place, actor=lead_northshire, reason="Insurance lapsed")
    told = set(Notification.objects.filter(kind="fps_suspended").values_list("recipient__email", flat=True))
    assert {
        commissioner_northshire.email,
        lead_northshire.email,
        commissioner_southvale.email,
        provider_oakfield.email,
    } <= told
    assert commissioner_eastmoor.email not in told


def test_the_suspend_page_refuses_an_empty_reason(request, oakfield_place):
    client = client_for(request, "lead_northshire")
    url = reverse("procurement:fps_membership_suspend", args=[oakfield_place.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Enter the reason" in response.content.decode()
    assert client.post(url, {"reason": "Insurance lapsed"}).status_code == 302
    oakfield_place.refresh_from_db()
    assert oakfield_place.status == M.SUSPENDED


# Admission from an awarded admission round --------------------------------------------------------------


@pytest.fixture
def admission_round(
    system, lot, lot2, lead_northshire, oakfield, riverside, provider_oakfield, provider_riverside
):
    tender = Tender.objects.create(
        organisation=lead_northshire.organisation,
        reference="NS-2026-ADM1",
        title="Admission round 1",
        route=TenderRoute.FPS_ADMISSION,
        status=TenderStatus.AWARDED,
        purchasing_system=system,
        created_by=lead_northshire,
        awarded_at=timezone.now(),
    )
    for number, (fps_lot, provider, user) in enumerate(
        [
            (lot, oakfield, provider_oakfield),
            (lot2, riverside, provider_riverside),
            (None, oakfield, provider_oakfield),
        ],
        start=1,
    ):
        tender_lot = Lot.objects.create(tender=tender, number=number, title=f"Lot {number}", fps_lot=fps_lot)
        submission = Submission.objects.create(
            tender=tender,
            lot=tender_lot,
            provider=provider,
            status=SubmissionStatus.SUBMITTED,
            created_by=user,
        )
        Award.objects.create(
            tender=tender,
            lot=tender_lot,
            submission=submission,
            total_score=Decimal("80"),
            value=Decimal("1000"),
            recommended_by=lead_northshire,
        )
    return tender


def test_winners_of_an_awarded_round_are_admitted_once(
    admission_round, lead_northshire, lot, lot2, oakfield, riverside
):
    admitted = services.memberships_admit_from_award(tender=admission_round, actor=lead_northshire)
    assert {(m.lot_id, m.provider_id) for m in admitted} == {(lot.pk, oakfield.pk), (lot2.pk, riverside.pk)}
    assert all(m.admission_tender_id == admission_round.pk for m in admitted)
    assert all(m.contract_accepted_at is None for m in admitted)
    again = services.memberships_admit_from_award(tender=admission_round, actor=lead_northshire)
    assert again == []
    assert Membership.objects.count() == 2


def test_a_suspended_winner_is_not_readmitted(admission_round, lead_northshire, lot, oakfield):
    services.memberships_admit_from_award(tender=admission_round, actor=lead_northshire)
    membership = Membership.objects.get(lot=lot, provider=oakfield)
    services.membership_suspend(membership=membership, actor=lead_northshire, reason="Lapsed")
    services.memberships_admit_from_award(tender=admission_round, actor=lead_northshire)
    membership.refresh_from_db()
    assert membership.status == M.SUSPENDED


@pytest.mark.parametrize("status", [s for s in TenderStatus.values if s != TenderStatus.AWARDED])
def test_a_round_not_yet_awarded_admits_nobody(admission_round, lead_northshire, status):
    Tender.objects.filter(pk=admission_round.pk).update(status=status)
    admission_round.refresh_from_db()
    with pytest.raises(ValidationError):
        services.memberships_admit_from_award(tender=admission_round, actor=lead_northshire)
    assert not Membership.objects.exists()


def test_only_an_admission_round_admits(admission_round, lead_northshire, commissioner_northshire):
    with pytest.raises(PermissionDenied):
        services.memberships_admit_from_award(tender=admission_round, actor=commissioner_northshire)
    Tender.objects.filter(pk=admission_round.pk).update(route=TenderRoute.OPEN)
    admission_round.refresh_from_db()
    with pytest.raises(ValidationError):
        services.memberships_admit_from_award(tender=admission_round, actor=lead_northshire)


def test_the_lead_admits_a_rounds_winners_from_the_system_page(request, admission_round, system):
    client = client_for(request, "lead_northshire")
    page = client.get(reverse("procurement:fps_system_detail", args=[system.pk])).content.decode()
    assert "Admit the winners of NS-2026-ADM1" in page
    client.post(reverse("procurement:fps_admit_from_round", args=[system.pk, admission_round.pk]))
    assert Membership.objects.count() == 2


def test_a_lot_is_removed_only_while_nobody_is_on_it(system, lot, lot2, lead_northshire, provider_oakfield):
    from .factories import admit

    admit(lot, provider_oakfield, lead_northshire)
    with pytest.raises(ValidationError):
        services.fps_lot_remove(lot=lot, actor=lead_northshire)
    services.fps_lot_remove(lot=lot2, actor=lead_northshire)
    assert list(system.lots.values_list("code", flat=True)) == ["L1"]
