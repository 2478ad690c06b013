"""Evaluation pages: the access matrix for every page, conflicts and declarations hiding bids, forms
answering 400 with errors, and award letters only for their own bidder."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.models import (
    ConflictDeclaration,
    PanelMember,
    Score,
    TenderStatus,
)
from procurement.services import awards
from tests.access import assert_access, only

from .conftest import make_bid, make_tender, marked, moderate_all, pass_checks

S = TenderStatus
pytestmark = pytest.mark.django_db

COMMISSIONERS = {"commissioner_northshire": 200, "lead_northshire": 200}


def url(name, *args):
    return reverse(f"procurement:{name}", args=args)


def to_standstill(tender, bids, commissioner):
    for bid in bids.values():
        moderate_all(bid, by=commissioner)
        pass_checks(bid, by=commissioner)
    awards.tender_recommend_award(tender=tender, actor=commissioner)
    awards.tender_start_standstill(tender=tender, actor=commissioner)
    tender.refresh_from_db()


# The access matrix ---------------------------------------------------------------------------------


def test_evaluation_list_access(request, tender, declared):
    assert_access(
        request,
        url("evaluation_list"),
        only({**COMMISSIONERS, "evaluator_northshire": 200, "commissioner_southvale": 200}),
    )


def test_tender_page_access(request, tender, bids, declared):
    """The tender's commissioners and its panel; another authority's commissioner gets 404."""
    assert_access(
        request,
        url("evaluation_tender", tender.pk),
        only({**COMMISSIONERS, "evaluator_northshire": 200, "commissioner_southvale": 404}),
    )


def test_bid_page_access(request, tender, bids, declared):
    assert_access(
        request,
        url("evaluation_bid", tender.pk, bids["oakfield"].pk),
        only({**COMMISSIONERS, "evaluator_northshire": 200, "commissioner_southvale": 404}),
    )


def test_panel_page_access(request, tender, panel):
    assert_access(
        request, url("evaluation_panel", tender.pk), only({**COMMISSIONERS, "commissioner_southvale": 404})
    )


def test_declaration_page_access(request, tender, bids, panel):
    assert_access(request, url("evaluation_declaration", tender.pk), only({"evaluator_northshire": 200}))


def test_moderation_page_access(request, tender, bids, declared):
    """Commissioners moderate; an evaluator who is not the moderator gets 404."""
    assert_access(
        request,
        url("evaluation_moderate", tender.pk, bids["oakfield"].pk),
        only({**COMMISSIONERS, "evaluator_northshire": 404, "commissioner_southvale": 404}),
    )


@pytest.mark.parametrize(
    "name",
    [
        "evaluation_scores",
        "evaluation_recommend",
        "evaluation_withdraw",
        "evaluation_standstill",
        "evaluation_award",
    ],
)
def test_commissioner_pages_access(request, tender, bids, declared, name):
    assert_access(request, url(name, tender.pk), only({**COMMISSIONERS, "commissioner_southvale": 404}))


def test_compliance_page_access(request, tender, bids, declared):
    assert_access(
        request,
        url("evaluation_compliance", tender.pk, bids["oakfield"].pk),
        only({**COMMISSIONERS, "commissioner_southvale": 404}),
    )


def test_award_letter_access(request, tender, bids, commissioner_northshire):
    """Oakfield's letter: Oakfield and Northshire's commissioners; Riverside and Southvale get 404."""
    to_standstill(tender, bids, commissioner_northshire)
    assert_access(
        request,
        url("award_letter", bids["oakfield"].pk),
        only(
            {
                **COMMISSIONERS,
                "provider_oakfield": 200,
                "provider_riverside": 404,
                "commissioner_southvale": 404,
            }
        ),
    )


def test_outcomes_page_access(request):
    assert_access(request, url("my_outcomes"), only({"provider_oakfield": 200, "provider_riverside": 200}))


@pytest.mark.parametrize("status", [S.PUBLISHED, S.CLOSED])
def test_before_opening_every_evaluation_page_answers_404(
    client, northshire, commissioner_northshire, evaluator_northshire, oakfield, provider_oakfield, status
):
    tender = make_tender(organisation=northshire, created_by=commissioner_northshire, status=status)
    bid = make_bid(tender=tender, provider=oakfield, created_by=provider_oakfield)
    PanelMember.objects.create(
        tender=tender, evaluator=evaluator_northshire, added_by=commissioner_northshire
    )
    pages = [
        url("evaluation_tender", tender.pk),
        url("evaluation_bid", tender.pk, bid.pk),
        url("evaluation_moderate", tender.pk, bid.pk),
        url("evaluation_compliance", tender.pk, bid.pk),
        url("evaluation_scores", tender.pk),
        url("evaluation_recommend", tender.pk),
    ]
    client.force_login(commissioner_northshire)
    for page in pages:
        assert client.get(page).status_code == 404, page
    client.force_login(evaluator_northshire)
    for page in pages[:3]:  # the pages an evaluator's role may use at all
        assert client.get(page).status_code == 404, page
    client.force_login(evaluator_northshire)
    assert client.get(url("evaluation_declaration", tender.pk)).status_code == 404


# Declarations and conflicts ------------------------------------------------------------------------


def test_an_evaluator_not_on_the_panel_gets_404(client, tender, bids, other_evaluator):
    client.force_login(other_evaluator)
    assert client.get(url("evaluation_tender", tender.pk)).status_code == 404
    assert client.get(url("evaluation_bid", tender.pk, bids["oakfield"].pk)).status_code == 404
    assert client.get(url("evaluation_declaration", tender.pk)).status_code == 404


def test_before_declaring_an_evaluator_sees_only_the_bidders_names(
    client, tender, bids, panel, evaluator_northshire
):
    client.force_login(evaluator_northshire)
    page = client.get(url("evaluation_tender", tender.pk)).content.decode()
    assert "Oakfield School Ltd" in page and "Riverside Learning Trust" in page
    assert url("evaluation_bid", tender.pk, bids["oakfield"].pk) not in page
    for bid in bids.values():
        assert client.get(url("evaluation_bid", tender.pk, bid.pk)).status_code == 404


def test_declaring_a_conflict_hides_that_bidder_for_good(
    client, tender, bids, panel, evaluator_northshire, riverside
):
    client.force_login(evaluator_northshire)
    response = client.post(
        url("evaluation_declaration", tender.pk),
        {"has_conflict": "yes", "conflicted_providers": [riverside.pk], "details": "My brother is its head."},
    )
    assert response.status_code == 302
    page = client.get(url("evaluation_tender", tender.pk)).content.decode()
    assert url("evaluation_bid", tender.pk, bids["oakfield"].pk) in page
    assert url("evaluation_bid", tender.pk, bids["riverside"].pk) not in page
    assert "1 bid you can see" in page
    assert client.get(url("evaluation_bid", tender.pk, bids["riverside"].pk)).status_code == 404
    # Trying to declare again changes nothing.
    client.post(url("evaluation_declaration", tender.pk), {"has_conflict": "no"})
    assert list(ConflictDeclaration.objects.get().conflicted_providers.all()) == [riverside]
    assert client.get(url("evaluation_bid", tender.pk, bids["riverside"].pk)).status_code == 404


def test_a_declaration_with_a_conflict_but_no_details_answers_400(
    client, tender, bids, panel, evaluator_northshire, riverside
):
    client.force_login(evaluator_northshire)
    response = client.post(
        url("evaluation_declaration", tender.pk),
        {"has_conflict": "yes", "conflicted_providers": [riverside.pk]},
    )
    assert response.status_code == 400
    assert "Describe the conflict of interest" in response.content.decode()
    assert not ConflictDeclaration.objects.exists()


# Scoring -------------------------------------------------------------------------------------------


def score_data(tender, marks=(4, 3, 7)):
    data = {}
    for criterion, value in zip(marked(tender), marks, strict=True):
        data[f"marks_{criterion.pk}"] = str(value)
        data[f"text_{criterion.pk}"] = "Clear evidence."
    return data


def test_an_evaluator_scores_a_bid(client, tender, bids, declared, evaluator_northshire):
    client.force_login(evaluator_northshire)
    response = client.post(url("evaluation_bid", tender.pk, bids["oakfield"].pk), score_data(tender))
    assert response.status_code == 302
    assert Score.objects.filter(evaluator=evaluator_northshire).count() == 3


def test_marks_out_of_range_answer_400_and_save_nothing(client, tender, bids, declared, evaluator_northshire):
    client.force_login(evaluator_northshire)
    response = client.post(
        url("evaluation_bid", tender.pk, bids["oakfield"].pk), score_data(tender, (9, 3, 7))
    )
    assert response.status_code == 400
    assert "must be a whole number from 0 to 5" in response.content.decode()
    assert not Score.objects.exists()


def test_a_commissioner_cannot_score(client, tender, bids, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(url("evaluation_bid", tender.pk, bids["oakfield"].pk), score_data(tender))
    assert response.status_code == 403
    assert not Score.objects.exists()


def test_others_scores_stay_hidden_until_the_evaluator_has_scored_the_whole_bid(
    client, tender, bids, declared, evaluator_northshire, other_evaluator, commissioner_northshire
):
    PanelMember.objects.create(tender=tender, evaluator=other_evaluator, added_by=commissioner_northshire)
    ConflictDeclaration.objects.create(tender=tender, evaluator=other_evaluator)
    client.force_login(other_evaluator)
    client.post(url("evaluation_bid", tender.pk, bids["oakfield"].pk), score_data(tender, (1, 2, 3)))
    client.force_login(evaluator_northshire)
    bid_url = url("evaluation_bid", tender.pk, bids["oakfield"].pk)
    assert "Lena Brooks" not in client.get(bid_url).content.decode()
    client.post(bid_url, score_data(tender))
    assert "Lena Brooks" in client.get(bid_url).content.decode()


def test_a_commissioner_moderates_and_checks_compliance(client, tender, bids, commissioner_northshire):
    client.force_login(commissioner_northshire)
    data = {k.replace("text_", "text_"): v for k, v in score_data(tender).items()}
    response = client.post(url("evaluation_moderate", tender.pk, bids["oakfield"].pk), data)
    assert response.status_code == 302
    assert bids["oakfield"].moderated_scores.count() == 3
    checks = {}
    for kind in ("registration", "insurance", "policies", "financial"):
        checks[f"{kind}_passed"] = "pass"
        checks[f"{kind}_evidence"] = "Checked."
    checks["insurance_passed"] = "fail"
    response = client.post(url("evaluation_compliance", tender.pk, bids["riverside"].pk), checks)
    assert response.status_code == 302
    bids["riverside"].refresh_from_db()
    assert bids["riverside"].excluded_at and "Insurance: Checked." in bids["riverside"].excluded_reason


def test_the_scores_page_states_the_price_formula(client, tender, bids, commissioner_northshire):
    """Oakfield 75.00 and Riverside 80.00, as worked by hand in test_scoring."""
    for bid, marks in ((bids["oakfield"], [4, 3, 7]), (bids["riverside"], [3, 4, 6])):
        moderate_all(bid, by=commissioner_northshire, marks=marks)
        pass_checks(bid, by=commissioner_northshire)
    client.force_login(commissioner_northshire)
    page = client.get(url("evaluation_scores", tender.pk)).content.decode()
    assert "Price score = (lowest compliant price ÷ this bid&#x27;s price) × price weight" in page
    assert "80.00" in page and "75.00" in page


def test_the_recommend_page_lists_what_is_missing(client, tender, bids, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(url("evaluation_recommend", tender.pk), {})
    assert response.status_code == 400
    tender.refresh_from_db()
    assert tender.status == S.EVALUATION


def test_award_before_standstill_ends_answers_400(client, tender, bids, commissioner_northshire):
    to_standstill(tender, bids, commissioner_northshire)
    client.force_login(commissioner_northshire)
    response = client.post(url("evaluation_award", tender.pk), {})
    assert response.status_code == 400
    assert "standstill period ends on" in response.content.decode()
    tender.refresh_from_db()
    assert tender.status == S.STANDSTILL


# Letters -------------------------------------------------------------------------------------------


def test_a_bidder_downloads_its_own_letter_as_a_pdf(
    client, tender, bids, commissioner_northshire, provider_riverside
):
    to_standstill(tender, bids, commissioner_northshire)
    client.force_login(provider_riverside)
    outcomes = client.get(url("my_outcomes")).content.decode()
    assert url("award_letter", bids["riverside"].pk) in outcomes
    assert url("award_letter", bids["oakfield"].pk) not in outcomes
    assert "Successful" in outcomes
    response = client.get(url("award_letter", bids["riverside"].pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(url("award_letter", bids["oakfield"].pk)).status_code == 404


def test_no_letter_before_standstill(client, tender, bids, provider_oakfield):
    client.force_login(provider_oakfield)
    assert client.get(url("award_letter", bids["oakfield"].pk)).status_code == 404
    assert "Being evaluated" in client.get(url("my_outcomes")).content.decode()


def test_the_letter_gives_the_bidders_scores_and_the_winners(tender, bids, commissioner_northshire):
    from procurement.selectors.evaluation import award_letter_context

    for bid, marks in ((bids["oakfield"], [4, 3, 7]), (bids["riverside"], [3, 4, 6])):
        moderate_all(bid, by=commissioner_northshire, marks=marks)
        pass_checks(bid, by=commissioner_northshire)
    awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    awards.tender_start_standstill(tender=tender, actor=commissioner_northshire)
    context = award_letter_context(bids["oakfield"])
    assert (str(context["own"].total), context["own"].rank, context["bidders_ranked"]) == ("75.00", 2, 2)
    assert str(context["winner"].total) == "80.00" and not context["is_winner"]


# Query counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 20])
def test_the_tender_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, northshire, commissioner_northshire, count
):
    from accounts.models import OrganisationKind
    from accounts.services import organisation_create

    tender = make_tender(organisation=northshire, created_by=commissioner_northshire)
    for i in range(count):
        provider = organisation_create(
            name=f"Provider {i:02}", slug=f"provider-{i}", kind=OrganisationKind.PROVIDER
        )
        make_bid(tender=tender, provider=provider, created_by=commissioner_northshire)
    client.force_login(commissioner_northshire)
    with django_assert_max_num_queries(25):
        assert client.get(url("evaluation_tender", tender.pk)).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(url("evaluation_scores", tender.pk)).status_code == 200


def test_standstill_page_names_the_end_date(client, tender, bids, commissioner_northshire):
    for bid in bids.values():
        moderate_all(bid, by=commissioner_northshire)
        pass_checks(bid, by=commissioner_northshire)
    awards.tender_recommend_award(tender=tender, actor=commissioner_northshire)
    client.force_login(commissioner_northshire)
    expected = awards.standstill_end_date(timezone.localdate())
    page = client.get(url("evaluation_standstill", tender.pk)).content.decode()
    assert f"{expected.day} {expected:%B %Y}" in page
    assert client.post(url("evaluation_standstill", tender.pk), {}).status_code == 302
    tender.refresh_from_db()
    assert tender.status == S.STANDSTILL and tender.standstill_end_on == expected
    assert tender.standstill_end_on > timezone.localdate() + datetime.timedelta(days=9)


def test_the_letter_pdf_names_the_bidders_total_and_the_winners(
    client, tender, bids, commissioner_northshire, provider_oakfield
):
    """Oakfield 75.00, Riverside (the winner) 83.00 with the default moderated marks 4, 3, 7."""
    import io

    from pypdf import PdfReader

    to_standstill(tender, bids, commissioner_northshire)
    client.force_login(provider_oakfield)
    response = client.get(url("award_letter", bids["oakfield"].pk))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Oakfield School Ltd" in text and "Riverside Learning Trust" in text
    assert "75.00" in text and "83.00" in text
    assert "ranked 2 of 2" in text


def test_the_compliance_page_shows_the_providers_pack_beside_the_form(
    client, tender, bids, commissioner_northshire, oakfield
):
    from procurement.services.compliance import provider_profile_get_or_create

    provider_profile_get_or_create(organisation=oakfield)
    client.force_login(commissioner_northshire)
    page = client.get(url("evaluation_compliance", tender.pk, bids["oakfield"].pk)).content.decode()
    assert "0 of 7 items in place" in page
    assert "Safeguarding policy" in page


@pytest.mark.parametrize("count", [2, 20])
def test_the_outcomes_and_evaluation_lists_run_a_fixed_number_of_queries(
    client,
    django_assert_max_num_queries,
    northshire,
    commissioner_northshire,
    oakfield,
    provider_oakfield,
    count,
):
    for i in range(count):
        tender = make_tender(
            organisation=northshire, created_by=commissioner_northshire, reference=f"NS-{i:03}"
        )
        make_bid(tender=tender, provider=oakfield, created_by=provider_oakfield)
    client.force_login(provider_oakfield)
    with django_assert_max_num_queries(15):
        assert client.get(url("my_outcomes")).status_code == 200
    client.force_login(commissioner_northshire)
    with django_assert_max_num_queries(15):
        assert client.get(url("evaluation_list")).status_code == 200


def test_a_bids_document_is_readable_by_the_panel_but_not_by_a_conflicted_evaluator(
    client, tender, bids, panel, evaluator_northshire, oakfield, provider_oakfield, commissioner_northshire
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.documents import document_store
    from core.tests.test_uploads import pdf_bytes
    from procurement.models import SubmissionDocument

    document = document_store(
        organisation=oakfield,
        uploaded_by=provider_oakfield,
        uploaded_file=SimpleUploadedFile("pricing.pdf", pdf_bytes(), content_type="application/pdf"),
        title="Pricing schedule",
    )
    item = SubmissionDocument.objects.create(submission=bids["oakfield"], document=document, sha256="0" * 64)
    document_url = url("evaluation_bid_document", tender.pk, bids["oakfield"].pk, item.pk)
    client.force_login(commissioner_northshire)
    assert client.get(document_url).status_code == 200
    client.force_login(evaluator_northshire)
    assert client.get(document_url).status_code == 404  # not declared yet
    from procurement.services.evaluation import conflict_declare

    conflict_declare(
        tender=tender, evaluator=evaluator_northshire, conflicted_providers=[oakfield], details="x"
    )
    assert client.get(document_url).status_code == 404
