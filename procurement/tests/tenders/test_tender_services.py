"""Drafting and publishing a tender: each missing thing is named, the timetable runs in order, weights total
100, moves the table forbids are refused and change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commissioning.models import BusinessCaseStatus, SpecificationStatus
from core.models import AuditAction, AuditEvent, Notification
from procurement.models import CriterionKind, PurchasingSystem, Tender, TenderStatus
from procurement.services import tenders as services
from procurement.services.tender_workflow import InvalidTransition

from .conftest import approved_case, approved_version, complete_draft, fill_and_submit, timetable

pytestmark = pytest.mark.django_db


def _publish_errors(tender) -> dict:
    with pytest.raises(ValidationError) as caught:
        services.tender_publish(tender=tender, actor=tender.created_by)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT and tender.published_at is None
    return caught.value.message_dict


def test_a_complete_draft_publishes_and_locks_the_specification_version(
    draft_tender, commissioner_northshire
):
    version = draft_tender.specification_version
    version.locked_at = None
    version.locked_reason = ""
    version.save()
    services.tender_publish(tender=draft_tender, actor=commissioner_northshire)
    draft_tender.refresh_from_db()
    version.refresh_from_db()
    assert draft_tender.status == TenderStatus.PUBLISHED and draft_tender.published_at is not None
    assert version.locked_at is not None and version.locked_reason == "tender"


def test_publishing_keeps_an_earlier_lock_on_the_version(draft_tender, commissioner_northshire):
    locked_at = draft_tender.specification_version.locked_at
    services.tender_publish(tender=draft_tender, actor=commissioner_northshire)
    draft_tender.specification_version.refresh_from_db()
    assert draft_tender.specification_version.locked_at == locked_at
    assert draft_tender.specification_version.locked_reason == "approved"


def test_an_empty_draft_is_refused_naming_every_missing_thing(commissioner_northshire):
    tender = services.tender_create(
        actor=commissioner_northshire, title="Short breaks", reference="SB-1", route="open"
    )
    errors = _publish_errors(tender)
    assert set(errors) == {
        "business_case",
        "specification_version",
        "conflicts_assessment",
        "lots",
        "criteria",
        "publish_on",
        "clarification_deadline",
        "submission_deadline",
        "evaluation_end_on",
        "award_on",
    }
    assert errors["lots"] == ["Add at least one lot"]
    assert errors["conflicts_assessment"] == ["Record the conflicts of interest assessment"]


def _without_business_case(tender):
    Tender.objects.filter(pk=tender.pk).update(business_case=None)


def _with_unapproved_business_case(tender):
    tender.business_case.status = BusinessCaseStatus.LEGAL_APPROVED
    tender.business_case.save()


def _without_specification(tender):
    Tender.objects.filter(pk=tender.pk).update(specification_version=None)


def _with_unapproved_specification(tender):
    spec = tender.specification_version.specification
    spec.status = SpecificationStatus.REVISED
    spec.save()


def _without_conflicts(tender):
    Tender.objects.filter(pk=tender.pk).update(conflicts_assessment="")


def _without_lots(tender):
    tender.lots.all().delete()


def _with_weights_of_90(tender):
    tender.criteria.filter(kind=CriterionKind.SOCIAL_VALUE).delete()


def _with_deadline_passed(tender):
    now = timezone.now()
    Tender.objects.filter(pk=tender.pk).update(
        publish_on=timezone.localdate(now) - datetime.timedelta(days=30),
        clarification_deadline=now - datetime.timedelta(days=3),
        submission_deadline=now - datetime.timedelta(seconds=1),
    )


def _with_timetable_out_of_order(tender):
    Tender.objects.filter(pk=tender.pk).update(award_on=tender.evaluation_end_on - datetime.timedelta(days=1))


@pytest.mark.parametrize(
    ("breaks", "field", "says"),
    [
        (_without_business_case, "business_case", "approved by Cabinet"),
        (_with_unapproved_business_case, "business_case", "approved by Cabinet"),
        (_without_specification, "specification_version", "approved specification"),
        (_with_unapproved_specification, "specification_version", "approved specification"),
        (_without_conflicts, "conflicts_assessment", "conflicts of interest"),
        (_without_lots, "lots", "at least one lot"),
        (_with_weights_of_90, "criteria", "must total 100 (they total 90)"),
        (_with_deadline_passed, "submission_deadline", "in the future"),
        (_with_timetable_out_of_order, "award_on", "on or after the end of evaluation"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_publishing_is_refused_naming_the_one_thing_missing(draft_tender, breaks, field, says):
    breaks(draft_tender)
    draft_tender.refresh_from_db()
    errors = _publish_errors(draft_tender)
    assert list(errors) == [field]
    assert says in errors[field][0]


def test_an_admission_round_needs_a_purchasing_system_the_council_belongs_to(
    commissioner_northshire, southvale, northshire
):
    with pytest.raises(ValidationError) as caught:
        services.tender_create(
            actor=commissioner_northshire, title="Admission round", reference="FPS-1", route="fps_admission"
        )
    assert "purchasing_system" in caught.value.message_dict
    other = PurchasingSystem.objects.create(
        name="Southvale DPS",
        lead_authority=southvale,
        overarching_contract_title="Terms",
        overarching_contract_terms="Terms",
        starts_on=datetime.date(2026, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        services.tender_create(
            actor=commissioner_northshire,
            title="Admission round",
            reference="FPS-1",
            route="fps_admission",
            purchasing_system=other,
        )
    assert "member of" in caught.value.message_dict["purchasing_system"][0]
    other.member_authorities.add(northshire)
    tender = services.tender_create(
        actor=commissioner_northshire,
        title="Admission round",
        reference="FPS-1",
        route="fps_admission",
        purchasing_system=other,
    )
    assert tender.purchasing_system == other


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"clarification_deadline": -30}, "clarification_deadline"),  # before publication
        ({"submission_deadline": -8}, "submission_deadline"),  # before the clarification deadline
        ({"evaluation_end_on": -14}, "evaluation_end_on"),  # on the deadline's day
        ({"award_on": -8}, "award_on"),  # before evaluation ends
    ],
)
def test_a_timetable_out_of_order_is_refused_on_the_field_that_breaks_it(draft_tender, change, field):
    values = timetable()
    for key, days in change.items():
        values[key] = values[key] + datetime.timedelta(days=days)
    with pytest.raises(ValidationError) as caught:
        services.tender_set_timetable(tender=draft_tender, actor=draft_tender.created_by, **values)
    assert field in caught.value.message_dict


def test_the_timetable_may_share_a_day_where_the_order_allows(draft_tender):
    values = timetable()
    values["clarification_deadline"] = timezone.make_aware(
        datetime.datetime.combine(values["publish_on"], datetime.time(23, 59))
    )
    values["award_on"] = values["evaluation_end_on"]
    services.tender_set_timetable(tender=draft_tender, actor=draft_tender.created_by, **values)
    draft_tender.refresh_from_db()
    assert draft_tender.award_on == draft_tender.evaluation_end_on


def test_weights_over_100_are_refused_and_one_price_criterion_only(draft_tender, commissioner_northshire):
    with pytest.raises(ValidationError) as caught:
        services.criterion_add(
            tender=draft_tender, actor=commissioner_northshire, kind="quality", title="Safeguarding", weight=5
        )
    assert "0 is left" in caught.value.message_dict["weight"][0]
    draft_tender.criteria.filter(kind="price").update(weight=20)
    with pytest.raises(ValidationError) as caught:
        services.criterion_add(
            tender=draft_tender, actor=commissioner_northshire, kind="price", title="Price again", weight=10
        )
    assert "already has a price" in caught.value.message_dict["kind"][0]
    assert services.criteria_total(draft_tender) == 90


def test_the_reference_is_unique_per_authority_only(
    draft_tender, commissioner_northshire, commissioner_southvale
):
    with pytest.raises(ValidationError) as caught:
        services.tender_create(
            actor=commissioner_northshire, title="Again", reference="NS-2026-014", route="open"
        )
    assert "reference" in caught.value.message_dict
    other = services.tender_create(
        actor=commissioner_southvale, title="Same reference", reference="NS-2026-014", route="open"
    )
    assert other.organisation == commissioner_southvale.organisation


def test_sources_must_be_the_councils_own(commissioner_northshire, commissioner_southvale):
    case = approved_case(commissioner_southvale.organisation, commissioner_southvale)
    version = approved_version(commissioner_southvale.organisation, commissioner_southvale)
    with pytest.raises(ValidationError) as caught:
        services.tender_create(
            actor=commissioner_northshire,
            title="Borrowed",
            reference="X-1",
            route="open",
            business_case=case,
            specification_version=version,
        )
    assert set(caught.value.message_dict) == {"business_case", "specification_version"}


@pytest.mark.parametrize(
    "persona", ["commissioner_southvale", "evaluator_northshire", "finance_northshire", "provider_oakfield"]
)
def test_only_the_authoritys_commissioners_may_change_or_publish(request, draft_tender, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.tender_update(tender=draft_tender, actor=actor, title="Changed")
    with pytest.raises(PermissionDenied):
        services.tender_publish(tender=draft_tender, actor=actor)
    draft_tender.refresh_from_db()
    assert draft_tender.title == "Speech and language therapy" and draft_tender.status == "draft"


def test_the_conflicts_assessment_records_who_and_when(draft_tender, lead_northshire):
    services.tender_record_conflicts(
        tender=draft_tender, actor=lead_northshire, assessment="Panel declared none."
    )
    draft_tender.refresh_from_db()
    assert draft_tender.conflicts_assessed_by == lead_northshire
    assert draft_tender.conflicts_assessed_at is not None


ALL_STATES = [s for s in TenderStatus.values]


@pytest.mark.parametrize("state", [s for s in ALL_STATES if s != TenderStatus.DRAFT])
def test_only_a_draft_can_be_published(draft_tender, commissioner_northshire, state):
    Tender.objects.filter(pk=draft_tender.pk).update(status=state)
    draft_tender.refresh_from_db()
    with pytest.raises((ValidationError, InvalidTransition)):
        services.tender_publish(tender=draft_tender, actor=commissioner_northshire)
    draft_tender.refresh_from_db()
    assert draft_tender.status == state


@pytest.mark.parametrize("state", [s for s in ALL_STATES if s != TenderStatus.CLOSED])
def test_only_a_closed_tender_can_be_opened(draft_tender, commissioner_northshire, state):
    Tender.objects.filter(pk=draft_tender.pk).update(status=state)
    draft_tender.refresh_from_db()
    with pytest.raises((ValidationError, InvalidTransition)):
        services.tender_open(tender=draft_tender, actor=commissioner_northshire)
    draft_tender.refresh_from_db()
    assert draft_tender.status == state and draft_tender.opened_at is None


@pytest.mark.parametrize("state", [TenderStatus.AWARDED, TenderStatus.CANCELLED])
def test_an_awarded_or_cancelled_tender_cannot_be_cancelled(draft_tender, commissioner_northshire, state):
    Tender.objects.filter(pk=draft_tender.pk).update(status=state)
    draft_tender.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.tender_cancel(tender=draft_tender, actor=commissioner_northshire, reason="No longer needed")
    draft_tender.refresh_from_db()
    assert draft_tender.status == state


@pytest.mark.parametrize("state", [TenderStatus.PUBLISHED, TenderStatus.DRAFT])
def test_a_draft_is_changed_only_while_it_is_a_draft(draft_tender, commissioner_northshire, state):
    Tender.objects.filter(pk=draft_tender.pk).update(status=state)
    draft_tender.refresh_from_db()
    if state == TenderStatus.DRAFT:
        services.lot_add(tender=draft_tender, actor=commissioner_northshire, title="South locality")
        assert draft_tender.lots.count() == 2
    else:
        with pytest.raises(ValidationError):
            services.lot_add(tender=draft_tender, actor=commissioner_northshire, title="South locality")
        assert draft_tender.lots.count() == 1


def test_cancelling_needs_reasons_and_tells_only_providers_that_submitted(
    published_tender, commissioner_northshire, provider_oakfield, provider_riverside
):
    fill_and_submit(published_tender, provider_riverside)
    fill_and_submit(published_tender, provider_oakfield, submit=False)
    with pytest.raises(ValidationError):
        services.tender_cancel(tender=published_tender, actor=commissioner_northshire, reason=" ")
    services.tender_cancel(
        tender=published_tender, actor=commissioner_northshire, reason="The need has changed."
    )
    published_tender.refresh_from_db()
    assert (
        published_tender.status == "cancelled"
        and published_tender.cancelled_reason == "The need has changed."
    )
    told = Notification.objects.filter(kind="tender_cancelled")
    assert [n.recipient for n in told] == [provider_riverside]
    assert AuditEvent.objects.filter(
        action=AuditAction.TRANSITION, target_id=str(published_tender.pk)
    ).exists()


def test_estimated_values_must_be_positive(commissioner_northshire):
    with pytest.raises(ValidationError) as caught:
        services.tender_create(
            actor=commissioner_northshire,
            title="T",
            reference="R",
            route="open",
            estimated_value=Decimal("0"),
        )
    assert "estimated_value" in caught.value.message_dict


def test_a_complete_draft_for_another_reference(commissioner_northshire):
    tender = complete_draft(commissioner_northshire, reference="NS-2026-099")
    assert services.publish_problems(tender) == []


def test_an_admission_round_lot_names_a_lot_of_its_own_purchasing_system(
    request, commissioner_northshire, northshire
):
    from django.urls import reverse

    from procurement.models import FpsLot
    from tests.access import client_for

    system = PurchasingSystem.objects.create(
        name="Northshire FPS",
        lead_authority=northshire,
        overarching_contract_title="Terms",
        overarching_contract_terms="Terms",
        starts_on=datetime.date(2026, 1, 1),
    )
    other = PurchasingSystem.objects.create(
        name="Other FPS",
        lead_authority=northshire,
        overarching_contract_title="Terms",
        overarching_contract_terms="Terms",
        starts_on=datetime.date(2026, 1, 1),
    )
    own_lot = FpsLot.objects.create(system=system, code="L1", title="Day placements")
    other_lot = FpsLot.objects.create(system=other, code="L1", title="Elsewhere")
    tender = services.tender_create(
        actor=commissioner_northshire,
        title="Admission round",
        reference="FPS-2",
        route="fps_admission",
        purchasing_system=system,
    )
    with pytest.raises(ValidationError):
        services.lot_add(tender=tender, actor=commissioner_northshire, title="Day", fps_lot=other_lot)
    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:tender_lot_add", args=[tender.pk])
    assert "Day placements" in client.get(url).content.decode()
    assert client.post(url, {"title": "Day", "fps_lot": own_lot.pk}).status_code == 302
    assert tender.lots.get().fps_lot == own_lot
