"""Contracts and their management: where each came from, what it buys, how it is performing.

A contract belongs to the authority that let it and names one provider. It comes from an award of a
tender, from a provider's admission to a purchasing system (the overarching contract), or is a spot
purchase with its justification. The provider sees its own contracts, returns and meetings' actions;
the commercial figures never reach a forum member; another authority never sees any of it.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from needs.vocabulary import PrimaryNeed, Setting


class ContractOrigin(models.TextChoices):
    AWARD = "award", "Award of a tender"
    FPS_ADMISSION = "fps_admission", "Admission to a purchasing system"
    SPOT = "spot", "Spot purchase"


class ContractStatus(models.TextChoices):
    LIVE = "live", "Live"
    DECOMMISSIONING = "decommissioning", "Being decommissioned"
    ENDED = "ended", "Ended"


class RiskRating(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ReviewDecision(models.TextChoices):
    EXTEND = "extend", "Extend"
    RECOMMISSION = "recommission", "Re-commission"
    DECOMMISSION = "decommission", "Decommission"


class Contract(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="contracts_let"
    )
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(max_length=40, help_text="The council's own reference, e.g. NS-C-2027-003")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    origin = models.CharField(max_length=16, choices=ContractOrigin.choices)
    # Exactly one of these is set, by origin (a check constraint holds it).
    award = models.ForeignKey(
        "procurement.Award", on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    membership = models.ForeignKey(
        "procurement.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    spot_justification = models.TextField(blank=True, help_text="Why no tender or purchasing system was used")
    status = models.CharField(max_length=16, choices=ContractStatus.choices, default=ContractStatus.LIVE)
    value = models.DecimalField("Total value in pounds", max_digits=14, decimal_places=2)
    starts_on = models.DateField()
    ends_on = models.DateField()
    extension_options = models.CharField(
        max_length=200, blank=True, help_text="e.g. two periods of 12 months"
    )
    extension_months_available = models.PositiveSmallIntegerField(default=0)
    notice_period_months = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(0), MaxValueValidator(36)]
    )
    # The current risk rating; each change is also a RiskAssessment row with its reasons.
    risk_rating = models.CharField(max_length=8, choices=RiskRating.choices, default=RiskRating.MEDIUM)
    # The decision due at the notice point.
    review_decision = models.CharField(max_length=16, choices=ReviewDecision.choices, blank=True)
    review_notes = models.TextField(blank=True)
    review_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ends_on", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="contract_reference_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="contract_dates"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(origin="award", award__isnull=False, membership__isnull=True)
                    | models.Q(origin="fps_admission", membership__isnull=False, award__isnull=True)
                    | models.Q(origin="spot", award__isnull=True, membership__isnull=True)
                    & ~models.Q(spot_justification="")
                ),
                name="contract_origin_source",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "ends_on"], name="contract_org_status_idx"),
            models.Index(fields=["provider", "status"], name="contract_provider_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def notice_point(self) -> datetime.date:
        """The last day notice can be served to end (or not extend) the contract on its end date."""
        return self.ends_on - relativedelta(months=self.notice_period_months)


class ContractCapacity(models.Model):
    """Places the contract buys, by need, age band and setting: fed to the needs gap analysis."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="capacity")
    primary_need = models.CharField(max_length=8, choices=PrimaryNeed.choices, blank=True)
    age_band = models.CharField(max_length=8)
    setting = models.CharField(max_length=24, choices=Setting.choices)
    places = models.PositiveIntegerField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "age_band", "primary_need", "setting"]
        verbose_name_plural = "contract capacity"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "primary_need", "age_band", "setting"], name="contract_capacity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.places} places, {self.age_band}, {self.primary_need or 'any need'}"


class KpiFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUALLY = "annually", "Annually"


class KpiDirection(models.TextChoices):
    AT_LEAST = "at_least", "At least the target"
    AT_MOST = "at_most", "At most the target"


class Kpi(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    title = models.CharField(max_length=200)
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. %, days, children")
    target = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(max_length=8, choices=KpiDirection.choices, default=KpiDirection.AT_LEAST)
    frequency = models.CharField(max_length=10, choices=KpiFrequency.choices, default=KpiFrequency.QUARTERLY)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "order", "id"]
        verbose_name = "KPI"

    def __str__(self) -> str:
        return self.title

    def met_by(self, value) -> bool:
        return value >= self.target if self.direction == KpiDirection.AT_LEAST else value <= self.target


class ReturnStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    QUERIED = "queried", "Returned to the provider"
    ACCEPTED = "accepted", "Accepted"


class PerformanceReturn(models.Model):
    """The provider's figures for one period against every KPI of the contract."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="returns")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.SUBMITTED)
    provider_commentary = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "period_start"], name="return_one_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="return_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Return {self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"


class KpiResult(models.Model):
    performance_return = models.ForeignKey(
        PerformanceReturn, on_delete=models.CASCADE, related_name="results"
    )
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="results")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    commentary = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["performance_return", "kpi__order", "kpi_id"]
        constraints = [
            models.UniqueConstraint(fields=["performance_return", "kpi"], name="kpi_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value}"

    @property
    def met(self) -> bool:
        return self.kpi.met_by(self.value)


class RiskAssessment(models.Model):
    """One rating of a contract's risk with its reasons; the newest is the contract's current rating."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="risk_assessments")
    rating = models.CharField(max_length=8, choices=RiskRating.choices)
    reasons = models.TextField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contract", "-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} risk"


class MonitoringMeeting(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    attendees = models.TextField(help_text="Who attended, one per line, with their organisation")
    notes = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"Monitoring meeting {self.held_on:%d %B %Y}"


class MeetingActionOwner(models.TextChoices):
    COUNCIL = "council", "The council"
    PROVIDER = "provider", "The provider"


class MeetingAction(models.Model):
    meeting = models.ForeignKey(MonitoringMeeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=10, choices=MeetingActionOwner.choices)
    owner_name = models.CharField(max_length=150, blank=True)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]
