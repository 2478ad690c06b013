import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from commissioning.models import SpecificationStatus
from commissioning.services.specifications import specification_create, specification_edit
from coproduction.models import Comment, Consultation, ConsultationStatus, ForumVisit, Outcome
from coproduction.selectors import forum_home_changes
from coproduction.services import (
    comment_add,
    consultation_close,
    consultation_complete,
    consultation_open,
    response_record,
)
from tests.access import ANONYMOUS, assert_access, client_for, only

from .conftest import TODAY

NORTHSHIRE_STAFF = [
    "commissioner_northshire",
    "lead_northshire",
    "evaluator_northshire",
    "finance_northshire",
    "legal_northshire",
]
COMMISSIONERS = ["commissioner_northshire", "lead_northshire"]
READ = only({**{p: 200 for p in NORTHSHIRE_STAFF}, "forum_member": 200, "commissioner_southvale": 404})
MANAGE = only({**{p: 200 for p in COMMISSIONERS}, "commissioner_southvale": 404})


def _url(name, consultation, *args):
    return reverse(f"coproduction:{name}", args=[consultation.pk, *args])


def test_list_access(request, consultation):
    url = reverse("coproduction:consultation_list")
    assert_access(
        request,
        url,
        only({**{p: 200 for p in NORTHSHIRE_STAFF}, "commissioner_southvale": 200, "forum_member": 200}),
    )


def test_create_access(request, consultation):
    table = only({**{p: 200 for p in COMMISSIONERS}, "commissioner_southvale": 200})
    assert_access(request, reverse("coproduction:consultation_create"), table)


@pytest.mark.parametrize("name", ["consultation_detail", "you_said_we_did"])
def test_read_pages_access(request, consultation, name):
    assert_access(request, _url(name, consultation), READ)


@pytest.mark.parametrize("name", ["consultation_close", "consultation_complete"])
def test_manage_pages_access(request, consultation, name):
    assert_access(request, _url(name, consultation), MANAGE)


def test_respond_access(request, comment):
    assert_access(request, _url("response_add", comment.consultation, comment.pk), MANAGE)


def test_comment_access(request, consultation):
    table = only({"forum_member": 302})
    assert_access(
        request, _url("comment_add", consultation, "aims"), table, method="post", data={"aims-text": "Hello"}
    )
    assert Comment.objects.filter(author__email="forum@northshire-pcf.test").count() == 1


def test_pdf_access_once_complete(request, comment, commissioner_northshire):
    url = _url("you_said_we_did_pdf", comment.consultation)
    assert client_for(request, "commissioner_northshire").get(url).status_code == 404
    response_record(
        actor=commissioner_northshire,
        comment=comment,
        outcome=Outcome.NOT_ACCEPTED,
        explanation="Not this year.",
    )
    consultation_close(actor=commissioner_northshire, consultation=comment.consultation)
    consultation_complete(actor=commissioner_northshire, consultation=comment.consultation)
    assert_access(request, url, READ)


def test_uninvited_forum_and_scheduled_consultation_are_404_for_forum(
    request, commissioner_northshire, specification, northshire_pcf, southvale_pcf, forum_member
):
    uninvited = consultation_open(
        actor=commissioner_northshire,
        specification=specification,
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=5),
        forums=[southvale_pcf],
    )
    other_spec = specification_create(
        actor=commissioner_northshire, title="Speech therapy", sections={"aims": "Talk."}
    )
    scheduled = consultation_open(
        actor=commissioner_northshire,
        specification=other_spec,
        opens_on=TODAY + datetime.timedelta(days=2),
        closes_on=TODAY + datetime.timedelta(days=5),
        forums=[northshire_pcf],
    )
    client = client_for(request, "forum_member")
    for consultation in (uninvited, scheduled):
        for name in ("consultation_detail", "you_said_we_did"):
            assert client.get(_url(name, consultation)).status_code == 404
        assert client.post(_url("comment_add", consultation, "aims"), {"aims-text": "Hi"}).status_code == 404
    page = client.get(reverse("coproduction:consultation_list")).content.decode()
    assert "Speech therapy" not in page


def test_forum_member_never_reaches_commissioning_pages(request, consultation):
    client = client_for(request, "forum_member")
    spec = consultation.version.specification
    assert client.get(reverse("commissioning:case_list")).status_code == 403
    assert client.get(reverse("commissioning:spec_detail", args=[spec.pk])).status_code == 403
    page = client.get(_url("consultation_detail", consultation)).content.decode()
    assert "/commissioning/" not in page
    assert "Give families a break" in page  # the version's sections, in plain layout
    for word in ("price", "business case", "tender", "contract"):
        assert word not in page.lower()


def test_forum_member_comments_and_sees_answer(request, consultation, commissioner_northshire):
    client = client_for(request, "forum_member")
    response = client.post(_url("comment_add", consultation, "eligibility"), {"eligibility-text": "Up to 25"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    empty = client.post(_url("comment_add", consultation, "aims"), {"aims-text": "  "})
    assert empty.status_code == 400 and "Enter your comment" in empty.content.decode()
    assert client.post(_url("comment_add", consultation, "prices"), {"prices-text": "x"}).status_code == 404
    manager = client_for(request, "commissioner_northshire")
    answer = manager.post(
        _url("response_add", consultation, comment.pk),
        {"outcome": "partly", "explanation": "We now say up to 25.", "changed_section": ""},
    )
    assert answer.status_code == 400 and "Select the section that changed" in answer.content.decode()
    answer = manager.post(
        _url("response_add", consultation, comment.pk),
        {"outcome": "partly", "explanation": "We now say up to 25.", "changed_section": "eligibility"},
    )
    assert answer.status_code == 302
    page = client.get(_url("consultation_detail", consultation)).content.decode()
    assert "We now say up to 25." in page and "Partly accepted" in page


def test_comment_refused_after_close(request, consultation, commissioner_northshire):
    consultation_close(actor=commissioner_northshire, consultation=consultation)
    client = client_for(request, "forum_member")
    response = client.post(_url("comment_add", consultation, "aims"), {"aims-text": "Late"})
    assert response.status_code == 400
    assert "comments are only taken while it is open" in response.content.decode()
    assert "Your comment on" not in client.get(_url("consultation_detail", consultation)).content.decode()


def test_create_page_opens_consultation(request, specification, northshire_pcf, forum_member):
    client = client_for(request, "commissioner_northshire")
    response = client.post(
        reverse("coproduction:consultation_create"),
        {
            "specification": specification.pk,
            "opens_on": TODAY.isoformat(),
            "closes_on": (TODAY + datetime.timedelta(days=14)).isoformat(),
            "forums": [northshire_pcf.pk],
        },
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302 and response.url == _url("consultation_detail", consultation)
    assert consultation.status == ConsultationStatus.OPEN
    specification.refresh_from_db()
    assert specification.status == SpecificationStatus.IN_CONSULTATION
    bad = client.post(reverse("coproduction:consultation_create"), {"specification": specification.pk})
    assert bad.status_code == 400 and "Select at least one parent carer forum" in bad.content.decode()


def test_complete_page_refused_with_count(request, comment, commissioner_northshire):
    consultation = comment.consultation
    consultation_close(actor=commissioner_northshire, consultation=consultation)
    client = client_for(request, "commissioner_northshire")
    page = client.get(_url("consultation_complete", consultation)).content.decode()
    assert "1 comment has not been answered yet" in page
    response = client.post(_url("consultation_complete", consultation), {})
    assert response.status_code == 400 and "1 comment has not been answered yet" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED


def test_close_early_page(request, consultation):
    client = client_for(request, "commissioner_northshire")
    assert client.post(_url("consultation_close", consultation), {}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED
    again = client.post(_url("consultation_close", consultation), {})
    assert again.status_code == 400


def test_pdf_has_title_and_both_answers(
    request, consultation, forum_member, commissioner_northshire, specification
):
    first = comment_add(actor=forum_member, consultation=consultation, section="aims", text="Weekends too")
    second = comment_add(actor=forum_member, consultation=consultation, section="eligibility", text="Age 25")
    version2 = specification_edit(
        actor=commissioner_northshire,
        specification=specification,
        sections={"aims": "Weekends included."},
        change_summary="Weekends",
    )
    response_record(
        actor=commissioner_northshire,
        comment=first,
        outcome=Outcome.ACCEPTED,
        explanation="Saturday sessions added.",
        changed_section="aims",
        changed_in_version=version2,
    )
    response_record(
        actor=commissioner_northshire,
        comment=second,
        outcome=Outcome.NOT_ACCEPTED,
        explanation="Another service covers 19 to 25.",
    )
    consultation_close(actor=commissioner_northshire, consultation=consultation)
    consultation_complete(actor=commissioner_northshire, consultation=consultation)
    response = client_for(request, "forum_member").get(_url("you_said_we_did_pdf", consultation))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "You said, we did: Short breaks for disabled children" in text
    assert "Saturday sessions added." in text and "Another service covers 19 to 25." in text
    assert "Accepted" in text and "Not accepted" in text and "in version 2" in text


def test_forum_home_changes_and_visit(
    request, consultation, forum_member, commissioner_northshire, specification
):
    client = client_for(request, "forum_member")
    first = client.get(reverse("coproduction:consultation_list")).content.decode()
    assert "This is your first visit" in first
    seen = ForumVisit.objects.get(user=forum_member).last_seen_at
    assert not forum_home_changes(forum_member, seen)
    comment = comment_add(actor=forum_member, consultation=consultation, section="aims", text="Weekends")
    response_record(
        actor=commissioner_northshire, comment=comment, outcome=Outcome.NOT_ACCEPTED, explanation="No budget."
    )
    specification_edit(
        actor=commissioner_northshire,
        specification=specification,
        sections={"aims": "New aims."},
        change_summary="Clearer aims",
    )
    changes = forum_home_changes(forum_member, seen)
    assert len(changes.responses) == 1 and [v.number for v in changes.new_versions] == [2]
    assert forum_home_changes(forum_member, None).new_consultations == [consultation]
    page = client.get(reverse("coproduction:consultation_list")).content.decode()
    assert "The council answered your comment" in page and "Clearer aims" in page
    assert "Nothing has changed" in client.get(reverse("coproduction:consultation_list")).content.decode()
    assert forum_home_changes(commissioner_northshire, None).responses == []


def test_anonymous_redirected_to_login(request, consultation):
    response = client_for(request, ANONYMOUS).get(_url("consultation_detail", consultation))
    assert response.status_code == 302 and "/accounts/login/" in response.url
