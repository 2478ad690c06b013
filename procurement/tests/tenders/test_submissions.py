"""Bids until the deadline by the server's clock: one second before is accepted, one second after is
refused whatever is sent and nothing is stored; receipts list every file; audit events never carry a
price or an answer."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent, Document
from procurement.models import Submission, SubmissionDocument, SubmissionReceipt, SubmissionStatus
from procurement.services import submissions as bids
from tests.access import client_for

from .conftest import clock, fill_and_submit, upload

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


def _counts():
    return (
        Submission.objects.count(),
        SubmissionDocument.objects.count(),
        SubmissionReceipt.objects.count(),
        Document.objects.count(),
    )


def test_a_bid_one_second_before_the_deadline_is_received(published_tender, provider_riverside):
    with clock(published_tender.submission_deadline - SECOND):
        submission, receipt = fill_and_submit(published_tender, provider_riverside)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert receipt.number == 1 and receipt.issued_at == published_tender.submission_deadline - SECOND


@pytest.mark.parametrize("after", [datetime.timedelta(0), SECOND])
def test_a_new_bid_at_or_after_the_deadline_is_refused_and_nothing_stored(
    published_tender, provider_riverside, after
):
    before = _counts()
    with clock(published_tender.submission_deadline + after), pytest.raises(ValidationError):
        bids.submission_start(
            tender=published_tender, lot=published_tender.lots.get(), actor=provider_riverside
        )
    assert _counts() == before


def test_every_write_one_second_after_the_deadline_is_refused(published_tender, provider_riverside):
    submission, _ = fill_and_submit(published_tender, provider_riverside, submit=False)
    item = submission.documents.get()
    before = _counts()
    late = published_tender.submission_deadline + SECOND
    criterion = published_tender.criteria.get(kind="quality")
    with clock(late):
        with pytest.raises(ValidationError, match="deadline has passed"):
            bids.submission_save(
                submission=submission,
                actor=provider_riverside,
                price=Decimal("1.00"),
                answers={criterion.pk: "x"},
            )
        with pytest.raises(ValidationError, match="deadline has passed"):
            bids.submission_document_add(
                submission=submission, actor=provider_riverside, uploaded_file=upload()
            )
        with pytest.raises(ValidationError, match="deadline has passed"):
            bids.submission_document_remove(item=item, actor=provider_riverside)
        with pytest.raises(ValidationError, match="deadline has passed"):
            bids.submission_submit(submission=submission, actor=provider_riverside)
    submission.refresh_from_db()
    assert _counts() == before
    assert submission.status == "draft" and submission.price == Decimal("125000.00")
    assert submission.answers.get(criterion=criterion).text == "We deliver weekly therapy in school."


def test_withdrawing_after_the_deadline_is_refused(published_tender, provider_riverside):
    submission, _ = fill_and_submit(published_tender, provider_riverside)
    with clock(published_tender.submission_deadline + SECOND), pytest.raises(ValidationError):
        bids.submission_withdraw(submission=submission, actor=provider_riverside)
    submission.refresh_from_db()
    assert submission.status == "submitted"


def test_the_pages_refuse_a_late_post_whatever_the_client_sends(
    request, published_tender, provider_riverside
):
    submission, _ = fill_and_submit(published_tender, provider_riverside, submit=False)
    with clock(published_tender.submission_deadline + SECOND):
        client = client_for(request, "provider_riverside")  # signed in by the same clock
        response = client.post(
            reverse("procurement:bid_submit", args=[submission.pk]),
            {"submitted_at": "2000-01-01T00:00:00Z", "now": "2000-01-01"},
        )
        assert response.status_code == 400
        assert "deadline has passed" in response.content.decode()
        response = client.post(
            reverse("procurement:bid_document_add", args=[submission.pk]),
            {"required_document": 0, "title": "Late", "file": upload("late.pdf")},
        )
        assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.status == "draft" and submission.documents.count() == 1


def test_a_provider_has_one_bid_per_lot(published_tender, provider_riverside, commissioner_northshire):
    fill_and_submit(published_tender, provider_riverside, submit=False)
    with pytest.raises(ValidationError, match="already have a bid"):
        bids.submission_start(
            tender=published_tender, lot=published_tender.lots.get(), actor=provider_riverside
        )


def test_word_limits_are_enforced(published_tender, provider_riverside):
    submission, _ = fill_and_submit(published_tender, provider_riverside, submit=False)
    criterion = published_tender.criteria.get(kind="quality")  # 50 words
    with pytest.raises(ValidationError) as caught:
        bids.submission_save(
            submission=submission,
            actor=provider_riverside,
            price=Decimal("5"),
            answers={criterion.pk: "word " * 51},
        )
    assert "50 words or fewer (it has 51)" in caught.value.message_dict[f"answer_{criterion.pk}"][0]
    bids.submission_save(
        submission=submission,
        actor=provider_riverside,
        price=Decimal("5"),
        answers={criterion.pk: "word " * 50},
    )


def test_submitting_needs_every_answer_the_price_and_each_required_document(
    published_tender, provider_riverside
):
    submission = bids.submission_start(
        tender=published_tender, lot=published_tender.lots.get(), actor=provider_riverside
    )
    with pytest.raises(ValidationError) as caught:
        bids.submission_submit(submission=submission, actor=provider_riverside)
    errors = caught.value.message_dict
    assert errors["price"] == ["Enter your price"]
    assert errors["documents"] == ["Upload ‘Pricing schedule’"]
    assert len([key for key in errors if key.startswith("answer_")]) == 2
    # An extra document does not stand in for a required one.
    bids.submission_document_add(
        submission=submission, actor=provider_riverside, uploaded_file=upload("cv.pdf"), title="Staff CVs"
    )
    assert "documents" in {p.field for p in bids.submission_problems(submission)}


def test_withdraw_change_and_resubmit_makes_a_new_receipt_and_keeps_the_old(
    published_tender, provider_riverside
):
    submission, first = fill_and_submit(published_tender, provider_riverside)
    bids.submission_withdraw(submission=submission, actor=provider_riverside)
    submission.refresh_from_db()
    assert submission.status == "withdrawn"
    bids.submission_document_add(
        submission=submission,
        actor=provider_riverside,
        uploaded_file=upload("schedule-v2.pdf"),
        required_document=published_tender.required_documents.get(),
    )
    submission.refresh_from_db()
    assert submission.status == "draft"
    second = bids.submission_submit(submission=submission, actor=provider_riverside)
    assert (first.number, second.number) == (1, 2)
    assert [row["name"] for row in second.content["documents"]] == ["schedule-v2.pdf"]
    assert [row["name"] for row in first.content["documents"]] == ["pricing-schedule.pdf"]
    row = second.content["documents"][0]
    assert set(row) >= {"title", "name", "size", "sha256", "received_at"} and len(row["sha256"]) == 64


def test_changing_a_submitted_bid_puts_it_back_to_draft(published_tender, provider_riverside):
    submission, _ = fill_and_submit(published_tender, provider_riverside)
    submission = bids.submission_save(
        submission=submission,
        actor=provider_riverside,
        price=Decimal("99000.00"),
        answers={
            c.pk: "We deliver weekly therapy in school."
            for c in published_tender.criteria.exclude(kind="price")
        },
    )
    assert submission.status == "draft"


def test_another_provider_cannot_write_to_a_bid(published_tender, provider_riverside, provider_oakfield):
    submission, _ = fill_and_submit(published_tender, provider_riverside, submit=False)
    with pytest.raises(PermissionDenied):
        bids.submission_save(submission=submission, actor=provider_oakfield, price=Decimal("1"))
    with pytest.raises(PermissionDenied):
        bids.submission_submit(submission=submission, actor=provider_oakfield)


def test_audit_events_for_a_bid_never_carry_the_price_or_answers(published_tender, provider_riverside):
    submission, _ = fill_and_submit(published_tender, provider_riverside, price="123456.78")
    bids.submission_withdraw(submission=submission, actor=provider_riverside)
    events = AuditEvent.objects.filter(target_type="procurement.submission", target_id=str(submission.pk))
    assert events.count() >= 4
    dumped = json.dumps([list(events.values("detail", "target_label"))], default=str)
    assert "123456" not in dumped and "weekly therapy" not in dumped


def test_bid_documents_are_sealed_until_the_deadline(published_tender, provider_riverside):
    submission, _ = fill_and_submit(published_tender, provider_riverside)
    document = submission.documents.get().document
    assert document.sealed_until == published_tender.submission_deadline
    assert document.organisation == provider_riverside.organisation


def test_the_receipt_pdf_downloads_for_the_provider(request, published_tender, provider_riverside):
    submission, receipt = fill_and_submit(published_tender, provider_riverside)
    response = client_for(request, "provider_riverside").get(
        reverse("procurement:bid_receipt", args=[submission.pk, receipt.number])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
