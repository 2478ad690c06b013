"""The home page's figures across the four stages: right numbers, each a link to the list it counts,
never another authority's or another provider's rows, and a fixed number of queries however many."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import (
    ImprovementAction,
    ImprovementPlan,
    ProviderCheck,
    QAVisit,
)
from contracts.tests.factories import make_contract
from dashboard.home import home_stages_for
from procurement.models import ReferralResponse, ReferralStatus, TenderStatus

from .factories import make_chain, make_ipa, make_system

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def review_work(commissioner, provider, *, tag: str) -> None:
    """For one authority with one provider: a contract ending in 3 months and past its notice point, a
    QA visit due in 10 days, an overdue improvement action, and a contract ending in 2 years."""
    soon = make_contract(
        organisation=commissioner.organisation,
        provider=provider,
        created_by=commissioner,
        reference=f"{tag}-SOON",
        starts_on=TODAY - relativedelta(years=2),
        ends_on=TODAY + relativedelta(months=3),
    )
    make_contract(
        organisation=commissioner.organisation,
        provider=provider,
        created_by=commissioner,
        reference=f"{tag}-LATER",
        starts_on=TODAY - relativedelta(months=1),
        ends_on=TODAY + relativedelta(years=2),
    )
    QAVisit.objects.create(contract=soon, due_on=TODAY + datetime.timedelta(days=10), created_by=commissioner)
    plan = ImprovementPlan.objects.create(contract=soon, title="Premises", created_by=commissioner)
    ImprovementAction.objects.create(
        plan=plan, description="Fix the damp", owner="Site manager", due_on=TODAY - datetime.timedelta(days=3)
    )


def figures(user) -> dict[str, list[tuple[str, str | None]]]:
    return {card.key: card.figures for card in home_stages_for(user)}


def texts(user, stage: str) -> list[str]:
    return [text for text, _ in figures(user)[stage]]


def test_a_commissioner_sees_their_authoritys_review_work_and_nobody_elses(
    commissioner_northshire, commissioner_southvale, oakfield, riverside
):
    review_work(commissioner_northshire, oakfield, tag="NS")
    review_work(commissioner_southvale, riverside, tag="SV")
    review_work(commissioner_southvale, riverside, tag="SV2")
    review = dict(figures(commissioner_northshire)["review"])
    assert review["1 contract ending within 6 months"] == reverse("contracts:contract_list")
    assert review["1 review decision due"] == reverse("contracts:contract_list")
    assert review["1 quality assurance visit due within 30 days"] == reverse("contracts:qa_visit_list")
    assert review["1 improvement action overdue"] == reverse("contracts:qa_overdue_actions")
    assert "2 contracts ending within 6 months" in texts(commissioner_southvale, "review")


def test_a_commissioner_sees_live_tenders_open_consultations_and_referrals(
    commissioner_northshire, commissioner_southvale, lead_northshire, oakfield, riverside
):
    chain = make_chain(commissioner_northshire, oakfield)
    chain.tender.status = TenderStatus.PUBLISHED
    chain.tender.save()
    other = make_chain(commissioner_southvale, riverside, tag="S")
    other.tender.status = TenderStatus.PUBLISHED
    other.tender.save()
    _, lot = make_system(lead_northshire)
    ipa = make_ipa(commissioner_northshire, lot, oakfield)
    ipa.referral.status = ReferralStatus.SENT
    ipa.referral.save()
    do = dict(figures(commissioner_northshire)["do"])
    assert do["1 tender open for bids"] == reverse("procurement:tender_list")
    assert do["1 referral waiting for providers' answers or your decision"] == reverse(
        "procurement:fps_referral_list"
    )
    assert not [text for text in texts(commissioner_southvale, "do") if "referral" in text]


def test_a_lead_commissioner_sees_annual_checks_outstanding(
    lead_northshire, commissioner_northshire, oakfield
):
    system, _ = make_system(lead_northshire)
    for year, status in enumerate(("requested", "submitted", "overdue", "verified"), start=2023):
        ProviderCheck.objects.create(
            system=system,
            provider=oakfield,
            year=year,
            status=status,
            requested_on=TODAY,
            evidence_due_on=TODAY + datetime.timedelta(days=42),
        )
    review = dict(figures(lead_northshire)["review"])
    assert review["3 annual provider checks outstanding"] == reverse("contracts:check_list")
    assert not [text for text in texts(commissioner_northshire, "review") if "annual" in text]


def test_a_provider_sees_its_own_contracts_referrals_actions_and_checks_only(
    provider_oakfield, commissioner_northshire, lead_northshire, oakfield, riverside
):
    review_work(commissioner_northshire, oakfield, tag="NS")
    review_work(commissioner_northshire, riverside, tag="RV")
    system, lot = make_system(lead_northshire)
    ipa = make_ipa(commissioner_northshire, lot, oakfield)
    ipa.referral.status = ReferralStatus.SENT
    ipa.referral.save()
    ReferralResponse.objects.create(referral=ipa.referral, provider=oakfield)
    ReferralResponse.objects.create(referral=ipa.referral, provider=riverside)
    ProviderCheck.objects.create(
        system=system,
        provider=oakfield,
        year=2026,
        requested_on=TODAY,
        evidence_due_on=TODAY + datetime.timedelta(days=42),
    )
    ProviderCheck.objects.create(
        system=system,
        provider=riverside,
        year=2026,
        requested_on=TODAY,
        evidence_due_on=TODAY + datetime.timedelta(days=42),
    )
    stages = figures(provider_oakfield)
    assert dict(stages["do"])["1 referral waiting for your answer"] == reverse(
        "procurement:fps_received_list"
    )
    review = dict(stages["review"])
    assert review["2 contracts"] == reverse("contracts:contract_list")
    assert review["1 improvement action open"] == reverse("contracts:contract_list")
    assert review["1 annual check asking for your evidence"] == reverse("contracts:my_check_list")
    assert "What Review has learnt" not in " ".join(review)  # the council's evidence, not the provider's


def test_every_figure_on_the_home_page_is_a_link(
    client, commissioner_northshire, lead_northshire, oakfield, provider_oakfield
):
    review_work(commissioner_northshire, oakfield, tag="NS")
    for user in (commissioner_northshire, lead_northshire, provider_oakfield):
        client.force_login(user)
        page = client.get(reverse("dashboard:home")).text
        lists = re.findall(r'<ul class="govuk-list app-stage__list">(.*?)</ul>', page, flags=re.S)
        items = [item for block in lists for item in re.findall(r"<li>(.*?)</li>", block, flags=re.S)]
        assert items, user
        for item in items:
            assert item.startswith('<a class="govuk-link" href="/'), item


def test_a_figure_whose_page_is_missing_is_shown_without_a_link(
    monkeypatch, commissioner_northshire, oakfield
):
    from dashboard import home

    review_work(commissioner_northshire, oakfield, tag="NS")
    real = home.reverse

    def without_review_pages(name, *args, **kwargs):
        if name.startswith("contracts:"):
            raise home.NoReverseMatch(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(home, "reverse", without_review_pages)
    review = dict(figures(commissioner_northshire)["review"])
    assert review["1 contract ending within 6 months"] is None


@pytest.mark.parametrize("persona", ["commissioner_northshire", "lead_northshire", "provider_oakfield"])
def test_the_home_page_makes_the_same_number_of_queries_for_3_rows_as_for_30(
    request, client, persona, commissioner_northshire, oakfield
):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("dashboard:home")).status_code == 200
        return len(context)

    for i in range(3):
        review_work(commissioner_northshire, oakfield, tag=f"A{i}")
    few = queries()
    for i in range(27):
        review_work(commissioner_northshire, oakfield, tag=f"B{i}")
    assert queries() == few
    assert few <= 26
