"""Quality assurance visits and the improvement plans that follow them.

A visit is scheduled by the contract's risk rating (high every 6 months, medium 12, low 24 by default)
and follows one checklist: a finding and a rating per area, then an overall rating and a report the
provider can read. An improvement plan holds actions with an owner and a due date; the provider posts
progress with evidence, and only the commissioner can verify an action done.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .contracts import Contract, RiskRating

# Months between visits by risk rating, unless the authority says otherwise.
VISIT_INTERVAL_MONTHS = {RiskRating.HIGH: 6, RiskRating.MEDIUM: 12, RiskRating.LOW: 24}


class QAArea(models.TextChoices):
    """The checklist, in the order a visit follows it."""

    FEEDBACK = "feedback", "Feedback from children, young people and families who use the service"
    REPORTS = "reports", "Ofsted and CQC reports checked"
    POLICIES = "policies", "Policies and practice"
    PREMISES = "premises", "Premises"
    STAFF = "staff", "Staff skills, experience and training"
    OUTCOMES = "outcomes", "Outcomes for children and young people, and value for money"


class QARating(models.TextChoices):
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class QAVisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Report issued"
    CANCELLED = "cancelled", "Cancelled"


class QAVisit(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="qa_visits")
    status = models.CharField(max_length=10, choices=QAVisitStatus.choices, default=QAVisitStatus.SCHEDULED)
    due_on = models.DateField(help_text="When the visit is due by the contract's risk rating")
    planned_on = models.DateField(null=True, blank=True)
    visited_on = models.DateField(null=True, blank=True)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    announced = models.BooleanField(default=True, help_text="Was the provider told of the visit beforehand")
    overall_rating = models.CharField(max_length=24, choices=QARating.choices, blank=True)
    summary = models.TextField(blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-due_on", "-id"]
        verbose_name = "QA visit"
        constraints = [
            # One visit at a time is waiting to happen.
            models.UniqueConstraint(
                fields=["contract"], condition=models.Q(status="scheduled"), name="qa_one_scheduled_visit"
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="qa_visit_due_idx")]

    def __str__(self) -> str:
        when = self.visited_on or self.planned_on or self.due_on
        return f"QA visit {when:%d %B %Y}"


class QAFinding(models.Model):
    visit = models.ForeignKey(QAVisit, on_delete=models.CASCADE, related_name="findings")
    area = models.CharField(max_length=12, choices=QAArea.choices)
    rating = models.CharField(max_length=24, choices=QARating.choices)
    findings = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "id"]
        verbose_name = "QA finding"
        constraints = [models.UniqueConstraint(fields=["visit", "area"], name="qa_finding_one_per_area")]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_rating_display()}"


class ImprovementPlanStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"


class ImprovementPlan(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="improvement_plans")
    qa_visit = models.OneToOneField(
        QAVisit, on_delete=models.PROTECT, null=True, blank=True, related_name="improvement_plan"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=ImprovementPlanStatus.choices, default=ImprovementPlanStatus.OPEN
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    REPORTED_DONE = "reported_done", "Reported done by the provider"
    VERIFIED = "verified", "Verified"


class ImprovementAction(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions")
    area = models.CharField(max_length=12, choices=QAArea.choices, blank=True)
    description = models.TextField()
    owner = models.CharField(max_length=150, help_text="The named person at the provider responsible")
    due_on = models.DateField()
    status = models.CharField(max_length=14, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="improvement_action_due_idx")]

    def __str__(self) -> str:
        return self.description[:60]

    def is_overdue(self, today) -> bool:
        return self.status != ActionStatus.VERIFIED and self.due_on < today


class ActionUpdate(models.Model):
    """The provider's progress on an action, with evidence; or the commissioner's note on returning it."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    evidence = models.ForeignKey(
        "core.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reports_done = models.BooleanField(default=False)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "posted_at", "id"]

    def __str__(self) -> str:
        return f"Update on {self.action}"
