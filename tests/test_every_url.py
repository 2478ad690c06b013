"""Fail closed: every page declares who may use it, and nobody signed out reaches a private one."""

import pytest
from django.conf import settings
from django.test import Client

from core.permissions import declared_permission

from .urls_walk import all_routes

# Public on purpose: signing in and resetting a forgotten password, the health check for load balancers,
# the accessibility statement.
PUBLIC = {
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "core:healthz",
    "core:accessibility",
}

ROUTES = all_routes()
SERVICE_ROUTES = [route for route in ROUTES if route.namespace != "admin"]
ADMIN_ROUTES = [route for route in ROUTES if route.namespace == "admin"]


def test_the_url_walk_finds_the_service():
    """The walk sees the pages it must check (a broken walk would make the checks below pass vacuously)."""
    names = {route.name for route in ROUTES}
    assert {"dashboard:home", "accounts:login", "core:document_list", "core:document_download"} <= names
    assert len(ADMIN_ROUTES) > 5


@pytest.mark.parametrize("route", SERVICE_ROUTES, ids=lambda route: route.name)
def test_every_view_declares_its_permission(route):
    """A view that is neither public nor names a permission is a hole; this test finds it."""
    declared = declared_permission(route.callback)
    assert declared, f"{route.name} declares no permission: use requires(...) or RequiresPermission"
    assert (declared == "public") == (route.name in PUBLIC), f"{route.name} is {declared}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", SERVICE_ROUTES, ids=lambda route: route.name)
def test_signed_out_visitors_are_sent_to_sign_in(route):
    """Without signing in, every page except the public ones redirects to the sign-in page."""
    response = Client().get(route.url)
    if route.name in PUBLIC:
        assert response.status_code in (200, 503)
    else:
        assert response.status_code == 302, f"{route.url} answered {response.status_code}"
        assert response["Location"].startswith(
            settings.LOGIN_URL.replace("accounts:login", "/accounts/login/")
        )


@pytest.mark.django_db
@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=lambda route: route.name)
def test_the_support_admin_is_closed_to_signed_out_visitors(route):
    response = Client().get(route.url)
    assert response.status_code in (302, 404), f"{route.url} answered {response.status_code}"
    if response.status_code == 302:
        assert "/login/" in response["Location"]
