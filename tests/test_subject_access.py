"""Subject access: a staff admin, and nobody else, downloads everything held about a named person."""

import datetime
import json
from io import StringIO

import pytest
from axes.models import AccessLog
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduction.tests.conftest import comment, consultation, specification  # noqa: F401
from core.models import AuditAction, AuditEvent, Document, Notification

from .access import assert_access, only


def _document(person, title, *, sealed_until=None):
    return Document.objects.create(
        organisation=person.organisation,
        title=title,
        file=ContentFile(b"%PDF-1.4 test", name="x.pdf"),
        original_name=f"{title}.pdf",
        safe_name=f"{title}.pdf",
        content_type="application/pdf",
        extension="pdf",
        size=13,
        sha256="0" * 64,
        uploaded_by=person,
        sealed_until=sealed_until,
    )


@pytest.fixture
def held(forum_member, provider_oakfield, comment):  # noqa: F811
    """What the service holds about Helen Murray (forum member), and something of someone else's."""
    Notification.objects.create(
        key="n1", recipient=forum_member, kind="t", subject="Your comment was answered"
    )
    Notification.objects.create(key="n2", recipient=provider_oakfield, kind="t", subject="Not Helen's")
    AccessLog.objects.create(username=forum_member.email, ip_address="192.0.2.7", user_agent="Firefox")
    AccessLog.objects.create(username=provider_oakfield.email, ip_address="192.0.2.8", user_agent="Edge")
    _document(forum_member, "Forum minutes")
    _document(provider_oakfield, "Oakfield bid", sealed_until=timezone.now() + datetime.timedelta(days=3))
    return forum_member


def test_only_a_staff_admin_may_export_and_the_page_says_whose_data(request, held, staff_admin):
    url = reverse("accounts:subject_access_export", args=[held.pk])
    assert_access(request, reverse("accounts:subject_access"), only({"staff_admin": 200}))
    assert_access(request, url, only({"staff_admin": 200}))
    assert_access(request, url, only({"staff_admin": 200}, anonymous=302), method="post")

    client = Client()
    client.force_login(staff_admin)
    page = client.get(url).content.decode()
    assert "Export all data held about Helen Murray" in page
    assert "Northshire Parent Carer Forum" in page
    missing = reverse("accounts:subject_access_export", args=[held.pk + 10_000])
    assert client.get(missing).status_code == 404
    assert client.post(missing).status_code == 404


def test_the_staff_admin_finds_the_person_by_email(held, staff_admin):
    client = Client()
    client.force_login(staff_admin)
    response = client.get(reverse("accounts:subject_access"), {"email": "FORUM@northshire-pcf.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:subject_access_export", args=[held.pk])
    response = client.get(reverse("accounts:subject_access"), {"email": "nobody@nowhere.test"})
    assert "Nobody with that email address has an account" in response.content.decode()


def test_the_export_holds_everything_about_the_person_and_nothing_of_others(held, staff_admin):
    """Staff admins work across organisations: the person is of a forum, the admin of the operator."""
    client = Client()
    client.force_login(staff_admin)

    response = client.post(reverse("accounts:subject_access_export", args=[held.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="subject-access-')
    data = json.loads(response.content)
    assert data["person"]["email"] == "forum@northshire-pcf.test"
    assert data["person"]["full_name"] == "Helen Murray"
    assert data["organisation"] == {"name": "Northshire Parent Carer Forum", "kind": "Parent carer forum"}
    assert [role["role"] for role in data["roles"]] == ["Forum member"]
    assert data["profile_history"][0]["email"] == "forum@northshire-pcf.test"
    assert [row["ip_address"] for row in data["sign_ins"]] == ["192.0.2.7"]
    assert "Your comment was answered" in [note["subject"] for note in data["notifications"]]
    assert [doc["title"] for doc in data["documents_uploaded"]] == ["Forum minutes"]
    assert [words["text"] for words in data["written_in_consultations"]] == ["Please include weekends."]
    assert any(record["type"] == "coproduction.comment" for record in data["other_records"])
    assert any(event["action"] == "create" for event in data["audit_events_by_them"])
    assert any(event["action"] == "create" for event in data["audit_events_about_them"])
    text = response.content.decode()
    assert "Not Helen's" not in text and "192.0.2.8" not in text and "Oakfield bid" not in text

    # The export is audited: who exported whose data (never the data).
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).first()
    assert (event.actor_id, event.target_type, event.target_id) == (
        staff_admin.pk,
        "accounts.user",
        str(held.pk),
    )


def test_a_sealed_bid_document_is_listed_without_its_details(held, provider_oakfield, staff_admin):
    client = Client()
    client.force_login(staff_admin)
    response = client.post(reverse("accounts:subject_access_export", args=[provider_oakfield.pk]))
    data = json.loads(response.content)
    assert [doc.get("sealed") for doc in data["documents_uploaded"]] == [True]
    assert "Oakfield bid" not in response.content.decode()


def test_the_command_exports_the_same_and_refuses_an_unknown_email(held, tmp_path):
    out = StringIO()
    call_command("export_subject_data", "forum@northshire-pcf.test", stdout=out)
    assert json.loads(out.getvalue())["person"]["full_name"] == "Helen Murray"
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor_label__contains="export_subject"
    ).exists()

    target = tmp_path / "export.json"
    call_command("export_subject_data", "forum@northshire-pcf.test", output=str(target), stderr=StringIO())
    assert json.loads(target.read_text())["roles"][0]["role"] == "Forum member"

    with pytest.raises(CommandError, match="Nobody with the email address"):
        call_command("export_subject_data", "nobody@nowhere.test")


def test_the_export_says_whether_the_person_has_backup_codes_but_never_gives_one(
    staff_admin, finance_northshire
):
    from accounts.two_factor import backup_code_display, backup_codes_make
    from conftest import test_authenticator

    test_authenticator(finance_northshire)
    codes = backup_codes_make(user=finance_northshire)
    client = Client()
    client.force_login(staff_admin)

    response = client.post(reverse("accounts:subject_access_export", args=[finance_northshire.pk]))

    data = json.loads(response.content)
    assert data["two_factor_sign_in"] == {"authenticator_apps": 1, "backup_codes_left": 10}
    text = response.content.decode()
    assert not any(code in text or backup_code_display(code) in text for code in codes)
