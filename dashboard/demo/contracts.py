"""Demo contracts: Northshire's contracts at every stage of their management.

- NS-C-2026-031, from the award of the demo tender NS-2026-031: medium risk with reasons, three KPIs,
  one return accepted and one submitted awaiting review, a monitoring meeting with an open provider action.
- NS-C-FPS-OAK, Oakfield's overarching contract from its place on the North West SEND FPS (a spot
  purchase with its justification where the demo has no such place).
- NS-C-2024-007, a spot purchase with Riverside rated HIGH risk with reasons, live (the decommissioning
  demo decommissions it).
- NS-C-2023-002, ending within five months: its notice point has passed and a review decision is due.
- NS-C-2021-001, ended.

Each has capacity rows. Made through the services, as people would; a contract already there (by its
reference) is left alone, so running it twice creates nothing new.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

REFERENCES = ["NS-C-2026-031", "NS-C-FPS-OAK", "NS-C-2024-007", "NS-C-2023-002", "NS-C-2021-001"]

KPIS = [
    ("Children receiving every planned therapy session", "%", "90", "at_least", "quarterly"),
    ("Days from referral to first assessment", "days", "20", "at_most", "quarterly"),
    ("Families rating the service good or better", "%", "85", "at_least", "quarterly"),
]


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def seed() -> None:
    """Create the demo contracts, or leave those already there alone."""
    from accounts.models import User
    from contracts.models import Contract

    commissioner = User.objects.get(email="commissioner@northshire.example")
    oakfield = User.objects.get(email="provider@oakfield.example")
    riverside = User.objects.get(email="provider@riverside.example")
    existing = set(
        Contract.objects.filter(organisation=commissioner.organisation, reference__in=REFERENCES).values_list(
            "reference", flat=True
        )
    )
    today = timezone.localdate()
    makers = [
        ("NS-C-2026-031", lambda: _from_award(commissioner, oakfield, today)),
        ("NS-C-FPS-OAK", lambda: _from_fps(commissioner, oakfield, today)),
        ("NS-C-2024-007", lambda: _high_risk(commissioner, riverside, today)),
        ("NS-C-2023-002", lambda: _decision_due(commissioner, oakfield, today)),
        ("NS-C-2021-001", lambda: _ended(commissioner, riverside, today)),
    ]
    for reference, make in makers:
        if reference not in existing:
            make()


def _terms(reference: str, starts_on: datetime.date, ends_on: datetime.date, **extra) -> dict:
    return {
        "reference": reference,
        "description": extra.pop("description", ""),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "extension_options": extra.pop("extension_options", ""),
        "extension_months_available": extra.pop("extension_months_available", 0),
        "notice_period_months": extra.pop("notice_period_months", 6),
        **extra,
    }


def _capacity(commissioner, contract, rows) -> None:
    from contracts.services.contracts import capacity_add

    for need, band, setting, places in rows:
        capacity_add(
            actor=commissioner,
            contract=contract,
            primary_need=need,
            age_band=band,
            setting=setting,
            places=places,
        )


def _spot(commissioner, provider_user, terms: dict, *, title, value, justification):
    from contracts.services.contracts import contract_create_spot

    return contract_create_spot(
        actor=commissioner,
        provider=provider_user.organisation,
        spot_justification=justification,
        title=title,
        value=Decimal(value),
        **terms,
    )


def _from_award(commissioner, oakfield, today):
    from contracts.services import contracts as services
    from contracts.services import meetings, returns
    from procurement.models import Award, TenderStatus

    starts_on = _first_of_month(today) - relativedelta(months=7)
    terms = _terms(
        "NS-C-2026-031",
        starts_on,
        starts_on + relativedelta(years=3) - datetime.timedelta(days=1),
        description="Speech and language therapy delivered in the council's resourced provisions for "
        "primary-age pupils, with training for school staff.",
        extension_options="Two periods of 12 months",
        extension_months_available=24,
    )
    award = (
        Award.objects.filter(
            tender__organisation=commissioner.organisation,
            tender__reference="NS-2026-031",
            tender__status=TenderStatus.AWARDED,
        )
        .select_related("tender", "submission__provider")
        .first()
    )
    if award is not None:
        contract = services.contract_create_from_award(actor=commissioner, award=award, **terms)
    else:  # the evaluation demo has not run: keep the contract, as a spot purchase
        contract = _spot(
            commissioner,
            oakfield,
            terms,
            title="Speech and language therapy in resourced provisions",
            value="412000.00",
            justification="Interim arrangement while the tender NS-2026-031 completes.",
        )
    provider = _provider_user(contract)
    kpis = [
        services.kpi_add(
            actor=commissioner,
            contract=contract,
            title=title,
            unit=unit,
            target=Decimal(target),
            direction=direction,
            frequency=frequency,
        )
        for title, unit, target, direction, frequency in KPIS
    ]
    _capacity(
        commissioner,
        contract,
        [("SLCN", "5-10", "resourced", 24), ("ASD", "5-10", "resourced", 12)],
    )
    services.risk_assess(
        actor=commissioner,
        contract=contract,
        rating="medium",
        reasons="A new provider for this service: mobilisation went well but two therapist posts are "
        "still filled by agency staff.",
    )
    first = returns.return_submit(
        actor=provider,
        contract=contract,
        period_start=starts_on,
        period_end=starts_on + relativedelta(months=3) - datetime.timedelta(days=1),
        provider_commentary="The first quarter: caseloads built up across all six resourced provisions.",
        results={
            kpis[0].pk: (Decimal("93"), ""),
            kpis[1].pk: (Decimal("18"), ""),
            kpis[2].pk: (Decimal("88"), "From 41 family questionnaires."),
        },
    )
    returns.return_accept(actor=commissioner, performance_return=first, notes="Thank you: a good start.")
    second_start = starts_on + relativedelta(months=3)
    returns.return_submit(
        actor=provider,
        contract=contract,
        period_start=second_start,
        period_end=second_start + relativedelta(months=3) - datetime.timedelta(days=1),
        provider_commentary="Assessment waits rose while two posts were vacant; both are now filled.",
        results={
            kpis[0].pk: (Decimal("87"), "Sessions were missed during the summer staff changes."),
            kpis[1].pk: (Decimal("26"), "Two vacancies for most of the quarter."),
            kpis[2].pk: (Decimal("86"), ""),
        },
    )
    meetings.meeting_record(
        actor=commissioner,
        contract=contract,
        held_on=today - datetime.timedelta(days=14),
        attendees="Priya Shah, Northshire Council (commissioner)\nDaniel Okafor, Oakfield (service manager)",
        notes="Reviewed the second quarter's figures. Waits for assessment are above target; the provider "
        "expects to recover within the quarter now both posts are filled. The council will keep the "
        "rating at medium until the next return.",
        actions=[
            {
                "description": "Send a recovery plan for assessment waiting times, with weekly figures.",
                "owner": "provider",
                "owner_name": "Daniel Okafor",
                "due_on": today + datetime.timedelta(days=14),
            },
            {
                "description": "Share the schools' contact list for the autumn training sessions.",
                "owner": "council",
                "owner_name": "Priya Shah",
                "due_on": today + datetime.timedelta(days=7),
            },
        ],
    )
    return contract


def _provider_user(contract):
    """The provider user who acts for the contract in the demo."""
    from accounts.models import User

    return (
        User.objects.filter(organisation=contract.provider, email__startswith="provider@")
        .order_by("id")
        .first()
    )


def _from_fps(commissioner, oakfield, today):
    from contracts.services import contracts as services
    from procurement.models import MembershipStatus

    starts_on = _first_of_month(today) - relativedelta(months=8)
    terms = _terms(
        "NS-C-FPS-OAK",
        starts_on,
        starts_on + relativedelta(years=4) - datetime.timedelta(days=1),
        description="Oakfield's overarching contract for placements made through the North West SEND FPS.",
        notice_period_months=3,
    )
    membership = (
        services.memberships_open_for_contract(commissioner.organisation)
        .filter(provider=oakfield.organisation, status=MembershipStatus.ACTIVE)
        .order_by("lot__code")
        .first()
    )
    if membership is not None:
        contract = services.contract_create_from_membership(
            actor=commissioner, membership=membership, value=Decimal("780000.00"), **terms
        )
    else:
        contract = _spot(
            commissioner,
            oakfield,
            terms,
            title="Independent day places for autistic pupils",
            value="780000.00",
            justification="No purchasing system place was available for Oakfield when the contract was made.",
        )
    _capacity(
        commissioner,
        contract,
        [("ASD", "5-10", "independent_special", 6), ("ASD", "11-15", "independent_special", 10)],
    )
    services.risk_assess(
        actor=commissioner, contract=contract, rating="low", reasons="Good Ofsted judgement; returns on time."
    )
    return contract


def _high_risk(commissioner, riverside, today):
    from contracts.services import contracts as services

    starts_on = datetime.date(2024, 9, 1)
    ends_on = max(today + relativedelta(months=14), datetime.date(2027, 8, 31))
    contract = _spot(
        commissioner,
        riverside,
        _terms(
            "NS-C-2024-007",
            starts_on,
            ends_on,
            description="Alternative provision for secondary pupils with social, emotional and mental "
            "health needs.",
        ),
        title="Alternative provision for secondary SEMH pupils",
        value="365000.00",
        justification="An urgent need for places after a local alternative provision closed mid-year; no "
        "provider on the purchasing system had places.",
    )
    _capacity(
        commissioner, contract, [("SEMH", "11-15", "alternative", 14), ("SEMH", "16-19", "alternative", 4)]
    )
    services.risk_assess(
        actor=commissioner,
        contract=contract,
        rating="high",
        reasons="Two safeguarding concerns raised this term; attendance below 70% for three months; the "
        "latest inspection judged the provision as requiring improvement. Decommissioning is being "
        "considered.",
    )
    return contract


def _decision_due(commissioner, oakfield, today):
    ends_on = today + relativedelta(months=4)
    contract = _spot(
        commissioner,
        oakfield,
        _terms(
            "NS-C-2023-002",
            ends_on - relativedelta(years=3) + datetime.timedelta(days=1),
            ends_on,
            description="Weekend and holiday short breaks for disabled children aged 8 to 17.",
            extension_options="One period of 12 months",
            extension_months_available=12,
        ),
        title="Short breaks for disabled children",
        value="540000.00",
        justification="Continued from the previous provider's contract when it closed; re-procured at the end.",
    )
    _capacity(commissioner, contract, [("", "5-10", "other", 10), ("", "11-15", "other", 16)])
    return contract


def _ended(commissioner, riverside, today):
    from contracts.models import Contract, ContractStatus
    from contracts.services.capacity import capacity_sync
    from core.audit import audit_record
    from core.models import AuditAction

    ends_on = today - relativedelta(months=2)
    contract = _spot(
        commissioner,
        riverside,
        _terms(
            "NS-C-2021-001", datetime.date(2021, 4, 1), ends_on, description="Post-16 transition support."
        ),
        title="Post-16 transition support",
        value="210000.00",
        justification="A pilot of transition support, before the service was specified and tendered.",
    )
    _capacity(commissioner, contract, [("SEMH", "16-19", "post_16", 8)])
    # It ran to its end date. (Ending a contract belongs to decommissioning; the demo records the outcome.)
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ENDED)
    audit_record(
        action=AuditAction.TRANSITION,
        actor=commissioner,
        target=contract,
        detail={"from": "live", "to": "ended", "demo": True},
    )
    capacity_sync(organisation=contract.organisation)
    return contract
