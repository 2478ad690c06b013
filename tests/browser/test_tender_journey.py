"""A provider bids for a tender in a real browser: opens the published tender, starts a bid, writes the
answers and price, uploads the required document, submits, downloads the receipt, then withdraws, changes
and submits again. The commissioner's draft and published pages too. axe-core finds no serious or
critical problem on any of them."""

import pytest

from procurement.tests.tenders.conftest import complete_draft, publish

from .conftest import check, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_provider_bids_submits_downloads_the_receipt_and_resubmits(
    page, provider_oakfield, commissioner_northshire, tmp_path
):
    from core.tests.test_uploads import pdf_bytes

    tender = publish(commissioner_northshire)
    sign_in(page, provider_oakfield)
    page.goto("/procurement/tenders/")
    check(page, "tenders-provider-list")
    page.get_by_role("link", name="Speech and language therapy").click()
    assert page.get_by_role("heading", level=1, name="Speech and language therapy").is_visible()
    check(page, "tenders-provider-detail")

    page.get_by_role("button", name="Start a bid").click()
    page.get_by_label("Lot 1: North locality").check()
    check(page, "tenders-bid-start")
    page.get_by_role("button", name="Start a bid").click()
    page.wait_for_load_state()

    # The answers page: an answer over its word limit is refused with the error summary.
    page.get_by_label("Your total price, in pounds").fill("£125,000")
    page.get_by_label("How will you deliver therapy?").fill("word " * 51)
    page.get_by_label("Local jobs").fill("We recruit and train therapy assistants locally.")
    page.get_by_role("button", name="Save answers").click()
    assert page.get_by_role("link", name="must be 50 words or fewer", exact=False).is_visible()
    check(page, "tenders-bid-answers-errors")
    page.get_by_label("How will you deliver therapy?").fill("Weekly therapy in school, with termly reviews.")
    page.get_by_role("button", name="Save answers").click()
    assert page.get_by_text("Your answers have been saved.").is_visible()
    assert page.get_by_text("Upload ‘Pricing schedule’").is_visible()
    check(page, "tenders-bid-draft")

    schedule = tmp_path / "pricing-schedule.pdf"
    schedule.write_bytes(pdf_bytes())
    page.get_by_role("button", name="Upload a document").click()
    page.get_by_label("Pricing schedule").check()
    page.get_by_label("Upload a file").set_input_files(str(schedule))
    check(page, "tenders-bid-upload")
    page.get_by_role("button", name="Upload document").click()
    assert page.get_by_text("has been uploaded to your bid").is_visible()

    page.get_by_role("button", name="Submit bid").click()
    check(page, "tenders-bid-submit-confirm")
    page.get_by_role("button", name="Submit bid").click()
    assert page.get_by_text("Your bid has been submitted. Receipt 1 is ready to download.").is_visible()
    check(page, "tenders-bid-submitted")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download receipt 1 (PDF)").click()
    receipt = tmp_path / "receipt.pdf"
    download.value.save_as(receipt)
    assert receipt.read_bytes().startswith(b"%PDF")
    bid_url = page.url
    _look_at_the_receipt(page, tender.submissions.get().receipts.get())
    page.goto(bid_url)

    page.get_by_role("button", name="Withdraw bid").click()
    check(page, "tenders-bid-withdraw-confirm")
    page.get_by_role("button", name="Withdraw bid").click()
    assert page.get_by_text("Your bid has been withdrawn.").is_visible()

    page.get_by_role("button", name="Change answers and price").click()
    page.get_by_label("Your total price, in pounds").fill("£119,500")
    page.get_by_role("button", name="Save answers").click()
    page.get_by_role("button", name="Submit bid").click()
    page.get_by_role("button", name="Submit bid").click()
    assert page.get_by_text("Receipt 2 is ready to download.").is_visible()
    assert page.get_by_text("£119,500.00").is_visible()
    check(page, "tenders-bid-resubmitted")
    page.goto("/procurement/bids/")
    check(page, "tenders-bid-list")
    assert tender.submissions.get().submission_count == 2


def test_a_commissioner_reads_a_draft_and_a_published_tender(page, commissioner_northshire):
    draft = complete_draft(commissioner_northshire, reference="NS-DRAFT-1")
    draft.lots.all().delete()
    published = publish(commissioner_northshire, reference="NS-LIVE-1")
    sign_in(page, commissioner_northshire)
    page.goto("/procurement/tenders/")
    check(page, "tenders-commissioner-list")
    page.goto(f"/procurement/tenders/{draft.pk}/")
    assert page.get_by_text("Add at least one lot").is_visible()
    check(page, "tenders-commissioner-draft")
    page.goto(f"/procurement/tenders/{draft.pk}/timetable/")
    check(page, "tenders-commissioner-timetable")
    page.goto(f"/procurement/tenders/{draft.pk}/criteria/add/")
    page.get_by_role("button", name="Add criterion").click()
    check(page, "tenders-commissioner-criterion-errors")
    page.goto(f"/procurement/tenders/{published.pk}/")
    assert page.get_by_text("0 bids submitted").is_visible()
    check(page, "tenders-commissioner-published")


def _look_at_the_receipt(page, receipt):
    """The receipt's HTML (what WeasyPrint prints) shown in the browser, to see it in a screenshot."""
    from django.template.loader import render_to_string
    from django.utils.dateparse import parse_datetime

    documents = [
        {**row, "received_at": parse_datetime(row["received_at"])} for row in receipt.content["documents"]
    ]
    html = render_to_string(
        "pdf/submission_receipt.html",
        {
            "receipt": receipt,
            "submission": receipt.submission,
            "organisation": receipt.submission.tender.organisation,
            "content": receipt.content,
            "documents": documents,
        },
    )
    page.set_content(html)
    screenshot(page, "tenders-receipt-html")
    assert page.get_by_text(documents[0]["sha256"]).is_visible()


def test_a_commissioner_opens_bids_and_sees_a_changed_file_loudly(
    page, commissioner_northshire, provider_riverside, provider_oakfield
):
    import datetime

    from django.utils import timezone

    from procurement.models import Tender
    from procurement.tests.tenders.conftest import fill_and_submit

    tender = publish(commissioner_northshire, reference="NS-OPEN-1")
    fill_and_submit(tender, provider_riverside, price="98000.00")
    tampered, _ = fill_and_submit(tender, provider_oakfield, price="91000.00")
    document = tampered.documents.get().document
    with document.file.storage.open(document.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7 changed after it was received")
    # The deadline has passed and the clock has closed the tender.
    Tender.objects.filter(pk=tender.pk).update(
        status="closed",
        submission_deadline=timezone.now() - datetime.timedelta(minutes=1),
        closed_at=timezone.now(),
    )
    sign_in(page, commissioner_northshire)
    page.goto(f"/procurement/tenders/{tender.pk}/")
    assert page.get_by_text("2 bids submitted").is_visible()
    assert page.get_by_text("Riverside").count() == 0
    check(page, "tenders-commissioner-closed")
    page.get_by_role("button", name="Open the sealed bids").click()
    check(page, "tenders-commissioner-open-confirm")
    page.get_by_role("button", name="Open the bids").click()
    assert page.get_by_text("A file in Oakfield School Ltd's bid does not match its receipt").is_visible()
    assert page.get_by_text("£98,000.00").is_visible()
    check(page, "tenders-commissioner-opened")
    page.get_by_role("link", name="Riverside Learning Trust").click()
    assert page.get_by_text("pricing-schedule.pdf").is_visible()
    check(page, "tenders-commissioner-opened-bid")
