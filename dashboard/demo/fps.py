"""Demo purchasing system: the North West SEND Flexible Purchasing System, led by Northshire with Southvale
as a member, with six lots; Oakfield and Riverside on some lots with the overarching contract accepted and
their offers filled in, one suspended place, a referral from Northshire waiting for answers, a placed
referral with its Individual Placement Agreement, and a Southvale referral that Northshire never sees.

Made through the services, as people would. A system already there is left alone.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from procurement.models import PurchasingSystem
from procurement.services import fps as services
from procurement.services import referrals

NAME = "North West SEND Flexible Purchasing System"

TERMS = """1. The provider keeps its registration with Ofsted (or the equivalent regulator) and the DfE, and tells \
the lead authority within 5 working days of any inspection judgement or change of registration.
2. The provider keeps employer's liability, public liability and professional indemnity insurance in force, \
and a safeguarding policy reviewed every year.
3. The provider answers every referral sent to it by the deadline, saying whether it can meet the child's \
needs, its weekly fee and when it could start.
4. Each placement is made by an Individual Placement Agreement under these terms; the weekly fee in the \
agreement is fixed for its first 12 months.
5. The lead authority runs the annual provider checks. A failed or overdue check may suspend the provider's \
place on the system; every member authority is told."""

LOTS = [
    ("L1", "0–16 day", 0, 16),
    ("L2", "0–16 38-week residential", 0, 16),
    ("L3", "0–16 52-week residential", 0, 16),
    ("L4", "16+ day", 16, 25),
    ("L5", "16+ residential", 16, 25),
    ("L6", "Alternative provision", 5, 16),
]

# (provider email, lot code, needs, ages, area, places)
PLACES = [
    ("provider@oakfield.example", "L1", ["ASD", "SLCN"], (7, 16), "Northshire", 3),
    ("provider@oakfield.example", "L2", ["ASD"], (7, 16), "Northshire", 1),
    ("provider@oakfield.example", "L6", ["ASD", "SEMH"], (11, 16), "Northshire and Southvale", 4),
    ("provider@riverside.example", "L1", ["SEMH", "ASD"], (11, 16), "Southvale", 2),
    ("provider@riverside.example", "L4", ["SEMH"], (16, 19), "Southvale", 5),
    ("provider@riverside.example", "L5", ["SEMH"], (16, 19), "Southvale", 2),
]


def seed() -> None:
    """Create the demo data for this part, or leave what is there alone."""
    if PurchasingSystem.objects.filter(name=NAME).exists():
        return
    lead = User.objects.get(email="lead@northshire.example")
    northshire = User.objects.get(email="commissioner@northshire.example")
    southvale = User.objects.get(email="commissioner@southvale.example")
    providers = {
        email: User.objects.get(email=email)
        for email in ("provider@oakfield.example", "provider@riverside.example")
    }
    today = timezone.localdate()
    days = datetime.timedelta

    system = services.purchasing_system_create(
        actor=lead,
        name=NAME,
        description="A flexible purchasing system for independent and non-maintained special school places, "
        "residential placements, post-16 provision and alternative provision, shared by the member "
        "authorities of the region.",
        overarching_contract_title="Overarching agreement for SEND placements 2026–2030",
        overarching_contract_terms=TERMS,
        annual_check_month=4,
        annual_check_day=1,
        starts_on=datetime.date(today.year, 4, 1) - days(365),
        ends_on=datetime.date(today.year + 3, 3, 31),
    )
    services.purchasing_system_member_add(
        system=system, actor=lead, authority=Organisation.objects.get(slug="southvale")
    )
    lots = {
        code: services.fps_lot_add(
            system=system, actor=lead, code=code, title=title, age_from=age_from, age_to=age_to
        )
        for code, title, age_from, age_to in LOTS
    }
    places = {}
    for email, code, needs, (age_from, age_to), area, count in PLACES:
        user = providers[email]
        membership = services.membership_admit(
            lot=lots[code],
            provider=user.organisation,
            actor=lead,
            reason="On the regional list before it moved to this service",
        )
        membership = services.membership_accept_contract(
            membership=membership, actor=user, name=user.full_name, role="Director"
        )
        places[(email, code)] = services.membership_offer_update(
            membership=membership,
            actor=user,
            needs_met=needs,
            age_from=age_from,
            age_to=age_to,
            area=area,
            places_available=count,
        )
    services.membership_suspend(
        membership=places[("provider@riverside.example", "L5")],
        actor=lead,
        reason="The safeguarding policy's annual review is overdue (annual provider check).",
    )

    oakfield, riverside = providers["provider@oakfield.example"], providers["provider@riverside.example"]

    def refer(actor, reference, **extra):
        values = {
            "lot": lots["L1"],
            "case_reference": reference,
            "year_of_birth": today.year - 11,
            "primary_need": "ASD",
            "has_ehc_plan": True,
            "key_requirements": "Small classes of no more than 8, a quiet space to regulate, weekly speech and "
            "language therapy, and a transition plan from the current primary school.",
            "wanted_start_on": today + days(45),
            "respond_by": timezone.now() + days(10),
        }
        values.update(extra)
        referral = referrals.referral_create(actor=actor, **values)
        return referrals.referral_send(referral=referral, actor=actor)

    def respond(referral, user, fee, start):
        response = referral.responses.get(provider=user.organisation)
        return referrals.referral_respond(
            response=response,
            actor=user,
            can_meet_needs=True,
            weekly_fee=Decimal(fee),
            start_on=start,
            notes="A place in a class of 7 with a named key worker.",
        )

    # A referral from Northshire waiting for answers: Riverside has answered, Oakfield not yet.
    waiting = refer(northshire, "NS-2026-0457")
    respond(waiting, riverside, "3450.00", today + days(50))

    # A placed referral with its agreement.
    placed = refer(
        northshire,
        "NS-2026-0312",
        year_of_birth=today.year - 9,
        key_requirements="Needs a calm, structured setting with 1:1 support for part of the day.",
        wanted_start_on=today + days(20),
    )
    chosen = respond(placed, oakfield, "3250.00", today + days(21))
    respond(placed, riverside, "3600.00", today + days(30))
    placed = referrals.referral_select(referral=placed, response=chosen, actor=northshire)
    start = today + days(21)
    referrals.ipa_create(
        referral=placed,
        actor=northshire,
        start_on=start,
        end_on=start + days(364),
        weekly_fee=Decimal("3250.00"),
        additional_services=[
            {"service": "1:1 support (15 hours a week)", "weekly_cost": Decimal("420.00")},
            {"service": "Speech and language therapy", "weekly_cost": Decimal("95.00")},
        ],
        review_dates=[start + days(42), start + days(182)],
    )

    # Southvale's own referral, which Northshire never sees.
    refer(southvale, "SV-88123", primary_need="SEMH", year_of_birth=today.year - 13)
