"""Commissioning intentions: created by hand or from a gap (its figures copied as evidence), changed,
and their status set; checked, scoped and audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.models import IntentionStatus
from commissioning.services import intentions as services
from core.models import AuditAction, AuditEvent
from needs.models import CommissionedCapacity, ProjectionRun

TARGET = datetime.date(2027, 9, 1)


def intention_for(user, **fields):
    values = {
        "title": "More autism places for primary-age children",
        "summary": "Projected demand outstrips places.",
        "priority": "high",
        "service_area": "Specialist education",
        "primary_need": "ASD",
        "age_band": "5-10",
        "target_date": TARGET,
        "owner": user,
    }
    values.update(fields)
    return services.intention_create(actor=user, **values)


def run_for(user, value=52.4):
    return ProjectionRun.objects.create(
        organisation=user.organisation,
        method="prevalence",
        base_year=2024,
        horizon=1,
        parameters={"base_year": 2024, "horizon": 1, "prevalence_change_pct": 0},
        inputs={"area_name": user.organisation.name, "area_code": user.organisation.ons_code},
        results=[{"year": 2025, "primary_need": "ASD", "age_band": "5-10", "value": value}],
        method_statement="A statement.",
        created_by=user,
    )


def capacity_for(user, places=40):
    return CommissionedCapacity.objects.create(
        organisation=user.organisation,
        year=2025,
        primary_need="ASD",
        age_band="5-10",
        setting=CommissionedCapacity._meta.get_field("setting").choices[0][0],
        places=places,
        entered_by=user,
    )


def test_create_by_hand(commissioner_northshire):
    intention = intention_for(commissioner_northshire)
    assert intention.organisation == commissioner_northshire.organisation
    assert intention.status == IntentionStatus.PROPOSED
    assert intention.evidence == {}
    event = AuditEvent.objects.get(
        target_type="commissioning.commissioningintention", target_id=str(intention.pk)
    )
    assert event.action == AuditAction.CREATE


def test_create_from_a_gap_copies_the_figures_as_they_were(commissioner_northshire):
    run = run_for(commissioner_northshire)
    capacity_for(commissioner_northshire)
    intention = intention_for(commissioner_northshire, gap_reference="5-10/ASD")
    assert intention.projection == run
    evidence = intention.evidence
    assert (evidence["projected_demand"], evidence["capacity"], evidence["gap"]) == (52, 40, 12)
    assert evidence["target_year"] == 2025
    assert evidence["projection_run_id"] == run.pk
    # A later projection does not change what the intention was based on.
    run_for(commissioner_northshire, value=80)
    intention.refresh_from_db()
    assert intention.evidence["projected_demand"] == 52


def test_create_from_an_unknown_gap_is_refused(commissioner_northshire):
    with pytest.raises(ValidationError):
        intention_for(commissioner_northshire, gap_reference="5-10/NOPE")


def test_fields_are_checked(commissioner_northshire, provider_oakfield):
    with pytest.raises(ValidationError) as error:
        intention_for(
            commissioner_northshire,
            title=" ",
            priority="urgent",
            primary_need="X",
            age_band="1-2",
            owner=provider_oakfield,
        )
    assert set(error.value.message_dict) == {"title", "priority", "primary_need", "age_band", "owner"}


def test_owner_must_be_of_the_council(commissioner_northshire, commissioner_southvale):
    with pytest.raises(ValidationError):
        intention_for(commissioner_northshire, owner=commissioner_southvale)


def test_owner_may_be_any_council_staff(commissioner_northshire, finance_northshire):
    assert intention_for(commissioner_northshire, owner=finance_northshire).owner == finance_northshire


@pytest.mark.parametrize(
    "persona", ["finance_northshire", "legal_northshire", "evaluator_northshire", "forum_member"]
)
def test_only_commissioners_create(request, persona, commissioner_northshire):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        intention_for(actor, owner=commissioner_northshire)


def test_update_keeps_the_evidence_and_audits(commissioner_northshire, lead_northshire):
    run_for(commissioner_northshire)
    intention = intention_for(commissioner_northshire, gap_reference="5-10/ASD")
    evidence = dict(intention.evidence)
    services.intention_update(
        intention=intention,
        actor=lead_northshire,
        title="Renamed",
        summary="s",
        priority="low",
        service_area="Education",
        primary_need="",
        age_band="",
        target_date=TARGET,
        owner=lead_northshire,
    )
    intention.refresh_from_db()
    assert (intention.title, intention.owner, intention.evidence) == ("Renamed", lead_northshire, evidence)
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).latest("sequence")
    assert "title" in event.detail["changed"]


def test_another_council_cannot_update_or_set_status(commissioner_northshire, commissioner_southvale):
    intention = intention_for(commissioner_northshire)
    with pytest.raises(PermissionDenied):
        services.intention_set_status(intention=intention, actor=commissioner_southvale, status="active")
    with pytest.raises(PermissionDenied):
        services.intention_update(
            intention=intention,
            actor=commissioner_southvale,
            title="x",
            summary="",
            priority="low",
            service_area="",
            primary_need="",
            age_band="",
            target_date=TARGET,
            owner=commissioner_southvale,
        )


def test_set_status_is_audited(commissioner_northshire):
    intention = intention_for(commissioner_northshire)
    services.intention_set_status(intention=intention, actor=commissioner_northshire, status="active")
    intention.refresh_from_db()
    assert intention.status == IntentionStatus.ACTIVE
    event = AuditEvent.objects.filter(action=AuditAction.TRANSITION).latest("sequence")
    assert event.detail == {"from": "proposed", "to": "active"}
    with pytest.raises(ValidationError):
        services.intention_set_status(intention=intention, actor=commissioner_northshire, status="gone")
