"""The QA pages in use: recording a visit against the checklist, issuing the report and its PDF, the
provider's update with evidence, verification, overdue flags and list pages whose queries do not grow."""

import datetime
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from contracts.models import (
    ActionStatus,
    ActionUpdate,
    ImprovementAction,
    ImprovementPlan,
    QAArea,
    QARating,
    QAVisit,
    QAVisitStatus,
)
from contracts.tests.factories import make_contract
from core.models import AuditAction, AuditEvent
from tests.access import client_for

from .factories import completed_visit, plan_with_action, scheduled_visit

pytestmark = pytest.mark.django_db


def _date(prefix, value):
    return {f"{prefix}_0": str(value.day), f"{prefix}_1": str(value.month), f"{prefix}_2": str(value.year)}


def _checklist(*, skip=()):
    data = {**_date("visited_on", datetime.date(2026, 11, 20)), "overall_rating": QARating.GOOD}
    data["summary"] = "A warm, well-run service."
    for area in QAArea.values:
        if area not in skip:
            data[f"rating_{area}"] = QARating.GOOD
            data[f"findings_{area}"] = f"Good on {area}."
    return data


def test_recording_all_six_areas_then_issuing_the_report(request, contract_northshire):
    client = client_for(request, "commissioner_northshire")
    visit = scheduled_visit(contract_northshire)
    response = client.post(reverse("contracts:qa_visit_record", args=[visit.pk]), _checklist())
    assert response.status_code == 302
    page = client.get(reverse("contracts:qa_visit_detail", args=[visit.pk]))
    assert b"Issue the report" in page.content
    response = client.post(reverse("contracts:qa_visit_complete", args=[visit.pk]))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == QAVisitStatus.COMPLETED and visit.findings.count() == 6
    assert QAVisit.objects.filter(contract=contract_northshire, status=QAVisitStatus.SCHEDULED).count() == 1


def test_a_part_done_record_is_saved_but_the_report_is_refused(request, contract_northshire):
    """Five areas save; issuing then answers 400 naming the missing area, and the visit stays scheduled."""
    client = client_for(request, "commissioner_northshire")
    visit = scheduled_visit(contract_northshire)
    client.post(reverse("contracts:qa_visit_record", args=[visit.pk]), _checklist(skip=[QAArea.PREMISES]))
    response = client.post(reverse("contracts:qa_visit_complete", args=[visit.pk]))
    assert response.status_code == 400
    assert "premises" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == QAVisitStatus.SCHEDULED


def test_a_rating_without_findings_is_an_error_on_the_page(request, contract_northshire):
    client = client_for(request, "commissioner_northshire")
    visit = scheduled_visit(contract_northshire)
    data = _checklist()
    data["findings_staff"] = ""
    response = client.post(reverse("contracts:qa_visit_record", args=[visit.pk]), data)
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content
    assert "Enter the findings for staff skills" in response.content.decode()


def test_a_visit_in_the_future_is_refused(request, contract_northshire):
    client = client_for(request, "commissioner_northshire")
    visit = scheduled_visit(contract_northshire)
    data = {**_checklist(), **_date("visited_on", datetime.date.today() + datetime.timedelta(days=3))}
    assert client.post(reverse("contracts:qa_visit_record", args=[visit.pk]), data).status_code == 400


def test_an_issued_reports_findings_cannot_be_edited(request, contract_northshire, commissioner_northshire):
    visit = completed_visit(contract_northshire, commissioner_northshire)
    client = client_for(request, "commissioner_northshire")
    data = _checklist()
    data["findings_staff"] = "Changed afterwards."
    response = client.post(reverse("contracts:qa_visit_record", args=[visit.pk]), data)
    assert response.status_code == 302
    assert not visit.findings.filter(findings="Changed afterwards.").exists()


def test_the_report_pdf_names_the_parties_and_every_area_and_its_download_is_audited(
    request, contract_northshire, commissioner_northshire
):
    plan, _ = plan_with_action(contract_northshire, commissioner_northshire)
    visit = plan.qa_visit
    client = client_for(request, "provider_oakfield")
    url = reverse("contracts:qa_visit_pdf", args=[visit.pk])
    client.get(url)  # The first PDF of a process loads WeasyPrint and its fonts.
    started = time.monotonic()
    response = client.get(url)
    elapsed = time.monotonic() - started
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in ("Northshire", "Oakfield", "NS-C-001", "14 October 2026", "Requires improvement"):
        assert expected in text
    assert "Train every member of staff" in text
    assert "Premises" in text and "Outcomes for children" in text
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, target_id=str(visit.pk)).exists()
    print(f"QA report PDF rendered in {elapsed:.2f}s")
    assert elapsed < 2, f"the QA report PDF took {elapsed:.2f}s"


def test_the_provider_reports_an_action_done_with_evidence_and_the_council_verifies(
    request, contract_northshire, commissioner_northshire
):
    plan, action = plan_with_action(contract_northshire, commissioner_northshire)
    provider = client_for(request, "provider_oakfield")
    evidence = SimpleUploadedFile("register.csv", b"name,date\nteam,2026-11-01\n", content_type="text/csv")
    response = provider.post(
        reverse("contracts:qa_action_update", args=[action.pk]),
        {"text": "Everyone trained.", "reports_done": "on", "evidence": evidence},
    )
    assert response.status_code == 302
    update = ActionUpdate.objects.get(action=action)
    assert update.reports_done and update.evidence.organisation_id == contract_northshire.provider_id
    council = client_for(request, "commissioner_northshire")
    download = council.get(reverse("contracts:qa_evidence_download", args=[update.pk]))
    assert download.status_code == 200
    response = council.post(reverse("contracts:qa_action_verify", args=[action.pk]), {"notes": "Seen."})
    assert response.status_code == 302
    action.refresh_from_db()
    plan.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED and plan.status == "completed"
    # A verified action takes no more updates: the page sends the provider back.
    assert provider.get(reverse("contracts:qa_action_update", args=[action.pk])).status_code == 302


def test_verifying_an_open_action_is_refused_on_the_page(
    request, contract_northshire, commissioner_northshire
):
    _, action = plan_with_action(contract_northshire, commissioner_northshire)
    response = client_for(request, "commissioner_northshire").post(
        reverse("contracts:qa_action_verify", args=[action.pk]), {"notes": ""}
    )
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_an_overdue_action_is_tagged_on_every_page_it_shows(
    request, contract_northshire, commissioner_northshire
):
    plan, action = plan_with_action(
        contract_northshire, commissioner_northshire, due_on=datetime.date(2026, 1, 31)
    )
    urls = [
        reverse("contracts:qa_contract", args=[contract_northshire.pk]),
        reverse("contracts:qa_plan_detail", args=[plan.pk]),
        reverse("contracts:qa_action_detail", args=[action.pk]),
        reverse("contracts:qa_overdue_actions"),
    ]
    council = client_for(request, "commissioner_northshire")
    for url in urls:
        assert b'govuk-tag--red">Overdue' in council.get(url).content, url
    provider = client_for(request, "provider_oakfield")
    for url in urls[:3]:
        assert b'govuk-tag--red">Overdue' in provider.get(url).content, url


def test_a_verified_action_is_never_overdue(request, contract_northshire, commissioner_northshire):
    plan, _ = plan_with_action(
        contract_northshire,
        commissioner_northshire,
        due_on=datetime.date(2026, 1, 31),
        status=ActionStatus.VERIFIED,
    )
    council = client_for(request, "commissioner_northshire")
    assert (
        b'govuk-tag--red">Overdue'
        not in council.get(reverse("contracts:qa_plan_detail", args=[plan.pk])).content
    )
    assert b"No improvement action is overdue" in council.get(reverse("contracts:qa_overdue_actions")).content


def test_the_provider_sees_reports_but_never_a_visit_to_come(
    request, contract_northshire, commissioner_northshire
):
    visit = completed_visit(contract_northshire, commissioner_northshire)
    page = client_for(request, "provider_oakfield").get(
        reverse("contracts:qa_contract", args=[contract_northshire.pk])
    )
    visits = list(page.context["page"].object_list)
    assert visits == [visit]
    assert b"Next visit due by" not in page.content


def _many(contract, actor, count):
    """`count` issued visits, each with a plan of two actions, one overdue."""
    visits = [
        QAVisit(
            contract=contract,
            status=QAVisitStatus.COMPLETED,
            due_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            visited_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            overall_rating=QARating.GOOD,
            summary="Fine.",
            created_by=actor,
            completed_by=actor,
        )
        for i in range(count)
    ]
    QAVisit.objects.bulk_create(visits)
    plans = ImprovementPlan.objects.bulk_create(
        [
            ImprovementPlan(contract=contract, qa_visit=visit, title=f"Plan {visit.pk}", created_by=actor)
            for visit in visits
        ]
    )
    ImprovementAction.objects.bulk_create(
        [
            ImprovementAction(
                plan=plan,
                description="Do it",
                owner="Jo",
                due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=d),
            )
            for plan in plans
            for d in (0, 600)
        ]
    )


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("commissioner_northshire", "qa_contract"),
        ("provider_oakfield", "qa_contract"),
        ("commissioner_northshire", "qa_visit_list"),
        ("provider_oakfield", "qa_visit_list"),
        ("commissioner_northshire", "qa_overdue_actions"),
    ],
)
def test_list_pages_make_the_same_queries_for_10_rows_and_60(
    request, django_assert_max_num_queries, commissioner_northshire, northshire, oakfield, persona, name
):
    contract = make_contract(organisation=northshire, provider=oakfield, created_by=commissioner_northshire)
    client = client_for(request, persona)
    url = reverse(f"contracts:{name}", args=[contract.pk] if name == "qa_contract" else [])
    query = {"status": ""} if name == "qa_visit_list" else {}
    _many(contract, commissioner_northshire, 10)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url, query).status_code == 200
    _many(contract, commissioner_northshire, 50)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, query).status_code == 200


def test_arranging_an_announced_visit_tells_the_provider(request, contract_northshire, provider_oakfield):
    visit = scheduled_visit(contract_northshire)
    client = client_for(request, "commissioner_northshire")
    data = {
        **_date("planned_on", datetime.date(2026, 12, 10)),
        "lead_officer": str(request.getfixturevalue("lead_northshire").pk),
        "announced": "yes",
    }
    assert client.post(reverse("contracts:qa_visit_arrange", args=[visit.pk]), data).status_code == 302
    visit.refresh_from_db()
    assert visit.planned_on == datetime.date(2026, 12, 10) and visit.announced
    assert provider_oakfield.notifications.filter(kind="qa_visit_announced").count() == 1


def test_an_unannounced_visit_is_not_told_to_the_provider(request, contract_northshire, provider_oakfield):
    visit = scheduled_visit(contract_northshire)
    client = client_for(request, "commissioner_northshire")
    data = {**_date("planned_on", datetime.date(2026, 12, 10)), "lead_officer": "", "announced": "no"}
    assert client.post(reverse("contracts:qa_visit_arrange", args=[visit.pk]), data).status_code == 302
    assert not provider_oakfield.notifications.exists()


def test_cancelling_a_visit_needs_a_reason_and_then_an_extra_visit_can_be_added(request, contract_northshire):
    visit = scheduled_visit(contract_northshire)
    client = client_for(request, "commissioner_northshire")
    add = reverse("contracts:qa_visit_add", args=[contract_northshire.pk])
    extra = {**_date("due_on", datetime.date(2027, 1, 15)), "announced": "yes"}
    refused = client.post(add, extra)
    assert refused.status_code == 400 and b"A visit is already scheduled" in refused.content
    assert (
        client.post(reverse("contracts:qa_visit_cancel", args=[visit.pk]), {"reason": ""}).status_code == 400
    )
    response = client.post(reverse("contracts:qa_visit_cancel", args=[visit.pk]), {"reason": "Home closed"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == QAVisitStatus.CANCELLED
    assert client.post(add, extra).status_code == 302
    assert QAVisit.objects.get(
        contract=contract_northshire, status=QAVisitStatus.SCHEDULED
    ).due_on == datetime.date(2027, 1, 15)


def test_returning_an_action_reopens_it_for_the_provider(
    request, contract_northshire, commissioner_northshire
):
    _, action = plan_with_action(
        contract_northshire, commissioner_northshire, status=ActionStatus.REPORTED_DONE
    )
    client = client_for(request, "commissioner_northshire")
    url = reverse("contracts:qa_action_return", args=[action.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Two staff still to train."}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    page = client_for(request, "provider_oakfield").get(
        reverse("contracts:qa_action_detail", args=[action.pk])
    )
    assert b"Two staff still to train." in page.content and b"Post an update" in page.content
