"""Writes for referrals and Individual Placement Agreements.

A referral moves `draft → sent → placed`, `draft → placed` (a direct award made without sending), and
`draft | sent → cancelled` (with a reason); `placed` and `cancelled` are final. The moves are data
(`REFERRAL_TRANSITIONS`), each made by one guarded function through `_referral_move`, a conditional UPDATE
audited in the same transaction.

Sending makes one `ReferralResponse` row per provider then active on the lot with the overarching contract
accepted: the rows are the list of who received it. A provider answers until the deadline by the server's
clock. The commissioner then selects one answer (a mini-competition) or makes a direct award to any
provider active on the lot, with a justification; either way the placement ends in an IPA.

A child appears only as the authority's case reference: never a name, never an address.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, Role, User
from accounts.rules import is_provider_user
from core.audit import audit_record
from core.models import AuditAction
from core.notifications import notification_send
from needs.vocabulary import PrimaryNeed

from ..models import (
    FpsLot,
    IndividualPlacementAgreement,
    Membership,
    MembershipStatus,
    PlacementRoute,
    Referral,
    ReferralResponse,
    ReferralStatus,
    ResponseStatus,
)
from ..rules import is_council_commissioner
from .tender_workflow import InvalidTransition

R = ReferralStatus

REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    R.DRAFT: frozenset({R.SENT, R.PLACED, R.CANCELLED}),
    R.SENT: frozenset({R.PLACED, R.CANCELLED}),
    R.PLACED: frozenset(),
    R.CANCELLED: frozenset(),
}

# Letters, digits and hyphens, with at least one digit: a case reference, never a person's name.
CASE_REFERENCE = re.compile(r"^(?=.*[0-9])[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
OLDEST_AGE = 25


def _require_authority_commissioner(actor, referral: Referral) -> None:
    if not is_council_commissioner(actor) or actor.organisation_id != referral.authority_id:
        raise PermissionDenied


def eligible_memberships(lot: FpsLot):
    """The providers a referral on this lot goes to: active, with the overarching contract accepted."""
    return Membership.objects.filter(
        lot=lot, status=MembershipStatus.ACTIVE, contract_accepted_at__isnull=False
    ).select_related("provider")


def _provider_users(organisation_id: int):
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role_assignments__role=Role.PROVIDER_USER
    ).distinct()


def _validate_child(values: dict, *, today: datetime.date) -> dict:
    errors = {}
    reference = (values.get("case_reference") or "").strip()
    if not CASE_REFERENCE.match(reference):
        errors["case_reference"] = (
            "Enter the case reference: letters, numbers and hyphens only, with at least one number, "
            "up to 40 characters. Never a child's name"
        )
    year = values.get("year_of_birth")
    if year is None or not today.year - OLDEST_AGE <= year <= today.year:
        errors["year_of_birth"] = f"Year of birth must be between {today.year - OLDEST_AGE} and {today.year}"
    if values.get("primary_need") not in PrimaryNeed.values:
        errors["primary_need"] = "Select the child's primary need"
    if not (values.get("key_requirements") or "").strip():
        errors["key_requirements"] = "Enter the child's key requirements"
    if values.get("wanted_start_on") is None:
        errors["wanted_start_on"] = "Enter the wanted start date"
    if errors:
        raise ValidationError(errors)
    return {**values, "case_reference": reference, "key_requirements": values["key_requirements"].strip()}


def _validate_deadline(respond_by, *, now: datetime.datetime) -> None:
    if respond_by is None:
        raise ValidationError({"respond_by": "Enter the date providers must answer by"})
    if respond_by <= now:
        raise ValidationError({"respond_by": "The date providers must answer by must be in the future"})


def referral_create(
    *,
    actor: User,
    lot: FpsLot,
    case_reference: str,
    year_of_birth: int,
    primary_need: str,
    has_ehc_plan: bool,
    key_requirements: str,
    wanted_start_on: datetime.date,
    respond_by: datetime.datetime,
    now: datetime.datetime | None = None,
) -> Referral:
    """A commissioner of a member authority drafts a referral on a lot of a system their authority
    belongs to."""
    now = now or timezone.now()
    if not is_council_commissioner(actor):
        raise PermissionDenied
    if not lot.system.member_authorities.filter(pk=actor.organisation_id).exists():
        raise PermissionDenied
    values = _validate_child(
        {
            "case_reference": case_reference,
            "year_of_birth": year_of_birth,
            "primary_need": primary_need,
            "key_requirements": key_requirements,
            "wanted_start_on": wanted_start_on,
        },
        today=timezone.localdate(now),
    )
    _validate_deadline(respond_by, now=now)
    with transaction.atomic():
        referral = Referral.objects.create(
            authority=actor.organisation,
            lot=lot,
            has_ehc_plan=has_ehc_plan,
            respond_by=respond_by,
            created_by=actor,
            **values,
        )
        # The case reference is the authority's own; the audit log keeps only the lot.
        audit_record(action=AuditAction.CREATE, actor=actor, target=referral, detail={"lot": lot.pk})
    return referral


def _referral_move(
    *, referral: Referral, to: str, actor: User, detail: dict | None = None, **fields
) -> Referral:
    current = referral.status
    if to not in REFERRAL_TRANSITIONS[current]:
        raise InvalidTransition(
            f"A referral that is {R(current).label.lower()} cannot become {R(to).label.lower()}."
        )
    with transaction.atomic():
        updated = Referral.objects.filter(pk=referral.pk, status=current).update(status=to, **fields)
        if not updated:
            raise InvalidTransition("Someone else has changed this referral. Reload the page to see it.")
        referral.refresh_from_db()
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=referral,
            detail={"from": current, "to": to, **(detail or {})},
        )
    return referral


def referral_send(*, referral: Referral, actor: User, now: datetime.datetime | None = None) -> Referral:
    """Send the referral to every provider active on the lot with the contract accepted: one response row
    each, and a notification to each of their users."""
    now = now or timezone.now()
    _require_authority_commissioner(actor, referral)
    if referral.status == R.DRAFT:
        _validate_deadline(referral.respond_by, now=now)
    memberships = list(eligible_memberships(referral.lot))
    if referral.status == R.DRAFT and not memberships:
        raise ValidationError("No provider on this lot is active with the overarching contract accepted.")
    with transaction.atomic():
        referral = _referral_move(
            referral=referral,
            to=R.SENT,
            actor=actor,
            detail={"providers": [m.provider_id for m in memberships]},
            sent_at=now,
        )
        ReferralResponse.objects.bulk_create(
            [ReferralResponse(referral=referral, provider=m.provider) for m in memberships]
        )
        url = reverse("procurement:fps_received_detail", args=[referral.pk])
        for membership in memberships:
            for user in _provider_users(membership.provider_id):
                notification_send(
                    recipient=user,
                    kind="fps_referral",
                    subject=f"New referral on {referral.lot.code}: answer by "
                    f"{timezone.localtime(referral.respond_by):%-d %B %Y %H:%M}",
                    body=f"{referral.authority} has sent a referral ({referral.get_primary_need_display()}) "
                    f"on {referral.lot}.",
                    url=url,
                    target=referral,
                )
    return referral


def referral_respond(
    *,
    response: ReferralResponse,
    actor: User,
    can_meet_needs: bool,
    weekly_fee: Decimal | None = None,
    start_on: datetime.date | None = None,
    notes: str = "",
    now: datetime.datetime | None = None,
) -> ReferralResponse:
    """A provider answers a referral sent to it, and may change its answer, until the deadline."""
    now = now or timezone.now()
    if not is_provider_user(actor) or actor.organisation_id != response.provider_id:
        raise PermissionDenied
    referral = response.referral
    if referral.status != R.SENT:
        raise ValidationError("This referral is no longer open for answers.")
    if now >= referral.respond_by:
        raise ValidationError("The deadline for answers has passed.")
    if can_meet_needs is None:
        raise ValidationError({"can_meet_needs": "Select whether you can meet the child's needs"})
    errors = {}
    if can_meet_needs:
        if weekly_fee is None or weekly_fee <= 0:
            errors["weekly_fee"] = "Enter the weekly fee in pounds, more than £0"
        if start_on is None:
            errors["start_on"] = "Enter the date you could start"
    else:
        weekly_fee, start_on = None, None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = ReferralResponse.objects.filter(
            pk=response.pk,
            status__in=[ResponseStatus.AWAITING, ResponseStatus.RESPONDED],
            referral__status=R.SENT,
        ).update(
            status=ResponseStatus.RESPONDED,
            can_meet_needs=can_meet_needs,
            weekly_fee=weekly_fee,
            start_on=start_on,
            notes=(notes or "").strip(),
            responded_by=actor,
            responded_at=now,
        )
        if not updated:
            raise ValidationError("This referral is no longer open for answers.")
        response.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=response,
            detail={"can_meet_needs": can_meet_needs},
        )
    return response


def _notify_outcome(referral: Referral, chosen_provider_id: int) -> None:
    url = reverse("procurement:fps_received_detail", args=[referral.pk])
    for response in referral.responses.all():
        selected = response.provider_id == chosen_provider_id
        for user in _provider_users(response.provider_id):
            notification_send(
                recipient=user,
                kind="fps_referral_outcome",
                subject=f"Referral on {referral.lot.code}: "
                + ("your offer has been selected" if selected else "another provider has been selected"),
                url=url,
                target=referral,
            )


def referral_select(
    *, referral: Referral, response: ReferralResponse, actor: User, now: datetime.datetime | None = None
) -> Referral:
    """Mini-competition: select one provider's answer. The others are not selected; all are told."""
    now = now or timezone.now()
    _require_authority_commissioner(actor, referral)
    if response.referral_id != referral.pk:
        raise ValidationError("That answer is not to this referral.")
    if referral.status != R.SENT:
        raise InvalidTransition("Only a referral that has been sent can have an answer selected.")
    if response.status != ResponseStatus.RESPONDED or not response.can_meet_needs:
        raise ValidationError("Only an answer that can meet the child's needs can be selected.")
    with transaction.atomic():
        referral = _referral_move(
            referral=referral,
            to=R.PLACED,
            actor=actor,
            detail={"route": PlacementRoute.MINI_COMPETITION, "provider": response.provider_id},
            placement_route=PlacementRoute.MINI_COMPETITION,
            decided_by=actor,
            decided_at=now,
        )
        referral.responses.filter(pk=response.pk).update(status=ResponseStatus.SELECTED)
        referral.responses.exclude(pk=response.pk).update(status=ResponseStatus.NOT_SELECTED)
        _notify_outcome(referral, response.provider_id)
    return referral


def direct_award_candidates(referral: Referral):
    return eligible_memberships(referral.lot).order_by("provider__name")


def referral_direct_award(
    *,
    referral: Referral,
    provider: Organisation,
    justification: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> Referral:
    """Place directly with one provider active on the lot, with or without its answer, saying why."""
    now = now or timezone.now()
    _require_authority_commissioner(actor, referral)
    if not (justification or "").strip():
        raise ValidationError({"justification": "Enter why a direct award is justified"})
    if not direct_award_candidates(referral).filter(provider=provider).exists():
        raise ValidationError(
            {"provider": "Select a provider active on this lot with the overarching contract accepted"}
        )
    with transaction.atomic():
        referral = _referral_move(
            referral=referral,
            to=R.PLACED,
            actor=actor,
            detail={"route": PlacementRoute.DIRECT_AWARD, "provider": provider.pk},
            placement_route=PlacementRoute.DIRECT_AWARD,
            direct_award_justification=justification.strip(),
            decided_by=actor,
            decided_at=now,
        )
        response, _ = ReferralResponse.objects.get_or_create(referral=referral, provider=provider)
        referral.responses.filter(pk=response.pk).update(status=ResponseStatus.SELECTED)
        referral.responses.exclude(pk=response.pk).update(status=ResponseStatus.NOT_SELECTED)
        _notify_outcome(referral, provider.pk)
    return referral


def referral_cancel(*, referral: Referral, actor: User, reason: str) -> Referral:
    """Cancel before placement, with a reason; providers it was sent to are told."""
    _require_authority_commissioner(actor, referral)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the referral is cancelled"})
    with transaction.atomic():
        referral = _referral_move(
            referral=referral, to=R.CANCELLED, actor=actor, cancelled_reason=reason.strip()
        )
        url = reverse("procurement:fps_received_detail", args=[referral.pk])
        for response in referral.responses.all():
            for user in _provider_users(response.provider_id):
                notification_send(
                    recipient=user,
                    kind="fps_referral_cancelled",
                    subject=f"Referral on {referral.lot.code} has been cancelled",
                    url=url,
                    target=referral,
                )
    return referral


def selected_response(referral: Referral) -> ReferralResponse | None:
    return referral.responses.select_related("provider").filter(status=ResponseStatus.SELECTED).first()


def _reference_prefix(authority: Organisation) -> str:
    words = [word for word in re.split(r"[^A-Za-z0-9]+", authority.slug) if word]
    return ("".join(words).upper() or "LA")[:16]


def _next_reference(authority: Organisation, year: int) -> str:
    stem = f"{_reference_prefix(authority)}-IPA-{year}-"
    taken = IndividualPlacementAgreement.objects.filter(reference__startswith=stem).values_list(
        "reference", flat=True
    )
    numbers = [int(ref.removeprefix(stem)) for ref in taken if ref.removeprefix(stem).isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:04d}"


def _clean_services(rows: list[dict]) -> list[dict]:
    cleaned = []
    for row in rows:
        service = (row.get("service") or "").strip()
        cost = row.get("weekly_cost")
        if not service and cost in (None, ""):
            continue
        if not service:
            raise ValidationError({"additional_services": "Enter the name of each additional service"})
        if cost is None or Decimal(cost) < 0:
            raise ValidationError({"additional_services": f"Enter the weekly cost of {service}"})
        cleaned.append({"service": service, "weekly_cost": f"{Decimal(cost):.2f}"})
    return cleaned


def ipa_create(
    *,
    referral: Referral,
    actor: User,
    start_on: datetime.date,
    end_on: datetime.date,
    weekly_fee: Decimal,
    additional_services: list[dict] | None = None,
    review_dates: list[datetime.date] | None = None,
) -> IndividualPlacementAgreement:
    """Write the Individual Placement Agreement for a placed referral, with the chosen provider. Its
    reference (e.g. NORTHSHIRE-IPA-2026-0001) is unique."""
    _require_authority_commissioner(actor, referral)
    if referral.status != R.PLACED:
        raise ValidationError("A placement agreement is written once a provider has been chosen.")
    if IndividualPlacementAgreement.objects.filter(referral=referral).exists():
        raise ValidationError("This referral already has a placement agreement.")
    chosen = selected_response(referral)
    if chosen is None:
        raise ValidationError("No provider has been chosen for this referral.")
    errors = {}
    if start_on is None:
        errors["start_on"] = "Enter the start date"
    if end_on is None:
        errors["end_on"] = "Enter the end date"
    elif start_on is not None and end_on <= start_on:
        errors["end_on"] = "End date must be after the start date"
    if weekly_fee is None or weekly_fee <= 0:
        errors["weekly_fee"] = "Enter the weekly fee in pounds, more than £0"
    if errors:
        raise ValidationError(errors)
    services = _clean_services(additional_services or [])
    reviews = sorted({date for date in (review_dates or []) if date is not None})
    if any(not start_on <= date <= end_on for date in reviews):
        raise ValidationError({"review_dates": "Review dates must fall within the placement"})
    for _attempt in range(5):
        try:
            with transaction.atomic():
                ipa = IndividualPlacementAgreement.objects.create(
                    referral=referral,
                    reference=_next_reference(referral.authority, start_on.year),
                    authority=referral.authority,
                    provider=chosen.provider,
                    lot=referral.lot,
                    case_reference=referral.case_reference,
                    start_on=start_on,
                    end_on=end_on,
                    weekly_fee=weekly_fee,
                    additional_services=services,
                    review_dates=[date.isoformat() for date in reviews],
                    created_by=actor,
                )
                audit_record(
                    action=AuditAction.CREATE,
                    actor=actor,
                    target=ipa,
                    detail={"referral": referral.pk, "provider": chosen.provider_id},
                )
                for user in _provider_users(chosen.provider_id):
                    notification_send(
                        recipient=user,
                        kind="fps_ipa",
                        subject=f"Individual Placement Agreement {ipa.reference}",
                        body=f"{referral.authority} has made a placement agreement with {chosen.provider}.",
                        url=reverse("procurement:fps_ipa_detail", args=[ipa.pk]),
                        target=ipa,
                    )
            return ipa
        except IntegrityError:
            if IndividualPlacementAgreement.objects.filter(referral=referral).exists():
                raise ValidationError("This referral already has a placement agreement.") from None
    raise ValidationError("A reference could not be given. Try again.")


def ipa_services_total(ipa: IndividualPlacementAgreement) -> Decimal:
    return sum((Decimal(row["weekly_cost"]) for row in ipa.additional_services), Decimal("0"))
