"""Plan: commissioning intentions drawn from the needs analysis, business cases approved by Finance,
Legal and Cabinet, and service specifications kept as immutable versions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class IntentionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Being taken forward"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CommissioningIntention(models.Model):
    """A priority the council means to act on, with the evidence it was drawn from."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="intentions"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField()
    priority = models.CharField(max_length=8, choices=Priority.choices)
    status = models.CharField(
        max_length=12, choices=IntentionStatus.choices, default=IntentionStatus.PROPOSED
    )
    service_area = models.CharField(max_length=120)
    primary_need = models.CharField(max_length=8, blank=True, help_text="A PrimaryNeed code; blank for any")
    age_band = models.CharField(max_length=8, blank=True, help_text="An AGE_BANDS code; blank for all ages")
    target_date = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_intentions"
    )
    # The gap it was started from (stable reference "<age_band>/<need>"), and the figures as they were then.
    gap_reference = models.CharField(max_length=20, blank=True)
    projection = models.ForeignKey(
        "needs.ProjectionRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="intentions"
    )
    evidence = models.JSONField(default=dict, blank=True, help_text="Projected demand, capacity and gap then")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_date", "-id"]

    def __str__(self) -> str:
        return self.title


class BusinessCaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for Finance"
    FINANCE_APPROVED = "finance_approved", "Waiting for Legal"
    LEGAL_APPROVED = "legal_approved", "Waiting for Cabinet"
    CABINET_APPROVED = "cabinet_approved", "Approved by Cabinet"
    RETURNED = "returned", "Returned for changes"
    REJECTED = "rejected", "Rejected"


class FundingSource(models.TextChoices):
    HIGH_NEEDS_BLOCK = "high_needs_block", "High Needs Block (Dedicated Schools Grant)"
    ICB = "icb", "Integrated care board"
    SOCIAL_CARE = "social_care", "Social care"
    POOLED_S75 = "pooled_s75", "Pooled budget (section 75)"


class BusinessCase(models.Model):
    """The case for a service: need, options, recommendation, whole-life cost, funding, risks, outcomes.

    Editable only as a draft or when returned; from submission the content is frozen, and each
    submission is kept as a BusinessCaseVersion that every decision refers to.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="business_cases"
    )
    intention = models.ForeignKey(
        CommissioningIntention, on_delete=models.PROTECT, null=True, blank=True, related_name="business_cases"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=BusinessCaseStatus.choices, default=BusinessCaseStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_cases"
    )
    # Content, as a draft: the sections below are copied into a version at each submission.
    need = models.TextField(blank=True, help_text="The need, with the evidence")
    options = models.JSONField(default=list, blank=True, help_text="[{name, description, pros, cons, cost}]")
    recommended_option = models.CharField(max_length=200, blank=True)
    whole_life_cost = models.JSONField(default=list, blank=True, help_text="[{financial_year, amount}]")
    funding = models.JSONField(default=list, blank=True, help_text="[{source, amount}]")
    risks = models.JSONField(default=list, blank=True, help_text="[{risk, likelihood, impact, mitigation}]")
    outcomes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class BusinessCaseVersion(models.Model):
    """The content exactly as submitted. Never changed: decisions point at the version they were made on."""

    case = models.ForeignKey(BusinessCase, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="business_case_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.number}"


class DecisionStep(models.TextChoices):
    FINANCE = "finance", "Finance"
    LEGAL = "legal", "Legal"
    CABINET = "cabinet", "Cabinet"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for changes"
    REJECTED = "rejected", "Rejected"


class BusinessCaseDecision(models.Model):
    """One approver's decision on one submitted version, with their reasons; Cabinet's with its minute."""

    case = models.ForeignKey(BusinessCase, on_delete=models.PROTECT, related_name="decisions")
    version = models.ForeignKey(BusinessCaseVersion, on_delete=models.PROTECT, related_name="decisions")
    step = models.CharField(max_length=8, choices=DecisionStep.choices)
    outcome = models.CharField(max_length=8, choices=DecisionOutcome.choices)
    comments = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    cabinet_date = models.DateField(null=True, blank=True)
    minute_reference = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.get_outcome_display()}"


class SpecificationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_CONSULTATION = "in_consultation", "In consultation"
    REVISED = "revised", "Revised"
    APPROVED = "approved", "Approved"


class ServiceSpecification(models.Model):
    """A service specification; its content lives in numbered versions."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="specifications"
    )
    intention = models.ForeignKey(
        CommissioningIntention, on_delete=models.PROTECT, null=True, blank=True, related_name="specifications"
    )
    business_case = models.ForeignKey(
        BusinessCase, on_delete=models.PROTECT, null=True, blank=True, related_name="specifications"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=SpecificationStatus.choices, default=SpecificationStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class SpecificationVersion(models.Model):
    """One version's sections. Editable while it is the unlocked working draft; once consulted on,
    approved or used in a tender it is locked for ever, and a change makes a new version."""

    specification = models.ForeignKey(ServiceSpecification, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # {aims, outcomes: [{outcome, measure, target, frequency}], standards, delivery_model, eligibility,
    #  kpis: [{name, target, frequency}], safeguarding, involvement}
    sections = models.JSONField(default=dict)
    change_summary = models.TextField(blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_reason = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["specification", "number"]
        constraints = [
            models.UniqueConstraint(fields=["specification", "number"], name="specification_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.specification} v{self.number}"

    def save(self, *args, **kwargs):
        """A locked version's content never changes, whatever path tries (services, the admin, a shell)."""
        if self.pk is not None:
            stored = SpecificationVersion.objects.filter(pk=self.pk).values("locked_at", "sections").first()
            if stored and stored["locked_at"] is not None and stored["sections"] != self.sections:
                raise ValidationError("This version is locked: make a new version to change it.")
        super().save(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
