"""What each role sees of the four stages on the home page.

Held as data: for each role, per stage, what the person does there and what the page says while there
is nothing yet. Each stage then adds its figures: a number with what it counts, linked to the list it
counts (no link while that page does not exist). Counts go through each app's scoped selectors, so a
figure never counts a row the person may not open, and each figure is one query however many rows.
"""

import datetime
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Role

STAGES = [
    ("understand", "Understand"),
    ("plan", "Plan"),
    ("do", "Do"),
    ("review", "Review"),
]

# role -> stage -> (what you do here, what shows while there is nothing)
ROLE_STAGES: dict[str, dict[str, tuple[str, str]]] = {
    Role.COMMISSIONER: {
        "understand": (
            "Needs data, trends, benchmarks, projections and gaps in commissioned capacity.",
            "No needs data has been imported yet.",
        ),
        "plan": (
            "Commissioning intentions, business cases and service specifications.",
            "There are no commissioning intentions or business cases yet.",
        ),
        "do": (
            "Tenders, the Flexible Purchasing System, referrals and placements.",
            "There are no tenders or referrals yet.",
        ),
        "review": (
            "Contracts, performance, quality assurance visits and decommissioning.",
            "There are no contracts yet.",
        ),
    },
    Role.LEAD_COMMISSIONER: {
        "do": (
            "Admission rounds and membership of the Flexible Purchasing System.",
            "No admission round is open.",
        ),
        "review": (
            "Annual checks of providers on the Flexible Purchasing System.",
            "No annual checks are due.",
        ),
    },
    Role.EVALUATOR: {
        "do": ("Tenders whose evaluation panel you sit on.", "You are not on any evaluation panel yet."),
    },
    Role.FINANCE_APPROVER: {
        "plan": (
            "Business cases waiting for the finance decision.",
            "No business cases are waiting for you.",
        ),
    },
    Role.LEGAL_APPROVER: {
        "plan": ("Business cases waiting for the legal decision.", "No business cases are waiting for you."),
    },
    Role.FORUM_MEMBER: {
        "understand": (
            "What the council knows about local needs.",
            "No needs profile has been published yet.",
        ),
        "plan": (
            "Draft service specifications open for your forum's comments.",
            "No consultations are open for your forum.",
        ),
        "do": (
            "How services are bought stays with the council; what your comments changed shows here.",
            "Nothing has been bought from a specification you commented on yet.",
        ),
        "review": (
            "'You said, we did' reports on finished consultations.",
            "No reports have been published yet.",
        ),
    },
    Role.PROVIDER_USER: {
        "understand": (
            "Your organisation's profile and compliance documents.",
            "Your compliance pack is empty.",
        ),
        "plan": ("Market engagement on services being planned.", "No market engagement is open."),
        "do": (
            "Published tenders, your bids and placement referrals.",
            "No tenders are open and no referrals have been sent to you.",
        ),
        "review": (
            "Your contracts, performance returns, quality assurance reports and improvement actions.",
            "You have no contracts yet.",
        ),
    },
    Role.STAFF_ADMIN: {
        "understand": ("Support for councils' needs data imports.", "No imports need attention."),
        "plan": ("Support for business cases and consultations.", "Nothing needs attention."),
        "do": (
            "Support for tenders and the purchasing system. Sealed bids stay sealed.",
            "Nothing needs attention.",
        ),
        "review": ("Support for contracts, visits and scheduled checks.", "Nothing needs attention."),
    },
}

ROLE_ORDER = list(ROLE_STAGES)


@dataclass
class StageCard:
    key: str
    title: str
    duties: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    # (text, url): what there is, each a link to the list it counts (url None: that page is not built yet).
    figures: list[tuple[str, str | None]] = field(default_factory=list)


def url_or_none(name: str, query: str = "") -> str | None:
    """A list's address, or None while the page is not there (Review's pages are built in parallel)."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def home_stages_for(user) -> list[StageCard]:
    """The four stage cards for a person, combining every role they hold (in a fixed order)."""
    roles = [role for role in ROLE_ORDER if role in user.roles]
    cards = []
    for key, title in STAGES:
        card = StageCard(key=key, title=title)
        for role in roles:
            duty, empty = ROLE_STAGES[role].get(key, ("", ""))
            if duty and duty not in card.duties:
                card.duties.append(duty)
            if empty and empty not in card.empty:
                card.empty.append(empty)
        if not card.duties:
            card.empty = ["Nothing for your role at this stage."]
        cards.append(card)
    today = timezone.localdate()
    _add_understand_figures(user, cards[0])
    _add_plan_figures(user, cards[1])
    # Consultations are the forum's Plan stage; for the council they are under way, with the Do stage.
    _add_consultation_figures(user, cards[2] if user.has_perm("dashboard.view_evidence") else cards[1])
    _add_do_figures(user, cards[2])
    _add_review_figures(user, cards[3], today)
    _add_provider_figures(user, cards[2], cards[3])
    _add_you_said_we_did(user, cards[3])
    return cards


def _figure(card: StageCard, count: int, text: str, url: str | None) -> None:
    """Add a figure when there is something to count; the card's empty text then goes."""
    if count:
        card.figures.append((text, url))
        card.empty = []


def _add_do_figures(user, card: StageCard) -> None:
    """A council commissioner's live tenders and referrals waiting for providers' answers."""
    if not user.has_perm("dashboard.view_evidence"):
        return
    from procurement.models import ReferralStatus, TenderStatus
    from procurement.selectors.fps import referrals_for_user
    from procurement.selectors.tenders import tenders_for_user

    live = tenders_for_user(user).filter(status=TenderStatus.PUBLISHED).count()
    _figure(card, live, f"{_plural(live, 'tender')} open for bids", url_or_none("procurement:tender_list"))
    waiting = referrals_for_user(user).filter(status=ReferralStatus.SENT).count()
    _figure(
        card,
        waiting,
        f"{_plural(waiting, 'referral')} waiting for providers' answers or your decision",
        url_or_none("procurement:fps_referral_list"),
    )


def review_decisions_due(user, today: datetime.date) -> int:
    """Live contracts past their notice point with no review decision yet (one query)."""
    from contracts.models import ContractStatus
    from contracts.selectors.contracts import contracts_for_user

    # The longest notice period is 36 months: a contract ending later cannot be due yet.
    candidates = (
        contracts_for_user(user)
        .filter(
            status=ContractStatus.LIVE,
            review_decision="",
            ends_on__gte=today,
            ends_on__lte=today + relativedelta(months=36),
        )
        .values_list("ends_on", "notice_period_months")
        .order_by()
    )
    return sum(1 for ends_on, months in candidates if ends_on - relativedelta(months=months) <= today)


def _add_review_figures(user, card: StageCard, today: datetime.date) -> None:
    """A council commissioner's contracts ending, decisions due, visits due, actions overdue; for a
    lead commissioner, annual checks outstanding."""
    if not user.has_perm("dashboard.view_evidence"):
        return
    from contracts.models import (
        ActionStatus,
        ContractStatus,
        ImprovementAction,
        ProviderCheck,
        ProviderCheckStatus,
        QAVisit,
        QAVisitStatus,
    )
    from contracts.selectors.contracts import contracts_for_user
    from procurement.rules.fps import is_council_lead_commissioner
    from procurement.selectors.fps import purchasing_systems_led_by_user

    scope = contracts_for_user(user)
    contracts_url = url_or_none("contracts:contract_list")
    ending = scope.filter(
        status__in=[ContractStatus.LIVE, ContractStatus.DECOMMISSIONING],
        ends_on__gte=today,
        ends_on__lte=today + relativedelta(months=6),
    ).count()
    _figure(card, ending, f"{_plural(ending, 'contract')} ending within 6 months", contracts_url)
    due = review_decisions_due(user, today)
    _figure(card, due, f"{_plural(due, 'review decision')} due", contracts_url)
    visits = QAVisit.objects.filter(
        contract__in=scope.values("pk"),
        status=QAVisitStatus.SCHEDULED,
        due_on__lte=today + datetime.timedelta(days=30),
    ).count()
    _figure(
        card,
        visits,
        f"{_plural(visits, 'quality assurance visit')} due within 30 days",
        url_or_none("contracts:qa_visit_list"),
    )
    overdue = (
        ImprovementAction.objects.filter(plan__contract__in=scope.values("pk"), due_on__lt=today)
        .exclude(status=ActionStatus.VERIFIED)
        .count()
    )
    _figure(
        card,
        overdue,
        f"{_plural(overdue, 'improvement action')} overdue",
        url_or_none("contracts:qa_overdue_actions"),
    )
    if is_council_lead_commissioner(user):
        checks = ProviderCheck.objects.filter(
            system__in=purchasing_systems_led_by_user(user).values("pk"),
            status__in=[
                ProviderCheckStatus.REQUESTED,
                ProviderCheckStatus.SUBMITTED,
                ProviderCheckStatus.OVERDUE,
            ],
        ).count()
        _figure(
            card,
            checks,
            f"{_plural(checks, 'annual provider check')} outstanding",
            url_or_none("contracts:check_list"),
        )
    lessons = url_or_none("dashboard:review_lessons")
    card.figures.append(("What Review has learnt, for the next needs assessment", lessons))


def _add_provider_figures(user, do_card: StageCard, review_card: StageCard) -> None:
    """A provider's referrals awaiting its answer, its contracts, open actions and checks requested."""
    from accounts.rules import is_provider_user

    if not is_provider_user(user):
        return
    from contracts.models import (
        ActionStatus,
        ContractStatus,
        ImprovementAction,
        ProviderCheck,
        ProviderCheckStatus,
    )
    from contracts.selectors.contracts import contracts_for_user
    from procurement.models import ReferralStatus, ResponseStatus
    from procurement.selectors.fps import received_referrals_for_user
    from procurement.selectors.tenders import tenders_for_user

    open_tenders = tenders_for_user(user).open_for_bids().count()
    _figure(
        do_card,
        open_tenders,
        f"{_plural(open_tenders, 'tender')} open for bids",
        url_or_none("procurement:tender_list"),
    )
    awaiting = (
        received_referrals_for_user(user)
        .filter(status=ResponseStatus.AWAITING, referral__status=ReferralStatus.SENT)
        .count()
    )
    _figure(
        do_card,
        awaiting,
        f"{_plural(awaiting, 'referral')} waiting for your answer",
        url_or_none("procurement:fps_received_list"),
    )
    scope = contracts_for_user(user)
    contracts = scope.filter(status__in=[ContractStatus.LIVE, ContractStatus.DECOMMISSIONING]).count()
    contracts_url = url_or_none("contracts:contract_list")
    _figure(review_card, contracts, _plural(contracts, "contract"), contracts_url)
    actions = (
        ImprovementAction.objects.filter(plan__contract__in=scope.values("pk"))
        .exclude(status=ActionStatus.VERIFIED)
        .count()
    )
    _figure(review_card, actions, f"{_plural(actions, 'improvement action')} open", contracts_url)
    checks = ProviderCheck.objects.filter(
        provider_id=user.organisation_id, status=ProviderCheckStatus.REQUESTED
    ).count()
    _figure(
        review_card,
        checks,
        f"{_plural(checks, 'annual check')} asking for your evidence",
        url_or_none("contracts:my_check_list"),
    )


def _add_you_said_we_did(user, card: StageCard) -> None:
    """Forum members: the 'You said, we did' reports of finished consultations."""
    if not user.has_perm("coproduction.comment"):
        return
    from coproduction.models import ConsultationStatus
    from coproduction.selectors import consultations_for_user

    complete = consultations_for_user(user).filter(status=ConsultationStatus.COMPLETE).count()
    if complete:
        text = f"{complete} ‘You said, we did’ report{'' if complete == 1 else 's'}"
        card.figures.append((text, reverse("coproduction:consultation_list")))
        card.empty = []


def _add_consultation_figures(user, card: StageCard) -> None:
    """Consultations open to the person; for forum members, what changed since they last looked."""
    if not user.has_perm("coproduction.view"):
        return
    from coproduction.models import ConsultationStatus, ForumVisit
    from coproduction.selectors import consultations_for_user, forum_home_changes

    url = reverse("coproduction:consultation_list")
    open_now = consultations_for_user(user).filter(status=ConsultationStatus.OPEN).count()
    if open_now:
        card.figures.append((f"{_plural(open_now, 'consultation')} open now", url))
    if user.has_perm("coproduction.comment"):
        visit = ForumVisit.objects.filter(user=user).first()
        changes = forum_home_changes(user, visit.last_seen_at if visit else None)
        if changes.responses:
            count = len(changes.responses)
            card.figures.append(
                (f"{count} new {'answer' if count == 1 else 'answers'} to your comments", url)
            )
        if changes.new_versions:
            count = len(changes.new_versions)
            card.figures.append((f"{_plural(count, 'new specification version')}", url))
    if card.figures:
        card.empty = []


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _add_plan_figures(user, card: StageCard) -> None:
    """What waits for this person in the Plan stage, and what their council has in it, as links."""
    if not user.has_perm("commissioning.view"):
        return
    from commissioning.models import BusinessCaseStatus
    from commissioning.selectors import (
        business_cases_for_user,
        business_cases_waiting_for,
        intentions_for_user,
        specifications_for_user,
    )

    waiting = business_cases_waiting_for(user).count()
    if waiting:
        card.figures.append(
            (
                f"{_plural(waiting, 'business case')} waiting for your decision",
                reverse("commissioning:approval_queue"),
            )
        )
    if not user.has_perm("commissioning.author_business_case"):
        if waiting:
            card.empty = []
        return
    intentions = intentions_for_user(user).count()
    in_approval = (
        business_cases_for_user(user)
        .filter(
            status__in=[
                BusinessCaseStatus.SUBMITTED,
                BusinessCaseStatus.FINANCE_APPROVED,
                BusinessCaseStatus.LEGAL_APPROVED,
            ]
        )
        .count()
    )
    specifications = specifications_for_user(user).count()
    if intentions:
        card.figures.append(
            (_plural(intentions, "commissioning intention"), reverse("commissioning:intention_list"))
        )
    if in_approval:
        card.figures.append(
            (f"{_plural(in_approval, 'business case')} in approval", reverse("commissioning:case_list"))
        )
    if specifications:
        card.figures.append(
            (_plural(specifications, "service specification"), reverse("commissioning:spec_list"))
        )
    if card.figures:
        card.empty = []


def _add_understand_figures(user, card: StageCard) -> None:
    """Council staff see what their needs analysis holds, each figure a link (a fixed few queries)."""
    if not user.has_perm("needs.view_analysis"):
        return
    from needs.analysis.gaps import gap_analysis_for
    from needs.analysis.inputs import year_label
    from needs.models import DatasetStatus
    from needs.selectors import datasets_for_user, feedback_for_user

    datasets = datasets_for_user(user).filter(status=DatasetStatus.COMPLETE).count()
    if not datasets:
        return
    card.empty = []
    card.figures.append(
        (f"{datasets} dataset{'s' if datasets != 1 else ''} imported", reverse("needs:dataset_list"))
    )
    card.figures.append(("Needs profile: trends, benchmarks and rates", reverse("needs:profile")))
    analysis = gap_analysis_for(user)
    if analysis.run is not None:
        shortfalls = len(analysis.shortfalls)
        by_year = year_label(analysis.target_year)
        text = f"{shortfalls} shortfall{'s' if shortfalls != 1 else ''} in places by {by_year}"
        card.figures.append((text, reverse("needs:gap_list")))
    feedback = feedback_for_user(user).count()
    if feedback:
        card.figures.append(
            (
                f"{feedback} thing{'s' if feedback != 1 else ''} families and partners said",
                reverse("needs:feedback_list"),
            )
        )
