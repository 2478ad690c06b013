"""Each role's main list and detail pages make as many database queries with 20 rows as with 2.

A page whose count grows with its rows (an N+1: a query per row for something the list shows) gets
slow on a real council's data long before a test with three rows notices. The data is made directly
(dashboard.tests.factories and friends), the counts compared with CaptureQueriesContext.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role
from accounts.services import user_create
from contracts.models import ProviderCheck
from contracts.tests.factories import add_kpi
from contracts.tests.quality.factories import scheduled_visit
from coproduction.models import Comment, Consultation, ConsultationStatus, Outcome, Response
from core.audit import audit_record
from core.models import AuditAction
from core.notifications import notification_send
from dashboard.tests.factories import make_chain, make_ipa, make_membership, make_system
from needs.tests.factories import make_dataset
from procurement.models import Lot, ReferralResponse, Submission, SubmissionStatus

FEW, MANY = 2, 20
PERSONAS = [
    "commissioner_northshire",
    "lead_northshire",
    "finance_northshire",
    "provider_oakfield",
    "forum_member",
    "staff_admin",
]


class World:
    """One of each thing the pages list, grown to `n` rows per list by `grow`."""

    def __init__(self, people):
        self.people = people
        commissioner, provider = people["commissioner_northshire"], people["provider_oakfield"]
        self.n = 0
        self.anchor = make_chain(commissioner, provider.organisation, tag="anchor")
        self.system, self.lot = make_system(people["lead_northshire"])
        make_membership(self.lot, provider.organisation, people["lead_northshire"])
        self.consultation = Consultation.objects.create(
            organisation=commissioner.organisation,
            version=self.anchor.version,
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate() + datetime.timedelta(days=28),
            status=ConsultationStatus.OPEN,
            opened_at=timezone.now(),
            created_by=commissioner,
        )
        self.consultation.forums.add(people["forum_member"].organisation)

    def grow(self, n: int) -> None:
        p = self.people
        commissioner, lead = p["commissioner_northshire"], p["lead_northshire"]
        provider_user, forum_user = p["provider_oakfield"], p["forum_member"]
        oakfield = provider_user.organisation
        for i in range(self.n, n):
            chain = make_chain(commissioner, oakfield, tag=f"q{i}")
            # Consultations, and comments with answers on the anchor's.
            consultation = Consultation.objects.create(
                organisation=commissioner.organisation,
                version=chain.version,
                opens_on=timezone.localdate(),
                closes_on=timezone.localdate() + datetime.timedelta(days=28),
                status=ConsultationStatus.OPEN,
                opened_at=timezone.now(),
                created_by=commissioner,
            )
            consultation.forums.add(forum_user.organisation)
            comment = Comment.objects.create(
                consultation=self.consultation,
                section="aims",
                author=forum_user,
                forum=forum_user.organisation,
                text=f"Comment {i}",
            )
            Response.objects.create(
                comment=comment, commissioner=commissioner, outcome=Outcome.ACCEPTED, explanation="Yes."
            )
            # The anchor tender's lots and bids, the anchor contract's KPIs; a QA visit of each contract.
            lot = Lot.objects.create(tender=self.anchor.tender, number=i + 2, title=f"Lot {i}")
            Submission.objects.create(
                tender=self.anchor.tender,
                lot=lot,
                provider=oakfield,
                status=SubmissionStatus.SUBMITTED,
                price=Decimal("1000"),
                created_by=provider_user,
            )
            add_kpi(self.anchor.contract, title=f"KPI {i}")
            scheduled_visit(chain.contract)
            # Datasets, placements sent to Oakfield, other providers on the purchasing system, checks.
            make_dataset(imported_by=commissioner, organisation=commissioner.organisation)
            ipa = make_ipa(commissioner, self.lot, oakfield, reference=f"IPA-Q{i}")
            ReferralResponse.objects.create(referral=ipa.referral, provider=oakfield)
            other = Organisation.objects.create(
                name=f"Provider {i}", slug=f"provider-q{i}", kind=OrganisationKind.PROVIDER
            )
            make_membership(self.lot, other, lead)
            user_create(
                email=f"user{i}@provider-q{i}.test",
                full_name=f"Provider person {i}",
                organisation=other,
                roles=[Role.PROVIDER_USER],
                password=None,
            )
            ProviderCheck.objects.create(
                system=self.system,
                provider=other,
                year=2026,
                requested_on=datetime.date(2026, 4, 1),
                evidence_due_on=datetime.date(2026, 5, 1),
            )
            for user in (commissioner, provider_user, forum_user):
                notification_send(recipient=user, kind="test", subject=f"Notice {i}", target=chain.contract)
            audit_record(action=AuditAction.UPDATE, actor=commissioner, target=chain.contract)
            make_system(lead, name=f"Purchasing system {i}")
        self.n = n


def pages(world: World) -> list[tuple[str, str, str]]:
    """(persona, what, url) for each role's main pages."""
    anchor = world.anchor
    return [
        ("commissioner_northshire", "home", reverse("dashboard:home")),
        ("commissioner_northshire", "needs datasets", reverse("needs:dataset_list")),
        ("commissioner_northshire", "intentions", reverse("commissioning:intention_list")),
        ("commissioner_northshire", "business cases", reverse("commissioning:case_list")),
        ("commissioner_northshire", "specifications", reverse("commissioning:spec_list")),
        ("commissioner_northshire", "consultations", reverse("coproduction:consultation_list")),
        (
            "commissioner_northshire",
            "consultation with comments",
            reverse("coproduction:consultation_detail", args=[world.consultation.pk]),
        ),
        ("commissioner_northshire", "tenders", reverse("procurement:tender_list")),
        ("commissioner_northshire", "tender", reverse("procurement:tender_detail", args=[anchor.tender.pk])),
        ("commissioner_northshire", "purchasing systems", reverse("procurement:fps_system_list")),
        (
            "lead_northshire",
            "purchasing system",
            reverse("procurement:fps_system_detail", args=[world.system.pk]),
        ),
        ("commissioner_northshire", "FPS list", reverse("procurement:fps_list", args=[world.system.pk])),
        ("commissioner_northshire", "referrals", reverse("procurement:fps_referral_list")),
        ("commissioner_northshire", "placement agreements", reverse("procurement:fps_ipa_list")),
        ("commissioner_northshire", "contracts", reverse("contracts:contract_list")),
        (
            "commissioner_northshire",
            "contract",
            reverse("contracts:contract_detail", args=[anchor.contract.pk]),
        ),
        ("commissioner_northshire", "QA visits", reverse("contracts:qa_visit_list")),
        ("lead_northshire", "annual checks", reverse("contracts:check_list")),
        ("commissioner_northshire", "notifications", reverse("core:notification_list")),
        ("finance_northshire", "home (approver)", reverse("dashboard:home")),
        ("provider_oakfield", "home (provider)", reverse("dashboard:home")),
        ("provider_oakfield", "bids", reverse("procurement:bid_list")),
        ("provider_oakfield", "referrals received", reverse("procurement:fps_received_list")),
        ("provider_oakfield", "placement agreements (provider)", reverse("procurement:fps_ipa_list")),
        ("provider_oakfield", "contracts (provider)", reverse("contracts:contract_list")),
        ("provider_oakfield", "notifications (provider)", reverse("core:notification_list")),
        ("forum_member", "home (forum)", reverse("dashboard:home")),
        ("forum_member", "consultations (forum)", reverse("coproduction:consultation_list")),
        (
            "forum_member",
            "consultation with comments (forum)",
            reverse("coproduction:consultation_detail", args=[world.consultation.pk]),
        ),
        ("staff_admin", "audit log", reverse("core:audit_log")),
        ("staff_admin", "people (support admin)", reverse("admin:accounts_user_changelist")),
    ]


def count_queries(clients: dict[str, Client], world: World) -> dict[str, tuple[int, int]]:
    """Each page's number of queries and the length of its HTML."""
    counts = {}
    for persona, what, url in pages(world):
        with CaptureQueriesContext(connection) as captured:
            response = clients[persona].get(url)
        assert response.status_code == 200, f"{what}: {url} answered {response.status_code}"
        counts[what] = (len(captured), len(response.content))
    return counts


@pytest.mark.django_db
def test_the_main_pages_make_as_many_queries_with_twenty_rows_as_with_two(request):
    people = {persona: request.getfixturevalue(persona) for persona in PERSONAS}
    world = World(people)
    clients = {}
    for persona, user in people.items():
        clients[persona] = Client()
        clients[persona].force_login(user)

    world.grow(FEW)
    # A first visit writes or caches things once: the session, content types, the forum's last visit.
    for persona in PERSONAS:
        clients[persona].get(reverse("dashboard:home"))
    clients["forum_member"].get(reverse("coproduction:consultation_list"))
    few = count_queries(clients, world)
    world.grow(MANY)
    many = count_queries(clients, world)

    report = "\n".join(
        f"{what}: {few[what][0]} queries with {FEW} rows, {many[what][0]} with {MANY}" for what in few
    )
    print(report)
    growing = [what for what in few if many[what][0] != few[what][0]]
    assert not growing, f"These pages make more queries as their rows grow: {growing}\n{report}"
    # The rows are on the pages (the home pages show counts and the latest few, not every row).
    unchanged = [what for what in few if many[what][1] <= few[what][1] and not what.startswith("home")]
    assert not unchanged, f"These pages show no more with {MANY} rows than with {FEW}: {unchanged}"
