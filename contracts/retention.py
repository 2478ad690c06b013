"""Retention of children's placement data (found by core.retention).

A child appears only as the council's pseudonymous case reference, with a year of birth, a primary need
and what a placement needs. The reference is still personal data: the council can tie it to the child.
Six years after a placement ended (the Limitation Act's period for a claim under the contract), or
after a referral was cancelled, the reference and the free text about the child are removed from the
referral, the providers' responses, the placement agreement, decommissioning exit plans and the history
of each. The rows stay, as "removed-…", for the money and the counts: fees, dates, lots, primary need
and year of birth identify nobody once the reference is gone.

This lives in contracts, the last app of the cycle, because exit plans (contracts) point at placement
agreements and referrals (procurement).
"""

import datetime

from django.db import models
from django.db.models import Max, OuterRef, Q, Subquery

from contracts.models import ExitPlanRow
from core.retention import RetentionRule, retention_rule_register
from procurement.models import IndividualPlacementAgreement, Referral, ReferralResponse, ReferralStatus

REMOVED_PREFIX = "removed-"
REMOVED_TEXT = "Removed after the retention period."


def _closed_placements(cutoff: datetime.datetime) -> models.QuerySet:
    """Referrals placed whose agreement ended before the cutoff, or cancelled before it."""
    last_change = (
        Referral.history.model.objects.filter(id=OuterRef("pk"))
        .order_by()
        .values("id")
        .annotate(at=Max("history_date"))
        .values("at")
    )
    return (
        Referral.objects.exclude(case_reference__startswith=REMOVED_PREFIX)
        .annotate(last_change=Subquery(last_change))
        .filter(
            Q(status=ReferralStatus.PLACED, placement_agreement__end_on__lt=cutoff.date())
            | Q(status=ReferralStatus.CANCELLED, last_change__lt=cutoff)
        )
    )


def _anonymise(referrals: models.QuerySet) -> int:
    count = 0
    for referral in referrals.select_related("placement_agreement"):
        old_reference = referral.case_reference
        reference = f"{REMOVED_PREFIX}{referral.pk}"
        fields = {"case_reference": reference, "key_requirements": REMOVED_TEXT}
        Referral.objects.filter(pk=referral.pk).update(**fields)
        Referral.history.model.objects.filter(id=referral.pk).update(**fields)
        responses = ReferralResponse.objects.filter(referral=referral)
        ReferralResponse.history.model.objects.filter(id__in=responses.values("pk")).update(notes="")
        responses.update(notes="")
        agreement = getattr(referral, "placement_agreement", None)
        rows = ExitPlanRow.objects.filter(
            decommissioning__contract__organisation_id=referral.authority_id, case_reference=old_reference
        )
        if agreement is not None:
            IndividualPlacementAgreement.objects.filter(pk=agreement.pk).update(case_reference=reference)
            IndividualPlacementAgreement.history.model.objects.filter(id=agreement.pk).update(
                case_reference=reference
            )
            rows = ExitPlanRow.objects.filter(Q(pk__in=rows.values("pk")) | Q(placement_agreement=agreement))
        for row in rows:
            row_fields = {"case_reference": f"{REMOVED_PREFIX}{referral.pk}-{row.pk}", "notes": ""}
            ExitPlanRow.objects.filter(pk=row.pk).update(**row_fields)
            ExitPlanRow.history.model.objects.filter(id=row.pk).update(**row_fields)
        count += 1
    return count


retention_rule_register(
    RetentionRule(
        key="placements",
        label="Children's case references in closed placements and referrals",
        default_days=6 * 365 + 2,
        policy=(
            "case reference, key requirements and providers' notes removed 6 years after the placement "
            "ended or the referral was cancelled"
        ),
        due=_closed_placements,
        apply=_anonymise,
        target_type="procurement.referral",
    )
)
