"""Referrals and placements: who a referral goes to, answers until the deadline, selection and direct
award, the referral's moves, and the Individual Placement Agreement with its reference and PDF."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from procurement.models import (
    IndividualPlacementAgreement,
    Referral,
    ReferralResponse,
    ReferralStatus,
    ResponseStatus,
)
from procurement.services import fps as fps_services
from procurement.services import referrals as services
from procurement.services.tender_workflow import InvalidTransition
from tests.access import client_for

from .factories import admit, answer, make_referral, place

R = ReferralStatus


# Making a referral --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference", ["Jane Smith", "JaneSmith", "NS 2026 0457", "NS_2026", "-NS2026", "A" * 39 + "12", ""]
)
def test_a_case_reference_must_look_like_a_reference_not_a_name(commissioner_northshire, lot, reference):
    with pytest.raises(ValidationError) as error:
        make_referral(commissioner_northshire, lot, case_reference=reference)
    assert "case_reference" in error.value.error_dict
    assert not Referral.objects.exists()


@pytest.mark.parametrize("reference", ["NS-2026-0457", "12345", "sv88123"])
def test_a_case_reference_of_letters_digits_and_hyphens_is_taken(commissioner_northshire, lot, reference):
    assert make_referral(commissioner_northshire, lot, case_reference=reference).case_reference == reference


@pytest.mark.parametrize("years_ago", [-1, 26, 60])
def test_the_year_of_birth_must_fit_a_child_or_young_person(commissioner_northshire, lot, years_ago):
    with pytest.raises(ValidationError) as error:
        make_referral(commissioner_northshire, lot, year_of_birth=timezone.localdate().year - years_ago)
    assert "year_of_birth" in error.value.error_dict


def test_the_answer_deadline_must_be_in_the_future(commissioner_northshire, lot):
    with pytest.raises(ValidationError) as error:
        make_referral(commissioner_northshire, lot, respond_by=timezone.now() - datetime.timedelta(minutes=1))
    assert "respond_by" in error.value.error_dict


def test_only_a_member_authoritys_commissioner_refers(
    commissioner_eastmoor, provider_oakfield, lot, evaluator_northshire
):
    for actor in (commissioner_eastmoor, provider_oakfield, evaluator_northshire):
        with pytest.raises(PermissionDenied):
            make_referral(actor, lot)


def test_the_referral_form_offers_only_member_systems_lots_and_explains_errors(
    request, lot, commissioner_eastmoor
):
    page = client_for(request, "commissioner_southvale").get(reverse("procurement:fps_referral_create"))
    assert "0–16 day" in page.content.decode() and "Never a child" in page.content.decode()
    eastmoor = client_for(request, "commissioner_eastmoor").get(reverse("procurement:fps_referral_create"))
    assert "cannot refer a child yet" in eastmoor.content.decode()
    response = client_for(request, "commissioner_northshire").post(
        reverse("procurement:fps_referral_create"), {"lot": lot.pk, "case_reference": "Jane Smith"}
    )
    assert response.status_code == 400
    assert "Never a child" in response.content.decode()
    assert "Enter the child" in response.content.decode()


def test_the_referral_form_saves_a_draft_due_at_5pm(request, lot):
    start = timezone.localdate() + datetime.timedelta(days=40)
    due = timezone.localdate() + datetime.timedelta(days=5)
    response = client_for(request, "commissioner_northshire").post(
        reverse("procurement:fps_referral_create"),
        {
            "lot": lot.pk,
            "case_reference": "NS-2026-0999",
            "year_of_birth": str(timezone.localdate().year - 9),
            "primary_need": "ASD",
            "has_ehc_plan": "yes",
            "key_requirements": "A quiet classroom.",
            "wanted_start_on_0": start.day,
            "wanted_start_on_1": start.month,
            "wanted_start_on_2": start.year,
            "respond_by_0": due.day,
            "respond_by_1": due.month,
            "respond_by_2": due.year,
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.status == R.DRAFT and referral.has_ehc_plan
    assert timezone.localtime(referral.respond_by).hour == 17


# Sending ------------------------------------------------------------------------------------------------


def test_a_referral_goes_to_every_active_accepted_provider_and_no_other(
    commissioner_northshire, lot, lot2, lead_northshire, provider_oakfield, provider_riverside, operator
):
    from accounts.models import OrganisationKind, Role
    from accounts.services import organisation_create, user_create

    def provider(slug):
        org = organisation_create(name=slug.title(), slug=slug, kind=OrganisationKind.PROVIDER)
        return user_create(
            email=f"p@{slug}.test",
            full_name=slug,
            organisation=org,
            roles=[Role.PROVIDER_USER],
            password="x" * 20,
        )

    admit(lot, provider_oakfield, lead_northshire)
    admit(lot, provider_riverside, lead_northshire)
    suspended = admit(lot, provider("suspendedco"), lead_northshire)
    fps_services.membership_suspend(membership=suspended, actor=lead_northshire, reason="Lapsed")
    removed = admit(lot, provider("removedco"), lead_northshire)
    fps_services.membership_remove(membership=removed, actor=lead_northshire, reason="Closed")
    admit(lot, provider("unacceptedco"), lead_northshire, accept=False)
    admit(lot2, provider("otherlotco"), lead_northshire)

    referral = services.referral_send(
        referral=make_referral(commissioner_northshire, lot), actor=commissioner_northshire
    )
    received = set(referral.responses.values_list("provider__slug", flat=True))
    assert received == {"oakfield", "riverside"}
    assert all(r.status == ResponseStatus.AWAITING for r in referral.responses.all())
    assert referral.status == R.SENT and referral.sent_at is not None
    told = set(Notification.objects.filter(kind="fps_referral").values_list("recipient__email", flat=True))
    assert told == {provider_oakfield.email, provider_riverside.email}


def test_a_referral_with_nobody_to_receive_it_is_not_sent(commissioner_northshire, lot):
    referral = make_referral(commissioner_northshire, lot)
    with pytest.raises(ValidationError):
        services.referral_send(referral=referral, actor=commissioner_northshire)
    referral.refresh_from_db()
    assert referral.status == R.DRAFT


def test_another_authority_cannot_send_or_decide_a_referral(
    referral, commissioner_southvale, provider_oakfield
):
    response = answer(referral, provider_oakfield)
    with pytest.raises(PermissionDenied):
        services.referral_select(referral=referral, response=response, actor=commissioner_southvale)
    with pytest.raises(PermissionDenied):
        services.referral_cancel(referral=referral, actor=commissioner_southvale, reason="x")
    referral.refresh_from_db()
    assert referral.status == R.SENT


# Answering ----------------------------------------------------------------------------------------------


def test_a_provider_answers_and_may_change_its_answer_before_the_deadline(referral, provider_oakfield):
    answer(referral, provider_oakfield, fee="3000")
    response = answer(referral, provider_oakfield, fee="2900")
    assert response.status == ResponseStatus.RESPONDED and response.weekly_fee == Decimal("2900")


def test_an_answer_after_the_deadline_is_refused(referral, provider_oakfield):
    response = referral.responses.get(provider=provider_oakfield.organisation)
    with pytest.raises(ValidationError):
        services.referral_respond(
            response=response,
            actor=provider_oakfield,
            can_meet_needs=True,
            weekly_fee=Decimal("100"),
            start_on=timezone.localdate(),
            now=referral.respond_by,
        )
    response.refresh_from_db()
    assert response.status == ResponseStatus.AWAITING and response.weekly_fee is None


def test_the_answer_page_refuses_after_the_deadline_by_the_server_clock(request, referral):
    """The deadline is read from the server's clock: once it has passed, the form is gone and a posted
    answer is refused with nothing stored."""
    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() - datetime.timedelta(seconds=1))
    client = client_for(request, "provider_oakfield")
    url = reverse("procurement:fps_received_detail", args=[referral.pk])
    page = client.get(url).content.decode()
    assert "The deadline for answers has passed" in page and "Send answer" not in page
    start = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        url,
        {
            "can_meet_needs": "yes",
            "weekly_fee": "100",
            "start_on_0": start.day,
            "start_on_1": start.month,
            "start_on_2": start.year,
        },
    )
    assert response.status_code == 400
    assert referral.responses.get(provider__slug="oakfield").status == ResponseStatus.AWAITING


def test_a_yes_needs_a_fee_and_a_start_date(referral, provider_oakfield):
    response = referral.responses.get(provider=provider_oakfield.organisation)
    with pytest.raises(ValidationError) as error:
        services.referral_respond(response=response, actor=provider_oakfield, can_meet_needs=True)
    assert {"weekly_fee", "start_on"} <= set(error.value.error_dict)


def test_a_provider_cannot_answer_for_another(referral, provider_oakfield, provider_riverside):
    response = referral.responses.get(provider=provider_oakfield.organisation)
    with pytest.raises(PermissionDenied):
        services.referral_respond(response=response, actor=provider_riverside, can_meet_needs=False)


def test_the_answer_page_saves_an_answer(request, referral):
    start = timezone.localdate() + datetime.timedelta(days=20)
    response = client_for(request, "provider_riverside").post(
        reverse("procurement:fps_received_detail", args=[referral.pk]),
        {
            "can_meet_needs": "yes",
            "weekly_fee": "£3,100.50",
            "start_on_0": start.day,
            "start_on_1": start.month,
            "start_on_2": start.year,
            "notes": "A place in Year 6.",
        },
    )
    assert response.status_code == 302
    saved = referral.responses.get(provider__slug="riverside")
    assert saved.weekly_fee == Decimal("3100.50") and saved.start_on == start


# Comparing and choosing ---------------------------------------------------------------------------------


def test_the_comparison_ranks_only_those_who_can_meet_needs_by_fee(
    request, referral, provider_oakfield, provider_riverside
):
    answer(referral, provider_oakfield, fee="3400")
    answer(referral, provider_riverside, fee="3100")
    page = client_for(request, "commissioner_northshire").get(
        reverse("procurement:fps_referral_detail", args=[referral.pk])
    )
    text = page.content.decode()
    assert text.index("Riverside Learning Trust") < text.index("Oakfield School Ltd")
    assert "£3,100.00" in text and "£3,400.00" in text


def test_a_provider_that_cannot_meet_needs_is_not_ranked(referral, provider_oakfield, provider_riverside):
    from procurement.selectors.fps import compare_responses, referral_responses

    answer(referral, provider_oakfield, can=False)
    answer(referral, provider_riverside, fee="3100")
    assert [r.provider.slug for r in compare_responses(referral_responses(referral))] == ["riverside"]


def test_selecting_one_answer_places_the_referral_and_tells_everyone(
    referral, commissioner_northshire, provider_oakfield, provider_riverside
):
    chosen = answer(referral, provider_oakfield)
    answer(referral, provider_riverside)
    referral = services.referral_select(referral=referral, response=chosen, actor=commissioner_northshire)
    assert referral.status == R.PLACED and referral.placement_route == "mini_competition"
    statuses = dict(referral.responses.values_list("provider__slug", "status"))
    assert statuses == {"oakfield": ResponseStatus.SELECTED, "riverside": ResponseStatus.NOT_SELECTED}
    outcomes = Notification.objects.filter(kind="fps_referral_outcome")
    assert set(outcomes.values_list("recipient__email", flat=True)) == {
        provider_oakfield.email,
        provider_riverside.email,
    }


def test_an_answer_that_cannot_meet_needs_cannot_be_selected(
    referral, commissioner_northshire, provider_oakfield
):
    response = answer(referral, provider_oakfield, can=False)
    with pytest.raises(ValidationError):
        services.referral_select(referral=referral, response=response, actor=commissioner_northshire)
    awaiting = referral.responses.get(provider__slug="riverside")
    with pytest.raises(ValidationError):
        services.referral_select(referral=referral, response=awaiting, actor=commissioner_northshire)
    referral.refresh_from_db()
    assert referral.status == R.SENT


def test_a_direct_award_needs_a_justification_and_may_skip_an_answer(
    referral, commissioner_northshire, riverside
):
    with pytest.raises(ValidationError) as error:
        services.referral_direct_award(
            referral=referral, provider=riverside, justification=" ", actor=commissioner_northshire
        )
    assert "justification" in error.value.error_dict
    referral = services.referral_direct_award(
        referral=referral,
        provider=riverside,
        justification="Sibling already placed there",
        actor=commissioner_northshire,
    )
    assert referral.status == R.PLACED and referral.placement_route == "direct_award"
    assert referral.responses.get(provider=riverside).status == ResponseStatus.SELECTED


def test_a_direct_award_only_to_an_active_accepted_provider_on_the_lot(
    referral, commissioner_northshire, oakfield_place, lead_northshire, oakfield
):
    fps_services.membership_suspend(membership=oakfield_place, actor=lead_northshire, reason="Lapsed")
    with pytest.raises(ValidationError) as error:
        services.referral_direct_award(
            referral=referral, provider=oakfield, justification="Why", actor=commissioner_northshire
        )
    assert "provider" in error.value.error_dict


def test_a_direct_award_from_a_draft_creates_the_chosen_providers_row(
    commissioner_northshire, lot, oakfield_place, oakfield
):
    referral = make_referral(commissioner_northshire, lot)
    referral = services.referral_direct_award(
        referral=referral,
        provider=oakfield,
        justification="Only provider nearby",
        actor=commissioner_northshire,
    )
    assert referral.status == R.PLACED
    assert list(referral.responses.values_list("provider_id", "status")) == [
        (oakfield.pk, ResponseStatus.SELECTED)
    ]


# The referral's moves -----------------------------------------------------------------------------------

ALLOWED = [
    (R.DRAFT, R.SENT),
    (R.DRAFT, R.PLACED),
    (R.DRAFT, R.CANCELLED),
    (R.SENT, R.PLACED),
    (R.SENT, R.CANCELLED),
]


@pytest.mark.parametrize("start", [R.PLACED, R.CANCELLED])
@pytest.mark.parametrize("move", ["send", "select", "direct_award", "cancel"])
def test_a_placed_or_cancelled_referral_moves_no_further(
    referral, commissioner_northshire, provider_oakfield, oakfield, start, move
):
    response = answer(referral, provider_oakfield)
    Referral.objects.filter(pk=referral.pk).update(status=start)
    referral.refresh_from_db()
    calls = {
        "send": lambda: services.referral_send(referral=referral, actor=commissioner_northshire),
        "select": lambda: services.referral_select(
            referral=referral, response=response, actor=commissioner_northshire
        ),
        "direct_award": lambda: services.referral_direct_award(
            referral=referral, provider=oakfield, justification="Why", actor=commissioner_northshire
        ),
        "cancel": lambda: services.referral_cancel(
            referral=referral, actor=commissioner_northshire, reason="Why"
        ),
    }
    with pytest.raises((InvalidTransition, ValidationError)):
        calls[move]()
    referral.refresh_from_db()
    assert referral.status == start


def test_a_sent_referral_cannot_be_sent_again(referral, commissioner_northshire):
    with pytest.raises(InvalidTransition):
        services.referral_send(referral=referral, actor=commissioner_northshire)
    assert referral.responses.count() == 2


def test_the_transition_table_is_the_one_tested():
    assert {(s, t) for s, targets in services.REFERRAL_TRANSITIONS.items() for t in targets} == set(ALLOWED)


def test_cancelling_needs_a_reason_and_tells_the_providers(
    referral, commissioner_northshire, provider_oakfield
):
    with pytest.raises(ValidationError):
        services.referral_cancel(referral=referral, actor=commissioner_northshire, reason="")
    referral = services.referral_cancel(
        referral=referral, actor=commissioner_northshire, reason="Family moved"
    )
    assert referral.status == R.CANCELLED and referral.cancelled_reason == "Family moved"
    assert Notification.objects.filter(kind="fps_referral_cancelled", recipient=provider_oakfield).exists()
    with pytest.raises(ValidationError):
        answer(referral, provider_oakfield)


# The placement agreement --------------------------------------------------------------------------------


def test_the_ipa_is_made_with_the_chosen_provider_and_a_unique_reference(ipa, referral, southvale_ipa):
    assert ipa.provider.slug == "oakfield" and ipa.authority == referral.authority
    assert ipa.reference == f"NORTHSHIRE-IPA-{ipa.start_on.year}-0001"
    assert southvale_ipa.reference == f"SOUTHVALE-IPA-{southvale_ipa.start_on.year}-0001"
    assert ipa.additional_services == [{"service": "1:1 support", "weekly_cost": "350.00"}]
    assert ipa.case_reference == "NS-2026-0457"


def test_a_second_ipa_of_the_year_takes_the_next_number(
    ipa, commissioner_northshire, lot, provider_riverside
):
    second = make_referral(commissioner_northshire, lot, case_reference="NS-2026-0458")
    second = services.referral_send(referral=second, actor=commissioner_northshire)
    other = place(second, commissioner_northshire, provider_riverside)
    assert other.start_on.year == ipa.start_on.year
    assert other.reference == f"NORTHSHIRE-IPA-{ipa.start_on.year}-0002"


def test_an_ipa_needs_a_placed_referral_and_sound_dates(referral, commissioner_northshire, provider_oakfield):
    start = timezone.localdate()
    with pytest.raises(ValidationError):
        services.ipa_create(
            referral=referral,
            actor=commissioner_northshire,
            start_on=start,
            end_on=start + datetime.timedelta(days=1),
            weekly_fee=Decimal("1"),
        )
    response = answer(referral, provider_oakfield)
    services.referral_select(referral=referral, response=response, actor=commissioner_northshire)
    with pytest.raises(ValidationError) as error:
        services.ipa_create(
            referral=referral,
            actor=commissioner_northshire,
            start_on=start,
            end_on=start,
            weekly_fee=Decimal("0"),
        )
    assert {"end_on", "weekly_fee"} <= set(error.value.error_dict)
    with pytest.raises(ValidationError) as error:
        services.ipa_create(
            referral=referral,
            actor=commissioner_northshire,
            start_on=start,
            end_on=start + datetime.timedelta(days=30),
            weekly_fee=Decimal("10"),
            review_dates=[start + datetime.timedelta(days=60)],
        )
    assert "review_dates" in error.value.error_dict
    assert not IndividualPlacementAgreement.objects.exists()


def test_only_one_ipa_per_referral(ipa, referral, commissioner_northshire):
    with pytest.raises(ValidationError):
        services.ipa_create(
            referral=referral,
            actor=commissioner_northshire,
            start_on=ipa.start_on,
            end_on=ipa.end_on,
            weekly_fee=Decimal("5"),
        )


def test_the_ipa_page_prefills_the_fee_and_saves_services_and_reviews(
    request, referral, commissioner_northshire, provider_oakfield
):
    response = answer(referral, provider_oakfield, fee="3250")
    services.referral_select(referral=referral, response=response, actor=commissioner_northshire)
    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:fps_ipa_create", args=[referral.pk])
    assert 'value="3250.00"' in client.get(url).content.decode()
    start = timezone.localdate() + datetime.timedelta(days=10)
    end = start + datetime.timedelta(days=300)
    review = start + datetime.timedelta(days=100)
    refused = client.post(url, {"weekly_fee": "3250", "service_1": "1:1 support"})
    assert refused.status_code == 400 and "Enter the weekly cost of 1:1 support" in refused.content.decode()
    saved = client.post(
        url,
        {
            "start_on_0": start.day,
            "start_on_1": start.month,
            "start_on_2": start.year,
            "end_on_0": end.day,
            "end_on_1": end.month,
            "end_on_2": end.year,
            "weekly_fee": "£3,250.00",
            "service_1": "1:1 support",
            "service_1_cost": "350",
            "service_2": "Speech and language therapy",
            "service_2_cost": "120.50",
            "review_1_0": review.day,
            "review_1_1": review.month,
            "review_1_2": review.year,
        },
    )
    assert saved.status_code == 302
    ipa = IndividualPlacementAgreement.objects.get()
    assert ipa.review_dates == [review.isoformat()]
    assert [row["service"] for row in ipa.additional_services] == [
        "1:1 support",
        "Speech and language therapy",
    ]
    detail = client.get(reverse("procurement:fps_ipa_detail", args=[ipa.pk])).content.decode()
    assert "£3,720.50" in detail and ipa.reference in detail


def test_the_ipa_pdf_is_a_pdf(request, ipa):
    response = client_for(request, "provider_oakfield").get(reverse("procurement:fps_ipa_pdf", args=[ipa.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_forum_members_never_reach_referrals_or_ipas(request, ipa, referral):
    client = client_for(request, "forum_member")
    for url in (
        reverse("procurement:fps_referral_detail", args=[referral.pk]),
        reverse("procurement:fps_received_detail", args=[referral.pk]),
        reverse("procurement:fps_ipa_detail", args=[ipa.pk]),
        reverse("procurement:fps_ipa_pdf", args=[ipa.pk]),
    ):
        assert client.get(url).status_code == 403


def test_responses_are_made_only_by_sending(referral):
    assert ReferralResponse.objects.filter(referral=referral).count() == 2


def test_a_draft_whose_deadline_has_passed_is_not_sent(commissioner_northshire, lot, oakfield_place):
    referral = make_referral(commissioner_northshire, lot)
    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() - datetime.timedelta(minutes=1))
    referral.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.referral_send(referral=referral, actor=commissioner_northshire)
    assert "respond_by" in error.value.error_dict
    assert not referral.responses.exists()
