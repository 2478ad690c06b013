"""Demo annual provider checks on the North West SEND Flexible Purchasing System, one in each state for this
check year:

- Oakfield: evidence submitted, waiting for the lead commissioner (its insurance runs out before next
  year's check, so the verify page shows a warning);
- Riverside: verified;
- Cedar House (a third demo provider): failed, its place suspended;
- Willowmere (a fourth): overdue, its place suspended;
- Brookside (a fifth, admitted in the autumn): evidence requested, due in a few weeks.

Made through the services, as the scheduled task and people would. Checks already there are left alone.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.services import organisation_create, user_create
from contracts.models import EVIDENCE_DAYS, ProviderCheck
from contracts.services import checks as services
from procurement.models import FpsLot, Membership, PurchasingSystem
from procurement.services import fps as fps_services

from .fps import NAME
from .procurement import _demo_pdf

# (slug, name, provider user's email and name, lot code)
EXTRA_PROVIDERS = [
    ("cedar-house", "Cedar House Care Ltd", "provider@cedarhouse.example", "Marcus Bell", "L3"),
    ("willowmere", "Willowmere Learning Ltd", "provider@willowmere.example", "Joanna Lewis", "L2"),
    ("brookside", "Brookside Specialist Education", "provider@brookside.example", "Imran Qureshi", "L6"),
]


def _provider(slug: str, name: str, email: str, full_name: str) -> User:
    organisation = Organisation.objects.filter(slug=slug).first() or organisation_create(
        name=name, slug=slug, kind=OrganisationKind.PROVIDER
    )
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(
            email=email,
            full_name=full_name,
            organisation=organisation,
            roles=[Role.PROVIDER_USER],
            password=settings.DEMO_PASSWORD,
        )
    return user


def _place(system: PurchasingSystem, lead: User, user: User, code: str) -> Membership:
    lot = FpsLot.objects.get(system=system, code=code)
    membership = Membership.objects.filter(lot=lot, provider=user.organisation).first()
    if membership is not None:
        return membership
    membership = fps_services.membership_admit(
        lot=lot, provider=user.organisation, actor=lead, reason="Admitted in the autumn admission round"
    )
    membership = fps_services.membership_accept_contract(
        membership=membership, actor=user, name=user.full_name, role="Director"
    )
    return fps_services.membership_offer_update(
        membership=membership,
        actor=user,
        needs_met=["SEMH", "ASD"],
        age_from=lot.age_from,
        age_to=lot.age_to,
        area="Northshire",
        places_available=2,
    )


def _evidence(check: ProviderCheck, user: User, **overrides) -> ProviderCheck | None:
    """Send demonstration evidence; None where the upload checks refuse it (no virus scanner reachable)."""
    values = {
        "registration_statement": f"{user.organisation.name}: Ofsted-registered independent special school, "
        "URN 148812, DfE 931/6012. No change of registration this year.",
        "ofsted_judgement": "good",
        "ofsted_judgement_on": datetime.date(check.year - 1, 11, 4),
        "insurance_cover_pounds": 10_000_000,
        "insurance_expires_on": datetime.date(check.year + 1, 7, 31),
        "financial_statement": "Accounts to 31 August: turnover £4.2m, surplus £180k, net assets £1.1m. "
        "No material change since.",
    }
    values.update(overrides)
    files = {
        field: SimpleUploadedFile(f"{field}.pdf", _demo_pdf(), content_type="application/pdf")
        for field in services.FILE_FIELDS.values()
    }
    try:
        return services.provider_check_submit(check=check, actor=user, values=values, files=files)
    except ValidationError:
        return None


def seed() -> None:
    """Create the demo checks for this check year, or leave what is there alone."""
    system = PurchasingSystem.objects.filter(name=NAME).first()
    if system is None:
        return
    today = timezone.localdate()
    year = today.year
    check_day = services.check_date_for(system, year)
    if today <= check_day + datetime.timedelta(days=EVIDENCE_DAYS):
        # This year's evidence is not due yet: show last year's checks, where every state can be genuine.
        year -= 1
        check_day = services.check_date_for(system, year)
    if ProviderCheck.objects.filter(system=system, year=year).exists():
        return
    lead = User.objects.get(email="lead@northshire.example")
    oakfield = User.objects.get(email="provider@oakfield.example")
    riverside = User.objects.get(email="provider@riverside.example")
    extra = {
        slug: (_provider(slug, name, email, full), code) for slug, name, email, full, code in EXTRA_PROVIDERS
    }
    for slug in ("cedar-house", "willowmere"):
        user, code = extra[slug]
        _place(system, lead, user, code)

    # The run on the check date: Oakfield, Riverside, Cedar House and Willowmere are asked.
    services.annual_checks_run(today=check_day, year=year, system=system)
    checks = {check.provider.slug: check for check in ProviderCheck.objects.filter(system=system, year=year)}

    _evidence(checks["oakfield"], oakfield, insurance_expires_on=check_day + datetime.timedelta(days=300))
    verified = _evidence(checks["riverside"], riverside)
    if verified is not None:
        services.provider_check_verify(check=verified, actor=lead, notes="Certificates and accounts seen.")
    cedar = _evidence(checks["cedar-house"], extra["cedar-house"][0], ofsted_judgement="inadequate")
    if cedar is not None:
        services.provider_check_fail(
            check=cedar,
            actor=lead,
            reason="The latest Ofsted judgement is Inadequate and no action plan was sent with the evidence.",
        )
    # Willowmere sent nothing: overdue since its due day, and its place is suspended.
    services.annual_checks_mark_overdue(today=today)

    # Brookside was admitted in the autumn and asked a few days ago.
    user, code = extra["brookside"]
    _place(system, lead, user, code)
    services.annual_checks_run(today=today - datetime.timedelta(days=5), year=year, system=system)
