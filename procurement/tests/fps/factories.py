"""Helpers that put purchasing system data in place through the services, as people would."""

import datetime
from decimal import Decimal

from django.utils import timezone

from procurement.services import fps as fps_services
from procurement.services import referrals as referral_services


def admit(lot, provider_user, lead, *, accept=True, needs=("ASD",), area="Greater Manchester", places=2):
    membership = fps_services.membership_admit(
        lot=lot, provider=provider_user.organisation, actor=lead, reason="Moved across from the old list"
    )
    if accept:
        membership = fps_services.membership_accept_contract(
            membership=membership, actor=provider_user, name=provider_user.full_name, role="Director"
        )
    return fps_services.membership_offer_update(
        membership=membership,
        actor=provider_user,
        needs_met=list(needs),
        age_from=lot.age_from,
        age_to=lot.age_to,
        area=area,
        places_available=places,
    )


def make_referral(actor, lot, **overrides):
    values = {
        "case_reference": "NS-2026-0457",
        "year_of_birth": timezone.localdate().year - 11,
        "primary_need": "ASD",
        "has_ehc_plan": True,
        "key_requirements": "Small classes, a quiet space, speech and language therapy weekly.",
        "wanted_start_on": timezone.localdate() + datetime.timedelta(days=30),
        "respond_by": timezone.now() + datetime.timedelta(days=7),
    }
    values.update(overrides)
    return referral_services.referral_create(actor=actor, lot=lot, **values)


def answer(referral, provider_user, *, fee="3250.00", can=True):
    response = referral.responses.get(provider=provider_user.organisation)
    return referral_services.referral_respond(
        response=response,
        actor=provider_user,
        can_meet_needs=can,
        weekly_fee=Decimal(fee) if can else None,
        start_on=timezone.localdate() + datetime.timedelta(days=30) if can else None,
        notes="A place in the primary class.",
    )


def place(referral, commissioner, provider_user, *, fee="3250.00"):
    response = answer(referral, provider_user, fee=fee)
    referral = referral_services.referral_select(referral=referral, response=response, actor=commissioner)
    start = timezone.localdate() + datetime.timedelta(days=30)
    return referral_services.ipa_create(
        referral=referral,
        actor=commissioner,
        start_on=start,
        end_on=start + datetime.timedelta(days=365),
        weekly_fee=Decimal(fee),
        additional_services=[{"service": "1:1 support", "weekly_cost": Decimal("350")}],
        review_dates=[start + datetime.timedelta(days=90)],
    )
