"""Resetting a forgotten password by email, without telling strangers which addresses have accounts."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def reset_link() -> str:
    return re.search(r"https?://[^/]+(/accounts/password-reset/[^\s]+/)", mail.outbox[-1].body).group(1)


def test_a_person_resets_a_forgotten_password_by_email(client, commissioner_northshire):
    response = client.post(
        reverse("accounts:password_reset"), {"email": commissioner_northshire.email}, follow=True
    )
    assert "Check your email" in response.text
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your SEND Commissioning password"
    form = client.get(reset_link(), follow=True)
    assert "Choose a new password" in form.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-fresh-long-passphrase", "new_password2": "a-fresh-long-passphrase"},
        follow=True,
    )
    assert "Your password has been set" in done.text
    commissioner_northshire.refresh_from_db()
    assert commissioner_northshire.check_password("a-fresh-long-passphrase")
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, detail={"password": "reset"}).exists()


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@nowhere.test"}, follow=True)
    assert "Check your email" in response.text
    assert mail.outbox == []


def test_a_reset_link_works_once(client, commissioner_northshire):
    client.post(reverse("accounts:password_reset"), {"email": commissioner_northshire.email})
    link = client.get(reset_link(), follow=True).redirect_chain[-1][0]
    client.post(
        link, {"new_password1": "a-fresh-long-passphrase", "new_password2": "a-fresh-long-passphrase"}
    )
    again = client.get(reset_link(), follow=True)
    assert "This link has expired" in again.text


def test_a_new_password_must_be_long_enough(client, commissioner_northshire):
    client.post(reverse("accounts:password_reset"), {"email": commissioner_northshire.email})
    link = client.get(reset_link(), follow=True).redirect_chain[-1][0]
    response = client.post(link, {"new_password1": "short", "new_password2": "short"})
    assert "There is a problem" in response.text
    assert "at least 12 characters" in response.text


def test_the_request_form_asks_for_a_valid_address(client, db):
    assert "Enter your email address" in client.post(reverse("accounts:password_reset"), {"email": ""}).text
    assert "in the correct format" in client.post(reverse("accounts:password_reset"), {"email": "nope"}).text
