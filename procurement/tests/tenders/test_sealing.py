"""Sealed bids: before the deadline, and after it until the council opens them, nobody but the bidding
provider's own users can read a bid, its price, answers, documents or receipt, by URL, list, the core
document library or the support admin (staff included). After opening only the tender's own authority
reads the submitted bids. A missing id and a sealed one give the same answer."""

import datetime

import pytest
from django.urls import reverse

from conftest import PERSONAS
from procurement.services import tenders as services
from tests.access import client_for

from .conftest import clock, fill_and_submit

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)
OWN_PROVIDER = "provider_riverside"
AUTHORITY = {"commissioner_northshire", "lead_northshire"}
PRICE = "123456.78"
ANSWER = "We deliver weekly therapy in school."


@pytest.fixture
def sealed(published_tender, provider_riverside):
    submission, receipt = fill_and_submit(published_tender, provider_riverside, price=PRICE)
    item = submission.documents.get()
    return {"tender": published_tender, "submission": submission, "receipt": receipt, "item": item}


def _urls(sealed) -> dict[str, tuple[str, str]]:
    """Each sealed URL with the same URL for an id that does not exist."""
    s, item, receipt = sealed["submission"], sealed["item"], sealed["receipt"]
    return {
        "bid": (
            reverse("procurement:bid_detail", args=[s.pk]),
            reverse("procurement:bid_detail", args=[999999]),
        ),
        "receipt": (
            reverse("procurement:bid_receipt", args=[s.pk, receipt.number]),
            reverse("procurement:bid_receipt", args=[999999, 1]),
        ),
        "bid document": (
            reverse("procurement:bid_document_download", args=[s.pk, item.pk]),
            reverse("procurement:bid_document_download", args=[s.pk, 999999]),
        ),
        "library download": (
            reverse("core:document_download", args=[item.document.uuid]),
            reverse("core:document_download", args=["00000000-0000-4000-8000-000000000000"]),
        ),
        "admin change page": (
            reverse("admin:core_document_change", args=[item.document.pk]),
            reverse("admin:core_document_change", args=[999999]),
        ),
    }


def _assert_sealed_for(client, persona, sealed, *, readers: set[str]):
    """For `persona`: every sealed URL answers 200 to a reader, and to anyone else exactly what a missing id
    answers (never 200); lists, the library and the admin name nothing of the bid."""
    document = sealed["item"].document
    for name, (url, missing) in _urls(sealed).items():
        if name == "admin change page":
            reader = False  # bid documents are never in the support admin
        elif name == "receipt" or name == "library download":
            reader = persona == OWN_PROVIDER  # the provider's own record
        else:
            reader = persona in readers
        response = client.get(url)
        if reader:
            assert response.status_code == 200, f"{persona} {name}: {response.status_code}"
        else:
            assert response.status_code != 200, f"{persona} reads the sealed {name}"
            assert response.status_code == client.get(missing).status_code, (
                f"{persona} {name} differs from missing"
            )
    # The lists: the library, the admin changelist (and its search), the bid list, the tender page.
    pages = [
        reverse("core:document_list"),
        reverse("admin:core_document_changelist"),
        reverse("admin:core_document_changelist") + f"?q={document.sha256}",
        reverse("procurement:bid_list"),
        reverse("procurement:tender_detail", args=[sealed["tender"].pk]),
        reverse("procurement:tender_list"),
    ]
    for url in pages:
        # The page echoes its own address (the "stay signed in" form): that is not the document showing.
        # The page echoes its own address and search (the search box, the "stay signed in" form): that is
        # not the document showing.
        text = client.get(url).content.decode().replace(url.partition("?q=")[2], "")
        if persona != OWN_PROVIDER:
            assert document.original_name not in text and document.sha256 not in text, f"{persona} {url}"
            assert reverse("admin:core_document_change", args=[document.pk]) not in text
            assert str(document.uuid) not in text
        if persona not in readers:
            assert PRICE not in text and "123,456.78" not in text and ANSWER not in text, f"{persona} {url}"
            assert "Riverside" not in text, f"{persona} sees who bid on {url}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("offset", [-SECOND, SECOND], ids=["deadline-1s", "deadline+1s"])
def test_a_bid_is_sealed_until_opened(request, sealed, persona, offset):
    tender = sealed["tender"]
    with clock(tender.submission_deadline + offset) as now:
        if offset > datetime.timedelta(0):
            assert services.tender_close_due(now=now) == 1
        client = client_for(request, persona)
        _assert_sealed_for(client, persona, sealed, readers={OWN_PROVIDER})


@pytest.mark.parametrize("persona", PERSONAS)
def test_after_opening_only_the_tenders_authority_reads_the_bid(
    request, sealed, persona, commissioner_northshire
):
    tender = sealed["tender"]
    with clock(tender.submission_deadline + SECOND) as now:
        services.tender_close_due(now=now)
        tender.refresh_from_db()
        services.tender_open(tender=tender, actor=commissioner_northshire)
        client = client_for(request, persona)
        _assert_sealed_for(client, persona, sealed, readers={OWN_PROVIDER, *AUTHORITY})
        if persona in AUTHORITY:
            page = client.get(reverse("procurement:tender_detail", args=[tender.pk])).content.decode()
            assert "Riverside Learning Trust" in page and "£123,456.78" in page
            bid = client.get(
                reverse("procurement:bid_detail", args=[sealed["submission"].pk])
            ).content.decode()
            assert ANSWER in bid and "pricing-schedule.pdf" in bid


def test_before_opening_the_council_sees_only_the_number_of_submitted_bids(
    request, published_tender, provider_riverside, provider_oakfield
):
    fill_and_submit(published_tender, provider_riverside)
    fill_and_submit(published_tender, provider_oakfield, submit=False)  # a draft is not counted
    page = (
        client_for(request, "commissioner_northshire")
        .get(reverse("procurement:tender_detail", args=[published_tender.pk]))
        .content.decode()
    )
    assert "<strong>1</strong> bid submitted" in page
    assert "Riverside" not in page and "Oakfield" not in page


def test_withdrawn_and_draft_bids_are_never_opened(
    request, published_tender, provider_riverside, provider_oakfield, commissioner_northshire
):
    from procurement.services import submissions as bids

    withdrawn, _ = fill_and_submit(published_tender, provider_riverside)
    bids.submission_withdraw(submission=withdrawn, actor=provider_riverside)
    draft, _ = fill_and_submit(published_tender, provider_oakfield, submit=False)
    with clock(published_tender.submission_deadline + SECOND) as now:
        services.tender_close_due(now=now)
        published_tender.refresh_from_db()
        services.tender_open(tender=published_tender, actor=commissioner_northshire)
        client = client_for(request, "commissioner_northshire")
        for submission in (withdrawn, draft):
            assert client.get(reverse("procurement:bid_detail", args=[submission.pk])).status_code == 404
        page = client.get(reverse("procurement:tender_detail", args=[published_tender.pk])).content.decode()
    assert "No bids were submitted." in page
    assert "Riverside" not in page and "Oakfield" not in page


def test_another_providers_bid_and_receipt_answer_404_like_missing_ones(request, sealed):
    client = client_for(request, "provider_oakfield")
    for name, (url, missing) in _urls(sealed).items():
        if name == "admin change page":
            continue
        assert client.get(url).status_code == 404
        assert client.get(missing).status_code == 404


def test_support_staffs_audit_logs_and_notifications_do_not_name_bidders(
    request, published_tender, provider_riverside, provider_oakfield, commissioner_northshire
):
    """Staff see the rest of the log, but not the events about a bid or its files, nor the notifications a
    provider got because it is bidding."""
    from procurement.services import tenders as services

    question = services.clarification_ask(
        tender=published_tender, actor=provider_oakfield, question="How many?"
    )
    fill_and_submit(published_tender, provider_riverside, price=PRICE)
    services.clarification_answer(clarification=question, actor=commissioner_northshire, answer="Forty.")
    client = client_for(request, "staff_admin")
    audit = client.get(reverse("admin:core_auditevent_changelist") + "?all=").content.decode()
    assert "provider@riverside" not in audit and "procurement.submission" not in audit
    assert "NS-2026-014" in audit  # the tender's own events are there
    # The service's own audit log page for support staff leaves out the same events.
    page = client.get(reverse("core:audit_log")).content.decode()
    assert "provider@riverside" not in page and "procurement.submission" not in page
    assert "NS-2026-014" in page
    notifications = client.get(reverse("admin:core_notification_changelist")).content.decode()
    assert "Sophie Turner" not in notifications and "provider@riverside" not in notifications
    assert "clarification question" in notifications  # the commissioners' notification is there
