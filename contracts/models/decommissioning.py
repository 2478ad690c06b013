"""Decommissioning a contract: why, who approved it, notice, and an exit plan for every child placed.

The authority proposes with a reason; another commissioner approves (never the proposer); notice is
served on a date and the contract ends on its end date. Every child placed under the contract has an
exit plan row, by the authority's case reference only, with a transition destination and date; what
was said to families is recorded. Completion needs every row resolved. The reason and what was
learnt stay visible from the needs side as evidence for the next cycle.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .contracts import Contract


class DecommissionReason(models.TextChoices):
    UNSATISFACTORY = "unsatisfactory", "Unsatisfactory performance or quality"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
    RECOMMISSIONED = "recommissioned", "Re-commissioned in another form"


class DecommissioningStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    NOTICE_SERVED = "notice_served", "Notice served"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Decommissioning(models.Model):
    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="decommissioning")
    reason = models.CharField(max_length=20, choices=DecommissionReason.choices)
    reason_detail = models.TextField()
    status = models.CharField(
        max_length=14, choices=DecommissioningStatus.choices, default=DecommissioningStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    notice_served_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True, help_text="The day the service stops")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    lessons = models.TextField(blank=True, help_text="What was learnt, for the next needs assessment")
    cancelled_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name_plural = "decommissionings"

    def __str__(self) -> str:
        return f"Decommissioning of {self.contract.reference}"


class TransitionDestination(models.TextChoices):
    OTHER_PROVIDER = "other_provider", "Another provider under contract"
    MAINSTREAM = "mainstream", "Mainstream school"
    STATE_SPECIAL = "state_special", "State-funded special school"
    POST_16 = "post_16", "Further education or post-16 provision"
    ADULT_SERVICES = "adult_services", "Adult services"
    NO_LONGER_NEEDED = "no_longer_needed", "Service no longer needed"
    OTHER = "other", "Other"


class ExitPlanRow(models.Model):
    """One child placed under the contract, by case reference: where they go next and when."""

    decommissioning = models.ForeignKey(Decommissioning, on_delete=models.CASCADE, related_name="exit_rows")
    case_reference = models.CharField(max_length=40, help_text="The council's pseudonymous case reference")
    placement_agreement = models.ForeignKey(
        "procurement.IndividualPlacementAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exit_rows",
    )
    destination = models.CharField(max_length=20, choices=TransitionDestination.choices, blank=True)
    destination_detail = models.CharField(max_length=200, blank=True)
    transition_on = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decommissioning", "case_reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["decommissioning", "case_reference"], name="exit_row_one_per_child"
            )
        ]

    def __str__(self) -> str:
        return f"Exit plan for {self.case_reference}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


class CommunicationMethod(models.TextChoices):
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    PHONE = "phone", "Telephone call"


class FamilyCommunication(models.Model):
    """What the authority told a family (or all families) about the service ending, and when."""

    decommissioning = models.ForeignKey(
        Decommissioning, on_delete=models.CASCADE, related_name="communications"
    )
    exit_row = models.ForeignKey(
        ExitPlanRow, on_delete=models.CASCADE, null=True, blank=True, related_name="communications"
    )
    sent_on = models.DateField()
    method = models.CharField(max_length=10, choices=CommunicationMethod.choices)
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decommissioning", "-sent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.sent_on:%d %B %Y}"
