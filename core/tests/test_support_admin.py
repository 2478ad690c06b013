"""The support admin: open to staff admins only, every change audited, the audit log read-only."""

import pytest
from django.urls import reverse

from accounts.models import Organisation
from core.audit import audit_record
from core.models import AuditAction, AuditEvent
from tests.access import assert_access, only

pytestmark = pytest.mark.django_db


def test_only_staff_admins_reach_the_support_admin(request):
    """Everyone else signed in is refused; signed-out visitors go to the service's sign-in page."""
    expected = only({"staff_admin": 200}, others=403)
    assert_access(request, reverse("admin:index"), expected)


def test_signed_out_visitors_to_the_support_admin_sign_in_through_the_service(client, db):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/support/"
    assert "Sign in to SEND Commissioning" in response.text


def test_a_change_in_the_support_admin_is_audited(client, staff_admin, northshire):
    client.force_login(staff_admin)
    url = reverse("admin:accounts_organisation_change", args=[northshire.pk])
    response = client.post(
        url,
        {
            "name": "Northshire County Council",
            "slug": "northshire",
            "kind": "local_authority",
            "ons_code": "E06000998",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert Organisation.objects.get(pk=northshire.pk).name == "Northshire County Council"
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE)
    assert event.actor_id == staff_admin.pk
    assert event.detail["admin"] == "changed"
    assert northshire.history.count() == 2  # created, then changed: the model's own history too


def test_the_audit_log_cannot_be_changed_from_the_support_admin(client, staff_admin, northshire):
    event = audit_record(action=AuditAction.UPDATE, actor=staff_admin, target=northshire)
    client.force_login(staff_admin)
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(change_url, {"target_label": "changed"}).status_code == 403
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.target_label == str(northshire)


def test_documents_cannot_be_downloaded_from_the_support_admin(client, staff_admin):
    client.force_login(staff_admin)
    page = client.get(reverse("admin:core_document_changelist"))
    assert page.status_code == 200
    assert b"/download/" not in page.content


def test_the_audit_log_page_is_for_support_staff_only(request, staff_admin, northshire):
    audit_record(action=AuditAction.UPDATE, actor=staff_admin, target=northshire)
    assert_access(request, reverse("core:audit_log"), only({"staff_admin": 200}))


def test_the_audit_log_page_filters_by_action_and_text(client, staff_admin, northshire, southvale):
    audit_record(action=AuditAction.UPDATE, actor=staff_admin, target=northshire)
    audit_record(action=AuditAction.DOWNLOAD, actor=staff_admin, target=southvale)
    client.force_login(staff_admin)
    page = client.get(reverse("core:audit_log"), {"action": "download"}).text
    assert "Downloaded: Southvale Council" in page
    assert "Updated: Northshire Council" not in page
    page = client.get(reverse("core:audit_log"), {"q": "northshire"}).text
    assert "Updated: Northshire Council" in page
    assert "Southvale" not in page.split("<tbody")[1]
    assert client.get(reverse("core:audit_log"), {"action": "nonsense", "page": "x"}).status_code == 200


def test_a_role_added_in_the_support_admin_must_fit_the_organisation(client, staff_admin, provider_oakfield):
    client.force_login(staff_admin)
    url = reverse("admin:accounts_user_change", args=[provider_oakfield.pk])
    form = {
        "email": provider_oakfield.email,
        "full_name": provider_oakfield.full_name,
        "organisation": provider_oakfield.organisation_id,
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": "2",
        "role_assignments-INITIAL_FORMS": "1",
        "role_assignments-0-id": provider_oakfield.role_assignments.get().pk,
        "role_assignments-0-user": provider_oakfield.pk,
        "role_assignments-0-role": "provider_user",
        "role_assignments-1-user": provider_oakfield.pk,
        "role_assignments-1-role": "commissioner",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Provider staff cannot hold the role Commissioner." in response.text
    assert provider_oakfield.role_assignments.count() == 1


def test_making_someone_a_staff_admin_in_the_support_admin_opens_it_to_them(client, staff_admin, operator):
    from accounts.models import User

    client.force_login(staff_admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "second@operator.test",
            "full_name": "Second Admin",
            "organisation": operator.pk,
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-0-role": "staff_admin",
        },
    )
    assert response.status_code == 302, response.text[:3000]
    person = User.objects.get(email="second@operator.test")
    assert person.is_staff and not person.is_superuser
    assert not person.has_usable_password()
    assert person.groups.filter(name="Support staff").exists()


def test_support_staff_read_the_cycles_registered_records_and_change_none(client, staff_admin):
    """Tenders, consultations and contracts are there to read; sealed bids and referrals are never."""
    client.force_login(staff_admin)
    readable = [("procurement", "tender"), ("coproduction", "consultation"), ("contracts", "contract")]
    for app, model in readable:
        assert client.get(f"/support/{app}/{model}/").status_code == 200, (app, model)
        assert client.get(f"/support/{app}/{model}/add/").status_code == 403, (app, model)
        assert staff_admin.has_perm(f"{app}.view_{model}")
        assert not staff_admin.has_perm(f"{app}.change_{model}")
    for sealed in ["submission", "submissiondocument", "score", "referral", "individualplacementagreement"]:
        assert not staff_admin.has_perm(f"procurement.view_{sealed}"), sealed
    index = client.get(reverse("admin:index")).text
    assert "Tenders" in index and "Submissions" not in index


def test_a_migrate_brings_the_support_group_up_to_date(staff_admin):
    from django.apps import apps
    from django.contrib.auth.models import Group

    from accounts.apps import _refresh_support_group
    from accounts.models import User

    group = Group.objects.get(name="Support staff")
    group.permissions.clear()  # as an older release left it
    _refresh_support_group(sender=apps.get_app_config("accounts"))  # an app before the last: too early
    assert not group.permissions.exists()
    _refresh_support_group(sender=list(apps.get_app_configs())[-1])
    assert User.objects.get(pk=staff_admin.pk).has_perm("procurement.view_tender")


def test_every_support_admin_field_has_a_label(client, staff_admin):
    """Django's admin leaves the halves of a date and time, and the selects of a table, unlabelled."""
    client.force_login(staff_admin)
    clocked = client.get("/support/django_celery_beat/clockedschedule/add/").text
    assert '<label for="id_clocked_time_0">' in clocked and '<label for="id_clocked_time_1">' in clocked
    person = client.get(reverse("admin:accounts_user_change", args=[staff_admin.pk])).text
    assert 'aria-label="Role"' in person
    assert "css/support-admin" in person  # its own stylesheet, from the service (no inline style)
