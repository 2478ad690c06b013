"""Evaluation of a closed tender: a panel, conflict declarations, individual scores, moderation,
compliance checks and the award for each lot.

An evaluator sees nothing of a bid before declaring their conflicts of interest for the tender; a
declared conflict with a bidder hides that bidder's bids from them for good.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .tenders import AwardCriterion, Lot, Submission, Tender


class PanelMember(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="panel")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panels")
    is_moderator = models.BooleanField(default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["tender", "evaluator__full_name"]
        constraints = [models.UniqueConstraint(fields=["tender", "evaluator"], name="panel_member_unique")]

    def __str__(self) -> str:
        return f"{self.evaluator} on {self.tender.reference}"


class ConflictDeclaration(models.Model):
    """An evaluator's declaration for one tender, made once the bidders' names are known and before
    any bid is seen. `conflicted_providers` lists the bidders they declared a conflict with."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="conflict_declarations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    conflicted_providers = models.ManyToManyField("accounts.Organisation", blank=True, related_name="+")
    details = models.TextField(blank=True, help_text="The nature of any conflict declared")
    declared_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["tender", "declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "evaluator"], name="conflict_declaration_unique")
        ]

    def __str__(self) -> str:
        return f"Conflict declaration by {self.evaluator} on {self.tender.reference}"


class Score(models.Model):
    """One evaluator's individual mark for one criterion of one bid, with their justification."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.PROTECT, related_name="scores")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marks = models.PositiveSmallIntegerField()
    justification = models.TextField()
    scored_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "criterion__order", "evaluator_id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion", "evaluator"], name="score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.marks} marks by {self.evaluator}"


class ModeratedScore(models.Model):
    """The panel's consensus mark for one criterion of one bid, agreed at moderation."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="moderated_scores")
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.PROTECT, related_name="moderated_scores")
    marks = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion"], name="moderated_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.marks} marks (moderated)"


class ComplianceCheckKind(models.TextChoices):
    REGISTRATION = "registration", "Registration and inspection"
    INSURANCE = "insurance", "Insurance"
    POLICIES = "policies", "Policies"
    FINANCIAL = "financial", "Financial standing"


class BidComplianceCheck(models.Model):
    """A pass or fail on one compliance area of one bid, with its evidence. A fail excludes the bid."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="compliance_checks")
    kind = models.CharField(max_length=16, choices=ComplianceCheckKind.choices)
    passed = models.BooleanField()
    evidence = models.TextField()
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "kind"], name="bid_compliance_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'pass' if self.passed else 'fail'}"


class Award(models.Model):
    """The winning bid of one lot: recommended, then through standstill, then awarded with the tender."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="awards")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="awards")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="awards")
    # The weighted total (out of 100) when recommended, kept as evidence.
    total_score = models.DecimalField(max_digits=6, decimal_places=2)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommended_at = models.DateTimeField(default=timezone.now)
    reasons = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["tender", "lot__number"]
        constraints = [models.UniqueConstraint(fields=["tender", "lot"], name="award_one_per_lot")]

    def __str__(self) -> str:
        return f"Award of {self.tender.reference} lot {self.lot.number}"
