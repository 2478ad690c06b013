"""The evidence chain: how a contract or a placement traces back to the need it meets, and what became
of a gap.

    contract_chain(user, pk)   # contract -> award -> tender -> specification version -> business case
                               #   -> commissioning intention -> gap (or membership -> admission tender ...)
    ipa_chain(user, pk)        # placement agreement -> referral -> lot -> purchasing system
    gap_forward(user, band, need)  # gap -> intentions -> business cases -> tenders -> awards -> contracts

Every object is read through its own app's scoped selector, so a step is a link only when the person
may read that object (an admission round run by another authority shows as a step without a link); the
contract or agreement itself out of reach answers 404. A fixed number of queries however long the lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.urls import NoReverseMatch, reverse

from commissioning.selectors import business_cases_for_user, intentions_for_user, specifications_for_user
from contracts.models import ContractOrigin
from contracts.selectors.contracts import contracts_for_user
from needs.analysis.gaps import ALL, check_gap_codes, gap_reference
from needs.analysis.projections import band_label, need_label
from procurement.models import Award
from procurement.selectors.fps import (
    get_ipa_for_user_or_404,
    memberships_for_user,
    purchasing_systems_for_user,
    referrals_for_user,
)
from procurement.selectors.tenders import tenders_for_user


def url_or_none(name: str, *args) -> str | None:
    """A page's address, or None while that page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def long_date(day) -> str:
    return f"{day:%-d %B %Y}" if day else ""


@dataclass
class Step:
    """One link in the chain: what it is, its title, where to read it (None: not yours to read)."""

    kind: str
    title: str
    url: str | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""


def visible(queryset, pk) -> bool:
    return pk is not None and queryset.filter(pk=pk).exists()


def gap_step(reference: str) -> Step | None:
    """The gap an intention was drawn from, by its stable reference "<age band>/<need>"."""
    band, _, need = (reference or "").partition("/")
    try:
        check_gap_codes(band, need)
    except Http404:
        return None
    title = f"{'All needs' if need == ALL else need_label(need)}, {band_label(band).lower()}"
    return Step(
        kind="Gap in the needs analysis",
        title=title,
        url=reverse("needs:gap_detail", args=[band, need]),
        facts=[("Gap reference", reference)],
    )


def plan_steps(user, *, business_case=None, intention=None) -> list[Step]:
    """Business case -> commissioning intention -> gap, each a link when the person may read it."""
    steps: list[Step] = []
    if business_case is not None:
        steps.append(
            Step(
                kind="Business case",
                title=business_case.title,
                url=reverse("commissioning:case_detail", args=[business_case.pk])
                if visible(business_cases_for_user(user), business_case.pk)
                else None,
                facts=[("Status", business_case.get_status_display())],
            )
        )
        intention = intention or business_case.intention
    if business_case is None and intention is None:
        steps.append(
            Step(kind="Business case", title="Not recorded", note="The tender names no business case.")
        )
    if intention is not None:
        steps.append(
            Step(
                kind="Commissioning intention",
                title=intention.title,
                url=reverse("commissioning:intention_detail", args=[intention.pk])
                if visible(intentions_for_user(user), intention.pk)
                else None,
                facts=[
                    ("Priority", intention.get_priority_display()),
                    ("Status", intention.get_status_display()),
                ],
            )
        )
        gap = gap_step(intention.gap_reference)
        if gap is not None:
            steps.append(gap)
        else:
            steps.append(
                Step(
                    kind="Gap in the needs analysis", title="Not recorded", note="The intention names no gap."
                )
            )
    return steps


def tender_steps(user, tender) -> list[Step]:
    """Tender -> specification version -> business case -> intention -> gap."""
    readable = visible(tenders_for_user(user), tender.pk)
    steps = [
        Step(
            kind="Tender",
            title=str(tender),
            url=reverse("procurement:tender_detail", args=[tender.pk]) if readable else None,
            facts=[("Route", tender.get_route_display()), ("Status", tender.get_status_display())],
            note="" if readable else f"Run by {tender.organisation}: not available to you.",
        )
    ]
    if not readable:
        return steps
    version = tender.specification_version
    intention = None
    if version is not None:
        specification = version.specification
        steps.append(
            Step(
                kind="Service specification",
                title=f"{specification.title}, version {version.number}",
                url=reverse("commissioning:spec_version", args=[specification.pk, version.number])
                if visible(specifications_for_user(user), specification.pk)
                else None,
            )
        )
        intention = specification.intention
    case = tender.business_case or (version.specification.business_case if version else None)
    if case is not None and case.intention is not None:
        intention = case.intention
    steps += plan_steps(user, business_case=case, intention=intention)
    return steps


@dataclass
class Chain:
    subject: Step
    steps: list[Step]
    title: str


def contract_chain(user, pk) -> Chain:
    """A contract's chain back to the gap. 404 when the contract is not the person's to read."""
    contract = (
        contracts_for_user(user)
        .select_related(
            "award__lot",
            "award__submission__provider",
            "award__tender__organisation",
            "award__tender__business_case__intention",
            "award__tender__specification_version__specification__intention",
            "award__tender__specification_version__specification__business_case__intention",
            "membership__lot__system__lead_authority",
            "membership__provider",
            "membership__admission_tender__organisation",
            "membership__admission_tender__business_case__intention",
            "membership__admission_tender__specification_version__specification__intention",
            "membership__admission_tender__specification_version__specification__business_case__intention",
        )
        .filter(pk=pk)
        .first()
    )
    if contract is None:
        raise Http404("No such contract")
    subject = Step(
        kind="Contract",
        title=str(contract),
        url=url_or_none("contracts:contract_detail", contract.pk),
        facts=[
            ("Provider", str(contract.provider)),
            ("Runs", f"{long_date(contract.starts_on)} to {long_date(contract.ends_on)}"),
            ("Status", contract.get_status_display()),
        ],
    )
    steps: list[Step] = []
    if contract.origin == ContractOrigin.AWARD and contract.award is not None:
        award = contract.award
        steps.append(
            Step(
                kind="Award",
                title=f"{award.tender.reference}, lot {award.lot.number}: {award.lot.title}",
                facts=[
                    ("Winning bidder", str(award.submission.provider)),
                    ("Score", f"{award.total_score} out of 100"),
                    ("Recommended", long_date(award.recommended_at)),
                ],
            )
        )
        steps += tender_steps(user, award.tender)
    elif contract.origin == ContractOrigin.FPS_ADMISSION and contract.membership is not None:
        membership = contract.membership
        system = membership.lot.system
        steps.append(
            Step(
                kind="Membership of a purchasing system",
                title=f"{membership.provider} on {membership.lot}",
                url=reverse("procurement:fps_membership_detail", args=[membership.pk])
                if visible(memberships_for_user(user), membership.pk)
                else None,
                facts=[
                    ("Status", membership.get_status_display()),
                    ("Admitted", long_date(membership.admitted_at)),
                ],
            )
        )
        steps.append(
            Step(
                kind="Purchasing system",
                title=str(system),
                url=reverse("procurement:fps_system_detail", args=[system.pk])
                if visible(purchasing_systems_for_user(user), system.pk)
                else None,
                facts=[("Lead authority", str(system.lead_authority))],
            )
        )
        if membership.admission_tender is not None:
            steps += tender_steps(user, membership.admission_tender)
        else:
            steps.append(
                Step(kind="Admission round", title="None", note="Admitted directly, not from a round.")
            )
    else:
        steps.append(
            Step(kind="Spot purchase", title="No tender", facts=[("Why", contract.spot_justification)])
        )
    return Chain(subject=subject, steps=steps, title=f"Evidence chain for {contract.reference}")


def ipa_chain(user, pk) -> Chain:
    """A placement agreement's chain: referral -> lot -> purchasing system. 404 when out of reach."""
    ipa = get_ipa_for_user_or_404(user, pk)
    referral = ipa.referral
    system = ipa.lot.system
    subject = Step(
        kind="Individual placement agreement",
        title=f"{ipa.reference} for {ipa.case_reference}",
        url=url_or_none("procurement:fps_ipa_detail", ipa.pk),
        facts=[
            ("Provider", str(ipa.provider)),
            ("Runs", f"{long_date(ipa.start_on)} to {long_date(ipa.end_on)}"),
        ],
    )
    steps = [
        Step(
            kind="Referral",
            title=f"Referral {referral.case_reference}",
            url=reverse("procurement:fps_referral_detail", args=[referral.pk])
            if visible(referrals_for_user(user), referral.pk)
            else None,
            facts=[
                ("Primary need", referral.get_primary_need_display()),
                ("Placed by", referral.get_placement_route_display() or "Not recorded"),
            ],
        ),
        Step(kind="Lot", title=str(ipa.lot), facts=[("Ages", f"{ipa.lot.age_from} to {ipa.lot.age_to}")]),
        Step(
            kind="Purchasing system",
            title=str(system),
            url=reverse("procurement:fps_system_detail", args=[system.pk])
            if visible(purchasing_systems_for_user(user), system.pk)
            else None,
            facts=[("Lead authority", str(system.lead_authority))],
        ),
    ]
    return Chain(subject=subject, steps=steps, title=f"Evidence chain for {ipa.reference}")


# ---------------------------------------------------------------------------------------------------------
# Forward, from a gap


@dataclass
class ForwardNode:
    step: Step
    children: list[ForwardNode] = field(default_factory=list)


@dataclass
class GapForward:
    reference: str
    gap: Step
    intentions: list[ForwardNode]

    @property
    def is_empty(self) -> bool:
        return not self.intentions


def gap_forward(user, age_band: str, need: str) -> GapForward:
    """What was started from a gap: intentions -> business cases -> tenders -> awards -> contracts
    (five queries whatever their number)."""
    check_gap_codes(age_band, need)
    reference = gap_reference(age_band, need)
    intentions = list(intentions_for_user(user).filter(gap_reference=reference).order_by("target_date", "id"))
    cases = list(
        business_cases_for_user(user)
        .filter(intention__in=[i.pk for i in intentions])
        .order_by("created_at", "id")
    )
    tenders = list(
        tenders_for_user(user)
        .filter(business_case__in=[c.pk for c in cases])
        .select_related("organisation")
        .order_by("created_at", "id")
    )
    awards = list(
        Award.objects.filter(tender__in=[t.pk for t in tenders])
        .select_related("lot", "submission__provider")
        .order_by("tender_id", "lot__number")
    )
    contracts = list(contracts_for_user(user).filter(award__in=[a.pk for a in awards]).order_by("reference"))

    def contract_node(contract) -> ForwardNode:
        return ForwardNode(
            Step(
                kind="Contract",
                title=str(contract),
                url=url_or_none("contracts:contract_detail", contract.pk)
                or reverse("dashboard:contract_evidence", args=[contract.pk]),
                facts=[("Status", contract.get_status_display()), ("Ends", long_date(contract.ends_on))],
            )
        )

    def award_node(award) -> ForwardNode:
        return ForwardNode(
            Step(
                kind="Award",
                title=f"Lot {award.lot.number}: {award.lot.title}",
                facts=[("Winning bidder", str(award.submission.provider))],
            ),
            [contract_node(c) for c in contracts if c.award_id == award.pk],
        )

    def tender_node(tender) -> ForwardNode:
        return ForwardNode(
            Step(
                kind="Tender",
                title=str(tender),
                url=reverse("procurement:tender_detail", args=[tender.pk]),
                facts=[("Status", tender.get_status_display())],
            ),
            [award_node(a) for a in awards if a.tender_id == tender.pk],
        )

    def case_node(case) -> ForwardNode:
        return ForwardNode(
            Step(
                kind="Business case",
                title=case.title,
                url=reverse("commissioning:case_detail", args=[case.pk]),
                facts=[("Status", case.get_status_display())],
            ),
            [tender_node(t) for t in tenders if t.business_case_id == case.pk],
        )

    nodes = [
        ForwardNode(
            Step(
                kind="Commissioning intention",
                title=intention.title,
                url=reverse("commissioning:intention_detail", args=[intention.pk]),
                facts=[
                    ("Status", intention.get_status_display()),
                    ("Target", long_date(intention.target_date)),
                ],
            ),
            [case_node(c) for c in cases if c.intention_id == intention.pk],
        )
        for intention in intentions
    ]
    gap = gap_step(reference)
    return GapForward(reference=reference, gap=gap, intentions=nodes)


# ---------------------------------------------------------------------------------------------------------
# What Review has learnt, for the next needs assessment


def decommissionings_for_lessons(user):
    """The authority's decommissionings (not cancelled), newest first, with their reasons and lessons."""
    from contracts.models import Decommissioning, DecommissioningStatus

    return (
        Decommissioning.objects.filter(contract__in=contracts_for_user(user).values("pk"))
        .exclude(status=DecommissioningStatus.CANCELLED)
        .select_related("contract__provider")
        .order_by("-proposed_at", "-id")
    )


def qa_outcomes_for_lessons(user):
    """The authority's QA visits with a report issued, newest first, each with its areas rated
    inadequate or requiring improvement (prefetched: two queries per page)."""
    from django.db.models import Prefetch

    from contracts.models import QAFinding, QARating, QAVisit, QAVisitStatus

    weak = QAFinding.objects.filter(rating__in=[QARating.INADEQUATE, QARating.REQUIRES_IMPROVEMENT]).order_by(
        "id"
    )
    return (
        QAVisit.objects.filter(
            contract__in=contracts_for_user(user).values("pk"), status=QAVisitStatus.COMPLETED
        )
        .select_related("contract__provider")
        .prefetch_related(Prefetch("findings", queryset=weak, to_attr="weak_findings"))
        .order_by("-visited_on", "-id")
    )
