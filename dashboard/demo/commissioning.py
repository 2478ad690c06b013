"""Demo data for the Plan stage: a service specification with two versions (the first consulted on)."""

from commissioning.models import ServiceSpecification

SLT_SECTIONS = {
    "aims": (
        "Give children and young people aged 0 to 25 with speech, language and communication needs the "
        "therapy set out in their EHC plans, in school, at home and in college, so that they can understand "
        "and be understood."
    ),
    "outcomes": [
        {
            "outcome": "Children make progress towards their communication targets",
            "measure": "Share of EHC plan communication outcomes met or partly met at annual review",
            "target": "80%",
            "frequency": "Each term",
        },
        {
            "outcome": "Families know what therapy their child gets",
            "measure": "Share of families given a written therapy plan within 6 weeks of assessment",
            "target": "95%",
            "frequency": "Each quarter",
        },
    ],
    "standards": (
        "Therapists registered with the Health and Care Professions Council. The SEND Code of Practice "
        "(2015). Royal College of Speech and Language Therapists' guidance on school-based services."
    ),
    "delivery_model": (
        "Direct therapy in mainstream schools, resourced provisions and special schools, with training "
        "for teaching assistants; clinics in the school holidays; a termly drop-in for families."
    ),
    "eligibility": (
        "Children and young people with an EHC plan naming speech and language therapy, referred by the "
        "SEN team; others through the Northshire children's therapy single point of access."
    ),
    "kpis": [
        {"name": "Assessments within 12 weeks of referral", "target": "90%", "frequency": "Monthly"},
        {"name": "Therapy sessions delivered as planned", "target": "95%", "frequency": "Monthly"},
    ],
    "safeguarding": (
        "Enhanced DBS checks for all staff; safeguarding training at level 3 for leads; the Northshire "
        "Safeguarding Children Partnership's procedures."
    ),
    "involvement": (
        "Parent carer forum members sit on the quarterly review; young people's views gathered each term "
        "in accessible formats."
    ),
}


def seed(*, commissioner, forum_member) -> None:
    """A specification consulted on, answered and revised ("You said, we did" published), and a second
    specification whose consultation is open with a comment waiting for an answer."""
    import datetime

    from django.utils import timezone

    from commissioning.services.specifications import specification_create, specification_edit
    from coproduction.services import (
        comment_add,
        consultation_close,
        consultation_complete,
        consultation_open,
        response_record,
    )

    title = "Speech and language therapy for children and young people with EHC plans"
    if ServiceSpecification.objects.filter(organisation=commissioner.organisation, title=title).exists():
        return
    today = timezone.localdate()
    forum = forum_member.organisation
    specification = specification_create(actor=commissioner, title=title, sections=SLT_SECTIONS)
    consultation = consultation_open(
        actor=commissioner,
        specification=specification,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=28),
        forums=[forum],
    )
    holidays = comment_add(
        actor=forum_member,
        consultation=consultation,
        section="delivery_model",
        text="Therapy stops in the school holidays, and children lose what they gained. Please keep it going.",
    )
    panel = comment_add(
        actor=forum_member,
        consultation=consultation,
        section="involvement",
        text="Parents should help choose the provider, not just be told who won.",
    )
    caseloads = comment_add(
        actor=forum_member,
        consultation=consultation,
        section="kpis",
        text="Publish therapists' caseloads so families can see if the service is stretched.",
    )
    revised = {
        **SLT_SECTIONS,
        "delivery_model": SLT_SECTIONS["delivery_model"]
        + " Therapy continues through the school holidays for children whose plans say so.",
        "involvement": SLT_SECTIONS["involvement"]
        + " A parent representative joins the panel that evaluates tenders for this service.",
    }
    version_2 = specification_edit(
        actor=commissioner,
        specification=specification,
        sections=revised,
        change_summary="After the forum's comments: holiday therapy, and a parent on the evaluation panel.",
    )
    response_record(
        actor=commissioner,
        comment=holidays,
        outcome="accepted",
        changed_section="delivery_model",
        changed_in_version=version_2,
        explanation="Therapy now continues through the holidays for every child whose plan names it.",
    )
    response_record(
        actor=commissioner,
        comment=panel,
        outcome="partly",
        changed_section="involvement",
        changed_in_version=version_2,
        explanation="A parent representative will sit on the evaluation panel; the decision stays with the council.",
    )
    response_record(
        actor=commissioner,
        comment=caseloads,
        outcome="not_accepted",
        explanation="Caseloads change weekly and would mislead; we will publish waiting times each quarter instead.",
    )
    consultation_close(consultation=consultation, actor=commissioner)
    consultation_complete(actor=commissioner, consultation=consultation)

    outreach = specification_create(
        actor=commissioner,
        title="Autism outreach to mainstream schools",
        sections={
            "aims": "Help autistic children and young people thrive in their local mainstream school.",
            "delivery_model": "Specialist teachers visit schools weekly and train staff each term.",
            "eligibility": "Children with autism, with or without an EHC plan, referred by their school's SENCo.",
        },
    )
    open_now = consultation_open(
        actor=commissioner,
        specification=outreach,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=21),
        forums=[forum],
    )
    comment_add(
        actor=forum_member,
        consultation=open_now,
        section="eligibility",
        text="Children waiting for an autism assessment need this too: please do not require a diagnosis.",
    )


def _case_content(title: str, places: int, weekly: int) -> dict:
    annual = places * weekly * 39
    return {
        "title": title,
        "need": (
            f"The needs analysis projects a shortfall of places for this group by 2029/30. Families told us "
            f"they wait too long for a suitable place, and {places} children are placed out of area today."
        ),
        "options": [
            {
                "name": "Do nothing",
                "description": "Keep placing children in independent schools out of area.",
                "pros": "No set-up cost",
                "cons": "Long journeys; high weekly fees",
                "cost": str(annual * 2),
            },
            {
                "name": "Commission local places",
                "description": "Commission places through the purchasing system.",
                "pros": "Children stay local",
                "cons": "Takes a year to open",
                "cost": str(annual),
            },
            {
                "name": "Expand a maintained special school",
                "description": "Build a new wing.",
                "pros": "Council-run",
                "cons": "Capital needed; three years to build",
                "cost": str(int(annual * 1.2)),
            },
        ],
        "recommended_option": "Commission local places",
        "whole_life_cost": [
            {"financial_year": f"{year}-{(year + 1) % 100:02d}", "amount": str(annual)}
            for year in range(2026, 2031)
        ],
        "funding": [
            {"source": "high_needs_block", "amount": str(int(annual * 0.85))},
            {"source": "icb", "amount": str(int(annual * 0.15))},
        ],
        "risks": [
            {
                "risk": "Providers do not bid",
                "likelihood": "Medium",
                "impact": "High",
                "mitigation": "Market engagement before the tender; a direct award route kept open",
            },
        ],
        "outcomes": "Children with EHC plans are educated within 45 minutes of home and attend well.",
    }


CASES = [
    ("Local specialist places for autistic secondary pupils", "cabinet_approved", 24, 1150),
    ("Resourced provision for speech and language needs", "legal_approved", 16, 700),
    ("Social, emotional and mental health support in mainstream", "finance_approved", 30, 420),
    ("Post-16 supported internships", "submitted", 20, 380),
    ("Short breaks: Saturday clubs", "returned", 40, 95),
    ("Residential placements framework", "rejected", 6, 4800),
    ("Alternative provision for excluded pupils", "draft", 18, 650),
]


# The two furthest-on business cases start from gaps in the needs analysis, so the evidence chain runs
# from their contracts back to the needs data: (age band, need, priority, service area).
CASE_INTENTIONS = {
    "Local specialist places for autistic secondary pupils": ("11-15", "ASD", "high", "Specialist places"),
    "Resourced provision for speech and language needs": ("5-10", "SLCN", "medium", "Resourced provision"),
}


def _intention_for(title: str, author):
    import datetime

    from commissioning.services.intentions import intention_create

    if title not in CASE_INTENTIONS:
        return None
    age_band, need, priority, area = CASE_INTENTIONS[title]
    return intention_create(
        actor=author,
        title=title,
        summary=f"Close the projected shortfall in {area.lower()} for this group, found in the gap analysis.",
        priority=priority,
        service_area=area,
        primary_need=need,
        age_band=age_band,
        target_date=datetime.date(2027, 9, 1),
        owner=author,
        gap_reference=f"{age_band}/{need}",
    )


def seed_business_cases(*, people: dict) -> None:
    """Business cases in every state of the approval workflow, each moved by the service functions."""
    import datetime

    from commissioning.models import BusinessCase
    from commissioning.services import business_cases as cases

    author = people["commissioner"]
    if BusinessCase.objects.filter(organisation=author.organisation).exists():
        return
    for title, state, places, weekly in CASES:
        content = _case_content(title, places, weekly)
        case = cases.business_case_create(actor=author, intention=_intention_for(title, author), **content)
        if state == "draft":
            continue
        cases.business_case_submit(case=case, actor=author)
        if state == "submitted":
            continue
        if state == "returned":
            cases.business_case_finance_decide(
                case=case,
                actor=people["finance"],
                outcome="returned",
                comments="The costs leave out transport; add them and resubmit.",
            )
            continue
        if state == "rejected":
            cases.business_case_finance_decide(
                case=case,
                actor=people["finance"],
                outcome="rejected",
                comments="Unaffordable within the High Needs Block recovery plan.",
            )
            continue
        cases.business_case_finance_decide(case=case, actor=people["finance"], outcome="approved")
        if state == "finance_approved":
            continue
        cases.business_case_legal_decide(case=case, actor=people["legal"], outcome="approved")
        if state == "legal_approved":
            continue
        cases.business_case_cabinet_decide(
            case=case,
            actor=people["lead"],
            outcome="approved",
            cabinet_date=datetime.date(2026, 10, 15),
            minute_reference="CAB/2026/118",
        )
