"""The service's own pages: health, accessibility statement, error pages."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.support import require

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_and_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] in ("sqlite", "postgresql")
    assert body["broker"] == ("redis" if settings.REDIS_URL else "in-process (tasks run eagerly)")


def test_healthz_answers_503_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["broker"].startswith("unreachable")


def test_healthz_reaches_a_real_redis_when_one_is_configured(client, settings):
    import os

    redis_url = os.environ.get("REDIS_URL", "")
    require(bool(redis_url), "REDIS_URL is not set (no Redis broker on this machine)")
    settings.REDIS_URL = redis_url
    assert client.get("/healthz").json()["broker"] == "redis"


def test_the_accessibility_statement_is_public(client):
    response = client.get(reverse("core:accessibility"))
    assert response.status_code == 200
    assert "Accessibility statement for SEND Commissioning" in response.text
    assert "WCAG" in response.text or "Web Content Accessibility Guidelines" in response.text


def test_a_missing_page_answers_404_in_the_services_layout(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "app-header" in response.text


def test_a_page_beyond_the_role_answers_403_in_the_services_layout(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.get(reverse("core:audit_log"))
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.text


def test_a_server_error_shows_the_service_error_page_without_the_database():
    from core.errors import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


def test_an_unexpected_error_in_a_view_answers_500_with_the_error_page(
    settings, commissioner_northshire, monkeypatch
):
    import dashboard.views

    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr(dashboard.views, "home_stages_for", broken)
    client = Client(raise_request_exception=False)
    client.force_login(commissioner_northshire)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


def test_error_summary_links_land_on_the_first_radio_of_a_radio_question():
    from django import forms as django_forms

    from core.forms import GovForm

    class Choice(GovForm):
        colour = django_forms.ChoiceField(
            choices=[("r", "Red"), ("b", "Blue")],
            widget=django_forms.RadioSelect,
            error_messages={"required": "Select a colour"},
        )
        name = django_forms.CharField(error_messages={"required": "Enter a name"})

    from django.template import engines

    form = Choice(data={})
    assert not form.is_valid()
    page = (
        engines["django"]
        .from_string("{% load crispy_forms_gds crispy_forms_tags %}{% error_summary form %}{% crispy form %}")
        .render({"form": form})
    )
    assert '<a href="#id_colour_1">Select a colour</a>' in page
    assert 'id="id_colour_1"' in page
    assert '<a href="#id_name">Enter a name</a>' in page
