"""Roles fit the kind of organisation; staff admins get the support admin but no blanket permissions."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from accounts.services import user_create, user_set_roles
from core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("organisation", "role"),
    [
        ("oakfield", Role.COMMISSIONER),
        ("oakfield", Role.FORUM_MEMBER),
        ("northshire_pcf", Role.FINANCE_APPROVER),
        ("northshire", Role.PROVIDER_USER),
        ("northshire", Role.STAFF_ADMIN),
        ("operator", Role.COMMISSIONER),
    ],
)
def test_a_role_that_does_not_fit_the_organisation_is_refused(request, organisation, role):
    """Nobody at a provider can be a commissioner, nobody at a council a provider user, and so on."""
    org = request.getfixturevalue(organisation)
    with pytest.raises(ValidationError, match="cannot hold these roles"):
        user_create(email="x@example.test", full_name="X", organisation=org, roles=[role], password=None)
    assert not org.users.exists()


def test_a_person_can_hold_several_roles_in_their_council(lead_northshire):
    assert lead_northshire.roles == {Role.COMMISSIONER, Role.LEAD_COMMISSIONER}
    assert lead_northshire.has_role(Role.LEAD_COMMISSIONER)
    assert not lead_northshire.has_role(Role.FINANCE_APPROVER)


def test_staff_admins_use_the_support_admin_but_are_never_superusers(staff_admin):
    """A superuser passes every permission check; deny-by-default must hold for support staff too."""
    assert staff_admin.is_staff
    assert not staff_admin.is_superuser
    assert staff_admin.has_perm("accounts.view_organisation")
    assert staff_admin.has_perm("core.view_auditevent")
    assert not staff_admin.has_perm("core.change_auditevent")
    assert not staff_admin.has_perm("core.download_document", None)


def test_changing_roles_is_audited_and_takes_the_support_admin_away(
    staff_admin, operator, commissioner_northshire
):
    user_set_roles(user=commissioner_northshire, roles=[Role.COMMISSIONER, Role.EVALUATOR], actor=staff_admin)
    assert commissioner_northshire.roles == {Role.COMMISSIONER, Role.EVALUATOR}
    event = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, target_id=str(commissioner_northshire.pk)
    ).get()
    assert event.detail["roles"] == {"from": ["commissioner"], "to": ["commissioner", "evaluator"]}
    other_admin = user_create(
        email="second@operator.test",
        full_name="Second",
        organisation=operator,
        roles=[Role.STAFF_ADMIN],
        password=None,
    )
    user_set_roles(user=other_admin, roles=[], actor=staff_admin)
    assert not other_admin.is_staff
    assert not other_admin.groups.exists()


def test_a_switched_off_account_holds_no_roles(commissioner_northshire):
    commissioner_northshire.is_active = False
    commissioner_northshire.save()
    commissioner_northshire.__dict__.pop("roles", None)
    assert commissioner_northshire.roles == frozenset()
    assert not commissioner_northshire.has_perm("core.signed_in")
