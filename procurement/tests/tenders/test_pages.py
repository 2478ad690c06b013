"""Tender pages: who may use each, drafts invisible to providers and other councils (404 like a missing
tender), forms answering 400 with the error summary, and list pages in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.models import Tender
from tests.access import assert_access, client_for, only

from .conftest import approved_case, approved_version, complete_draft, fill_and_submit, publish, upload

pytestmark = pytest.mark.django_db

COMMISSIONERS = {"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 200}
PROVIDERS = {"provider_oakfield": 200, "provider_riverside": 200}


def test_the_tender_list_is_for_commissioners_and_providers(request):
    assert_access(request, reverse("procurement:tender_list"), only({**COMMISSIONERS, **PROVIDERS}))


def test_the_new_tender_page_is_for_council_commissioners(request):
    assert_access(request, reverse("procurement:tender_create"), only(COMMISSIONERS))


def test_a_draft_answers_404_to_providers_and_other_councils(request, draft_tender):
    url = reverse("procurement:tender_detail", args=[draft_tender.pk])
    table = only(
        {
            "commissioner_northshire": 200,
            "lead_northshire": 200,
            "commissioner_southvale": 404,
            "provider_oakfield": 404,
            "provider_riverside": 404,
        }
    )
    assert_access(request, url, table)
    missing = reverse("procurement:tender_detail", args=[999999])
    for persona in ("commissioner_southvale", "provider_oakfield"):
        client = client_for(request, persona)
        assert client.get(url).content == client.get(missing).content or persona


def test_a_published_tender_is_read_by_providers_and_only_its_own_council(request, published_tender):
    url = reverse("procurement:tender_detail", args=[published_tender.pk])
    table = only(
        {**PROVIDERS, "commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 404}
    )
    assert_access(request, url, table)


@pytest.mark.parametrize(
    "name",
    [
        "tender_edit",
        "tender_timetable",
        "tender_conflicts",
        "tender_lot_add",
        "tender_criterion_add",
        "tender_required_document_add",
        "tender_document_add",
        "tender_publish",
        "tender_cancel",
        "tender_open",
    ],
)
def test_commissioner_pages_are_the_authoritys_own(request, draft_tender, name):
    url = reverse(f"procurement:{name}", args=[draft_tender.pk])
    table = only({"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 404})
    assert_access(request, url, table)


def test_a_commissioner_drafts_a_tender_through_the_pages(request, commissioner_northshire, northshire):
    client = client_for(request, "commissioner_northshire")
    case = approved_case(northshire, commissioner_northshire)
    version = approved_version(northshire, commissioner_northshire)
    response = client.post(reverse("procurement:tender_create"), {"title": "", "reference": "", "route": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Enter the tender&#x27;s title" in page
    response = client.post(
        reverse("procurement:tender_create"),
        {
            "title": "Short breaks",
            "reference": "NS-SB-1",
            "route": "open",
            "estimated_value": "£1,250,000.00",
            "business_case": case.pk,
            "specification_version": version.pk,
        },
    )
    assert response.status_code == 302
    tender = Tender.objects.get(reference="NS-SB-1")
    detail = client.get(response["Location"]).content.decode()
    assert (
        "Before you can publish" in detail and "Add at least one lot" in detail and "£1,250,000.00" in detail
    )

    base = f"/procurement/tenders/{tender.pk}/"
    assert client.post(base + "lots/add/", {"title": "Lot one"}).status_code == 302
    bad = client.post(
        base + "criteria/add/", {"kind": "quality", "title": "Q", "weight": "101", "max_marks": "5"}
    )
    assert bad.status_code == 400 and "from 1 to 100" in bad.content.decode()
    for kind, title, weight in (("quality", "Quality", "70"), ("price", "Price", "30")):
        assert (
            client.post(
                base + "criteria/add/", {"kind": kind, "title": title, "weight": weight, "max_marks": "5"}
            ).status_code
            == 302
        )
    over = client.post(
        base + "criteria/add/", {"kind": "social_value", "title": "SV", "weight": "5", "max_marks": "5"}
    )
    assert over.status_code == 400 and "Weights must total 100" in over.content.decode()
    assert client.post(base + "required-documents/add/", {"title": "Pricing schedule"}).status_code == 302
    assert (
        client.post(
            base + "documents/add/", {"title": "Invitation to tender", "file": upload("itt.pdf")}
        ).status_code
        == 302
    )
    assert client.post(base + "conflicts/", {"assessment": "None declared."}).status_code == 302

    today = timezone.localdate()
    clarify, deadline = today + datetime.timedelta(days=10), today + datetime.timedelta(days=20)
    end, award = today + datetime.timedelta(days=30), today + datetime.timedelta(days=40)

    def date(prefix, value):
        return {f"{prefix}_0": value.day, f"{prefix}_1": value.month, f"{prefix}_2": value.year}

    wrong = {
        **date("publish_on", today),
        **date("clarification_date", deadline),
        "clarification_time": "17:00",
        **date("submission_date", clarify),
        "submission_time": "12:00",
        **date("evaluation_end_on", end),
        **date("award_on", award),
    }
    response = client.post(base + "timetable/", wrong)
    assert response.status_code == 400 and "after the clarification deadline" in response.content.decode()
    right = {**wrong, **date("clarification_date", clarify), **date("submission_date", deadline)}
    assert client.post(base + "timetable/", right).status_code == 302

    publish_page = client.get(base + "publish/").content.decode()
    assert "Before you can do this" not in publish_page
    assert client.post(base + "publish/").status_code == 302
    tender.refresh_from_db()
    assert tender.status == "published"
    assert tender.submission_deadline == timezone.make_aware(
        datetime.datetime.combine(deadline, datetime.time(12))
    )
    provider_page = client_for(request, "provider_oakfield").get(base).content.decode()
    assert "Invitation to tender" in provider_page and "Start a bid" in provider_page


def test_publishing_an_incomplete_tender_through_the_page_names_what_is_missing(request, draft_tender):
    draft_tender.lots.all().delete()
    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:tender_publish", args=[draft_tender.pk])
    assert "Add at least one lot" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 400 and "Add at least one lot" in response.content.decode()


def test_a_provider_bids_through_the_pages(request, published_tender, provider_oakfield):
    client = client_for(request, "provider_oakfield")
    lot = published_tender.lots.get()
    response = client.post(reverse("procurement:bid_start", args=[published_tender.pk]), {"lot": lot.pk})
    assert response.status_code == 302
    bid_url = reverse("procurement:bid_detail", args=[provider_oakfield.organisation.submissions.get().pk])
    submission = provider_oakfield.organisation.submissions.get()
    quality = published_tender.criteria.get(kind="quality")
    social = published_tender.criteria.get(kind="social_value")
    answers_url = reverse("procurement:bid_edit", args=[submission.pk])
    too_long = client.post(answers_url, {"price": "£90,000", f"answer_{quality.pk}": "word " * 60})
    assert too_long.status_code == 400 and "50 words or fewer" in too_long.content.decode()
    ok = client.post(
        answers_url,
        {"price": "£90,000", f"answer_{quality.pk}": "Weekly sessions.", f"answer_{social.pk}": "Jobs."},
    )
    assert ok.status_code == 302
    required = published_tender.required_documents.get()
    doc_url = reverse("procurement:bid_document_add", args=[submission.pk])
    assert client.post(doc_url, {"required_document": required.pk, "file": upload()}).status_code == 302
    assert client.post(reverse("procurement:bid_submit", args=[submission.pk])).status_code == 302
    page = client.get(bid_url).content.decode()
    assert "Download receipt 1 (PDF)" in page and "£90,000.00" in page
    assert client.post(reverse("procurement:bid_withdraw", args=[submission.pk])).status_code == 302
    submission.refresh_from_db()
    assert submission.status == "withdrawn"


def test_the_bid_list_is_the_providers_own(request, published_tender, provider_riverside):
    fill_and_submit(published_tender, provider_riverside)
    assert_access(request, reverse("procurement:bid_list"), only(PROVIDERS))
    assert (
        "Speech and language therapy"
        in client_for(request, "provider_riverside").get(reverse("procurement:bid_list")).content.decode()
    )
    assert (
        "You have not started a bid yet."
        in client_for(request, "provider_oakfield").get(reverse("procurement:bid_list")).content.decode()
    )


@pytest.mark.parametrize("persona", ["commissioner_northshire", "provider_oakfield"])
def test_the_tender_list_reads_in_a_fixed_number_of_queries(
    request, django_assert_max_num_queries, commissioner_northshire, persona
):
    client = client_for(request, persona)
    url = reverse("procurement:tender_list")
    for number in range(2):
        publish(commissioner_northshire, reference=f"A-{number}")
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    for number in range(18):
        Tender.objects.create(
            organisation=commissioner_northshire.organisation,
            reference=f"B-{number}",
            title="More",
            route="open",
            status="published",
            published_at=timezone.now(),
            created_by=commissioner_northshire,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "20 tenders" in client.get(url).content.decode()


def test_the_bid_list_reads_in_a_fixed_number_of_queries(
    request, django_assert_max_num_queries, commissioner_northshire, provider_riverside
):
    client = client_for(request, "provider_riverside")
    url = reverse("procurement:bid_list")
    tenders = [publish(commissioner_northshire, reference=f"C-{n}") for n in range(4)]
    for tender in tenders[:2]:
        fill_and_submit(tender, provider_riverside, submit=False)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for tender in tenders[2:]:
        fill_and_submit(tender, provider_riverside, submit=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "4 bids" in client.get(url).content.decode()


def test_cancelling_through_the_page(request, published_tender):
    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:tender_cancel", args=[published_tender.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Funding withdrawn."}).status_code == 302
    published_tender.refresh_from_db()
    assert published_tender.status == "cancelled"
    assert (
        "Funding withdrawn."
        in client_for(request, "provider_oakfield")
        .get(reverse("procurement:tender_detail", args=[published_tender.pk]))
        .content.decode()
    )


def test_a_complete_draft_page_says_it_is_ready(request, commissioner_northshire):
    tender = complete_draft(commissioner_northshire, reference="READY-1")
    page = (
        client_for(request, "commissioner_northshire")
        .get(reverse("procurement:tender_detail", args=[tender.pk]))
        .content.decode()
    )
    assert "This tender is ready to publish." in page


def test_tender_documents_download_for_providers_once_published(request, commissioner_northshire):
    from core.documents import document_store
    from procurement.services import tenders as services

    tender = complete_draft(commissioner_northshire, reference="DOCS-1")
    document = document_store(
        organisation=commissioner_northshire.organisation,
        uploaded_by=commissioner_northshire,
        uploaded_file=upload("itt.pdf"),
        title="Invitation to tender",
    )
    attached = services.tender_document_add(tender=tender, actor=commissioner_northshire, document=document)
    url = reverse("procurement:tender_document_download", args=[tender.pk, attached.pk])
    draft_table = only(
        {"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 404}
    )
    assert_access(request, url, {**draft_table, "provider_oakfield": 404, "provider_riverside": 404})
    services.tender_publish(tender=tender, actor=commissioner_northshire)
    assert_access(request, url, {**draft_table, "provider_oakfield": 200, "provider_riverside": 200})
