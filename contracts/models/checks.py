"""The lead authority's annual checks of every active provider on a purchasing system.

On the system's check date, one check per active provider per year (a unique key makes a second run
create nothing). The provider is asked for evidence (registration and Ofsted judgement, insurance
cover and expiry, financial standing), reminded 30, 14 and 7 days before the evidence is due, and the
lead commissioner verifies or fails it. A failed check, or one still without evidence on its due day,
suspends the provider's memberships of that system and every member authority is told.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

# Days the provider has to send evidence after the check date, and the reminders before that day.
EVIDENCE_DAYS = 42
REMINDER_DAYS_BEFORE = (30, 14, 7)


class ProviderCheckStatus(models.TextChoices):
    REQUESTED = "requested", "Evidence requested"
    SUBMITTED = "submitted", "Evidence submitted"
    VERIFIED = "verified", "Verified"
    FAILED = "failed", "Failed"
    OVERDUE = "overdue", "Overdue"


class ProviderCheck(models.Model):
    system = models.ForeignKey(
        "procurement.PurchasingSystem", on_delete=models.PROTECT, related_name="provider_checks"
    )
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="checks")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=ProviderCheckStatus.choices, default=ProviderCheckStatus.REQUESTED
    )
    requested_on = models.DateField()
    evidence_due_on = models.DateField()
    # What the provider states, with documents as evidence.
    registration_statement = models.TextField(
        blank=True, help_text="Registrations held and the latest Ofsted or CQC judgement with its date"
    )
    ofsted_judgement = models.CharField(max_length=30, blank=True)
    ofsted_judgement_on = models.DateField(null=True, blank=True)
    insurance_cover_pounds = models.PositiveBigIntegerField(null=True, blank=True)
    insurance_expires_on = models.DateField(null=True, blank=True)
    financial_statement = models.TextField(blank=True, help_text="Latest accounts and any material change")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "evidence_due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["system", "provider", "year"], name="provider_check_once_a_year")
        ]
        indexes = [models.Index(fields=["status", "evidence_due_on"], name="provider_check_due_idx")]

    def __str__(self) -> str:
        return f"Annual check {self.year}"


class CheckEvidenceArea(models.TextChoices):
    REGISTRATION = "registration", "Registration and Ofsted judgement"
    INSURANCE = "insurance", "Insurance cover"
    FINANCIAL = "financial", "Financial standing"


class ProviderCheckEvidence(models.Model):
    provider_check = models.ForeignKey(ProviderCheck, on_delete=models.CASCADE, related_name="evidence")
    area = models.CharField(max_length=12, choices=CheckEvidenceArea.choices)
    document = models.ForeignKey("core.Document", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider_check", "area", "added_at"]
        verbose_name_plural = "provider check evidence"

    def __str__(self) -> str:
        return f"{self.get_area_display()} evidence"
