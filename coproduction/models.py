"""Co-production with the parent carer forum: consultations on a locked specification version, the
forum's comments section by section, and the commissioner's response to each ("You said, we did")."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commissioning.services.specifications import SECTIONS

SECTION_CHOICES = [(section.key, section.heading) for section in SECTIONS]
COMMENT_MAX_LENGTH = 2000


class ConsultationStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    COMPLETE = "complete", "Complete"


class Consultation(models.Model):
    """A consultation with one or more forums on one locked specification version."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="consultations"
    )
    version = models.ForeignKey(
        "commissioning.SpecificationVersion", on_delete=models.PROTECT, related_name="consultations"
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    forums = models.ManyToManyField(
        "accounts.Organisation",
        related_name="consultations_invited_to",
        limit_choices_to={"kind": "parent_carer_forum"},
    )
    status = models.CharField(
        max_length=12, choices=ConsultationStatus.choices, default=ConsultationStatus.SCHEDULED
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(m2m_fields=[forums])

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="consultation_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"Consultation on {self.version}"

    @property
    def specification(self):
        return self.version.specification

    @property
    def last_day_for_comments(self):
        """Comments are taken until the day before `closes_on`: it closes at the start of that day."""
        return self.closes_on - datetime.timedelta(days=1)

    @property
    def ended_on(self):
        """The day it actually closed (early, or on its close date), or the close date while open."""
        return timezone.localdate(self.closed_at) if self.closed_at else self.closes_on


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PARTLY = "partly", "Partly accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class Comment(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="comments")
    section = models.CharField(max_length=32, choices=SECTION_CHOICES)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    forum = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.get_section_display()}"


class Response(models.Model):
    comment = models.OneToOneField(Comment, on_delete=models.PROTECT, related_name="response")
    commissioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    explanation = models.TextField()
    changed_section = models.CharField(max_length=32, choices=SECTION_CHOICES, blank=True)
    changed_in_version = models.ForeignKey(
        "commissioning.SpecificationVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["responded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.comment}"


class ForumVisit(models.Model):
    """When a forum member last looked at their consultations: for "what changed since you last looked"."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} last looked {self.last_seen_at:%Y-%m-%d %H:%M}"
