"""The tender clock closes tenders at their deadline (the Celery task and `manage.py close_tenders`, both
idempotent); opening is audited and re-checks every file's SHA-256 against the receipt."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditAction, AuditEvent
from procurement.models import Tender
from procurement.services import tenders as services
from procurement.tasks import close_due_tenders
from tests.access import client_for

from .conftest import clock, fill_and_submit, publish

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


def test_close_tenders_closes_due_tenders_once(commissioner_northshire):
    due = publish(commissioner_northshire, reference="DUE-1")
    live = publish(commissioner_northshire, reference="LIVE-1", deadline_in=datetime.timedelta(days=40))
    with clock(due.submission_deadline + SECOND) as now:
        out = StringIO()
        call_command("close_tenders", stdout=out)
        assert "Tenders closed: 1." in out.getvalue()
        due.refresh_from_db()
        assert due.status == "closed" and due.closed_at == now
        out = StringIO()
        call_command("close_tenders", stdout=out)
        assert "Tenders closed: 0." in out.getvalue()
    live.refresh_from_db()
    assert live.status == "published"
    closes = AuditEvent.objects.filter(
        action=AuditAction.TRANSITION, target_id=str(due.pk), detail__to="closed"
    )
    assert closes.count() == 1


def test_a_tender_is_not_closed_one_second_before_its_deadline(published_tender):
    with clock(published_tender.submission_deadline - SECOND):
        assert close_due_tenders() == 0
    published_tender.refresh_from_db()
    assert published_tender.status == "published"


def test_the_task_closes_at_the_deadline(published_tender):
    with clock(published_tender.submission_deadline):
        assert close_due_tenders() == 1
        assert close_due_tenders() == 0


def _close(tender):
    with clock(tender.submission_deadline + SECOND) as now:
        services.tender_close_due(now=now)
    tender.refresh_from_db()


def test_opening_is_audited_and_hashes_match(published_tender, provider_riverside, commissioner_northshire):
    submission, _ = fill_and_submit(published_tender, provider_riverside)
    _close(published_tender)
    services.tender_open(tender=published_tender, actor=commissioner_northshire)
    published_tender.refresh_from_db()
    submission.refresh_from_db()
    assert published_tender.status == "evaluation"
    assert published_tender.opened_by == commissioner_northshire and published_tender.opened_at is not None
    assert submission.hashes_ok is True and submission.hashes_verified_at is not None
    event = AuditEvent.objects.get(action=AuditAction.OPEN_SEALED, target_type="procurement.tender")
    assert event.detail["bids_opened"] == 1 and event.detail["hash_mismatches"] == []


def test_a_file_changed_after_receipt_is_found_at_opening_and_shown_loudly(
    request, published_tender, provider_riverside, commissioner_northshire
):
    submission, _ = fill_and_submit(published_tender, provider_riverside)
    document = submission.documents.get().document
    with document.file.storage.open(document.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7 tampered")
    _close(published_tender)
    services.tender_open(tender=published_tender, actor=commissioner_northshire)
    submission.refresh_from_db()
    assert submission.hashes_ok is False
    event = AuditEvent.objects.get(action=AuditAction.OPEN_SEALED, target_type="procurement.submission")
    assert event.detail["mismatched_documents"] == [document.pk]
    page = client_for(request, "commissioner_northshire").get(
        reverse("procurement:tender_detail", args=[published_tender.pk])
    )
    assert "does not match its receipt" in page.content.decode()


def test_a_missing_file_is_a_mismatch_too(published_tender, provider_riverside, commissioner_northshire):
    submission, _ = fill_and_submit(published_tender, provider_riverside)
    document = submission.documents.get().document
    document.file.storage.delete(document.file.name)
    _close(published_tender)
    services.tender_open(tender=published_tender, actor=commissioner_northshire)
    submission.refresh_from_db()
    assert submission.hashes_ok is False


@pytest.mark.parametrize("persona", ["commissioner_southvale", "provider_riverside", "evaluator_northshire"])
def test_only_the_authoritys_commissioner_opens(request, published_tender, persona):
    from django.core.exceptions import PermissionDenied

    _close(published_tender)
    with pytest.raises(PermissionDenied):
        services.tender_open(tender=published_tender, actor=request.getfixturevalue(persona))
    assert Tender.objects.get(pk=published_tender.pk).status == "closed"


def test_the_tender_page_leads_the_commissioner_to_the_panel_and_after_opening_to_evaluation(
    request, published_tender, provider_riverside, commissioner_northshire
):
    """Before opening the commissioner can set up the panel but not reach evaluation; once the bids are
    open the page leads to evaluation and award."""
    client = client_for(request, "commissioner_northshire")
    url = reverse("procurement:tender_detail", args=[published_tender.pk])
    panel = reverse("procurement:evaluation_panel", args=[published_tender.pk])
    evaluation = reverse("procurement:evaluation_tender", args=[published_tender.pk])
    page = client.get(url).text
    assert panel in page and f'href="{evaluation}"' not in page
    fill_and_submit(published_tender, provider_riverside)
    _close(published_tender)
    services.tender_open(tender=published_tender, actor=commissioner_northshire)
    page = client.get(url).text
    assert panel in page and f'href="{evaluation}"' in page
