"""CSRF protection holds on every page: a POST without the form's token is refused before the view runs.

Walks every URL pattern (the admin's too), signed in as a commissioner with every council role and as a
provider, with Django's test client enforcing CSRF checks as a browser's request would meet them.
"""

import pytest
from django.test import Client

from .urls_walk import all_routes

ROUTES = all_routes()


@pytest.fixture
def signed_in_clients(lead_northshire, provider_oakfield, staff_admin):
    clients = []
    for user in (lead_northshire, provider_oakfield, staff_admin):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        clients.append(client)
    return clients


@pytest.mark.django_db
def test_every_post_without_a_csrf_token_is_refused(signed_in_clients):
    accepted = []
    for route in ROUTES:
        for client in signed_in_clients:
            response = client.post(route.url, {"confirm": "yes"})
            # 403 from the CSRF check; 405 where the page takes no POST at all.
            if response.status_code not in (403, 405):
                accepted.append(f"{route.name} {route.url} -> {response.status_code}")
                break
            if response.status_code == 403:
                assert b"Your form could not be sent" in response.content, f"{route.name}: not the CSRF check"
    assert not accepted, "POST accepted without a CSRF token:\n" + "\n".join(accepted)


@pytest.mark.django_db
def test_the_sign_in_form_needs_its_token():
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "nobody@example.org", "password": "x"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your form could not be sent" in page and "Nothing has been saved" in page
