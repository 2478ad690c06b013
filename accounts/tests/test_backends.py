"""Django's model permissions are the support admin's alone: nobody else holds one, and asking is free."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_only_support_staff_hold_model_permissions(
    commissioner_northshire, staff_admin, django_assert_num_queries
):
    # Given one directly, as no page of the service ever would: a person who is not staff still holds none.
    commissioner_northshire.user_permissions.add(Permission.objects.get(codename="view_user"))
    person = User.objects.get(pk=commissioner_northshire.pk)
    with django_assert_num_queries(0):
        assert not person.has_perm("accounts.view_user")
        assert person.get_all_permissions() == set()
    assert User.objects.get(pk=staff_admin.pk).has_perm("accounts.view_user")
