"""Clarifications: asked before the deadline by the server's clock, answered and published to every
provider without saying who asked; only the asking provider sees its own unanswered question."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import Notification
from procurement.models import Clarification
from procurement.services import tenders as services
from tests.access import client_for

from .conftest import clock, fill_and_submit

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)
QUESTION = "Does the service run in the school holidays for pupils at Oakfield?"


def test_a_question_before_the_deadline_is_accepted_and_commissioners_are_told(
    published_tender, provider_oakfield, commissioner_northshire, lead_northshire, commissioner_southvale
):
    with clock(published_tender.clarification_deadline - SECOND):
        services.clarification_ask(tender=published_tender, actor=provider_oakfield, question=QUESTION)
    told = {n.recipient for n in Notification.objects.filter(kind="clarification_asked")}
    assert told == {commissioner_northshire, lead_northshire}


@pytest.mark.parametrize("after", [datetime.timedelta(0), SECOND])
def test_a_question_at_or_after_the_clarification_deadline_is_refused(
    published_tender, provider_oakfield, after
):
    with clock(published_tender.clarification_deadline + after), pytest.raises(ValidationError):
        services.clarification_ask(tender=published_tender, actor=provider_oakfield, question=QUESTION)
    assert not Clarification.objects.exists()


def test_only_provider_users_ask(published_tender, commissioner_northshire):
    with pytest.raises(PermissionDenied):
        services.clarification_ask(tender=published_tender, actor=commissioner_northshire, question=QUESTION)


def test_the_published_answer_never_says_who_asked(
    request, published_tender, provider_oakfield, provider_riverside, commissioner_northshire
):
    question = services.clarification_ask(tender=published_tender, actor=provider_oakfield, question=QUESTION)
    url = reverse("procurement:tender_detail", args=[published_tender.pk])
    # Before the answer: only Oakfield sees its own question.
    assert QUESTION in client_for(request, "provider_oakfield").get(url).content.decode()
    assert QUESTION not in client_for(request, "provider_riverside").get(url).content.decode()
    fill_and_submit(published_tender, provider_riverside, submit=False)  # Riverside has started a bid
    services.clarification_answer(
        clarification=question,
        actor=commissioner_northshire,
        question="Does the service run in the school holidays?",
        answer="Yes, for every child whose plan names it.",
    )
    for persona in ("provider_oakfield", "provider_riverside"):
        page = client_for(request, persona).get(url).content.decode()
        assert "Does the service run in the school holidays?" in page
        assert "Yes, for every child whose plan names it." in page
        assert "Your questions waiting" not in page
        if persona == "provider_riverside":  # (Oakfield's own page names Oakfield in its header)
            assert "Oakfield" not in page and "Daniel Okafor" not in page and "provider@oakfield" not in page
    told = [n.recipient for n in Notification.objects.filter(kind="clarification_published")]
    assert told == [provider_riverside]  # the providers that started a bid


def test_an_answer_is_published_once_by_the_authoritys_commissioner(
    published_tender, provider_oakfield, commissioner_northshire, commissioner_southvale
):
    question = services.clarification_ask(tender=published_tender, actor=provider_oakfield, question=QUESTION)
    with pytest.raises(PermissionDenied):
        services.clarification_answer(clarification=question, actor=commissioner_southvale, answer="No")
    with pytest.raises(ValidationError):
        services.clarification_answer(clarification=question, actor=commissioner_northshire, answer=" ")
    services.clarification_answer(clarification=question, actor=commissioner_northshire, answer="Yes")
    with pytest.raises(ValidationError):
        services.clarification_answer(clarification=question, actor=commissioner_northshire, answer="Again")
    question.refresh_from_db()
    assert question.answer == "Yes" and question.answered_by == commissioner_northshire


def test_the_answer_page_is_the_authoritys_alone(request, published_tender, provider_oakfield):
    question = services.clarification_ask(tender=published_tender, actor=provider_oakfield, question=QUESTION)
    url = reverse("procurement:clarification_answer", args=[question.pk])
    assert client_for(request, "commissioner_northshire").get(url).status_code == 200
    assert client_for(request, "commissioner_southvale").get(url).status_code == 404
    assert client_for(request, "provider_oakfield").get(url).status_code == 403
    response = client_for(request, "commissioner_northshire").post(url, {"question": QUESTION, "answer": ""})
    assert response.status_code == 400 and "Enter the answer" in response.content.decode()


def test_asking_through_the_page(request, published_tender):
    client = client_for(request, "provider_riverside")
    url = reverse("procurement:clarification_ask", args=[published_tender.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"question": ""}).status_code == 400
    response = client.post(url, {"question": "How many children?"})
    assert response.status_code == 302
    assert Clarification.objects.get().question == "How many children?"
