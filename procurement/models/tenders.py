"""Tenders: a council's competition for a service, from draft to award, and the sealed bids providers send.

A tender is created from an approved business case and an approved specification version and moves
`draft → published → closed → evaluation → award_recommended → standstill → awarded`, or `cancelled`
at any point before the award (the moves and who may make them are data in
`procurement.services.tenders.TRANSITIONS`).

Submissions are sealed until the deadline: nobody but the submitting provider may read one, so
`Submission`, its answers and its documents keep no simple-history tables (a history table is one more
place to read them from) and are not registered in the support admin. Changes to them are recorded in
the audit log, whose detail never carries a price or an answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class TenderRoute(models.TextChoices):
    OPEN = "open", "Open procedure"
    COMPETITIVE_FLEXIBLE = "competitive_flexible", "Competitive flexible procedure"
    LIGHT_TOUCH = "light_touch", "Light-touch regime"
    FPS_ADMISSION = "fps_admission", "Purchasing system admission round"
    MINI_COMPETITION = "mini_competition", "Mini-competition"
    DIRECT_AWARD = "direct_award", "Direct award"


class TenderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Open for bids"
    CLOSED = "closed", "Closed, not yet opened"
    EVALUATION = "evaluation", "In evaluation"
    AWARD_RECOMMENDED = "award_recommended", "Award recommended"
    STANDSTILL = "standstill", "In standstill"
    AWARDED = "awarded", "Awarded"
    CANCELLED = "cancelled", "Cancelled"


class TenderQuerySet(models.QuerySet):
    def visible_to_bidders(self):
        """Tenders a provider may read: published once, whatever happened next (not drafts)."""
        return self.exclude(status=TenderStatus.DRAFT).filter(published_at__isnull=False)

    def open_for_bids(self, now=None):
        now = now or timezone.now()
        return self.filter(status=TenderStatus.PUBLISHED, submission_deadline__gt=now)

    def due_to_close(self, now=None):
        now = now or timezone.now()
        return self.filter(status=TenderStatus.PUBLISHED, submission_deadline__lte=now)


class Tender(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="tenders"
    )
    reference = models.CharField(max_length=40, help_text="The council's own reference, e.g. NS-2026-014")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    route = models.CharField(max_length=24, choices=TenderRoute.choices)
    status = models.CharField(max_length=20, choices=TenderStatus.choices, default=TenderStatus.DRAFT)
    business_case = models.ForeignKey(
        "commissioning.BusinessCase", on_delete=models.PROTECT, null=True, blank=True, related_name="tenders"
    )
    specification_version = models.ForeignKey(
        "commissioning.SpecificationVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenders",
    )
    # An admission round or mini-competition belongs to a purchasing system.
    purchasing_system = models.ForeignKey(
        "procurement.PurchasingSystem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenders",
    )
    estimated_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # The commissioner's recorded assessment of conflicts of interest in the procurement (Procurement Act
    # 2023 s.83); a tender cannot be published without it.
    conflicts_assessment = models.TextField(blank=True)
    conflicts_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conflicts_assessed_at = models.DateTimeField(null=True, blank=True)
    # Timetable, validated for order by the services.
    publish_on = models.DateField(null=True, blank=True)
    clarification_deadline = models.DateTimeField(null=True, blank=True)
    submission_deadline = models.DateTimeField(null=True, blank=True)
    evaluation_end_on = models.DateField(null=True, blank=True)
    standstill_end_on = models.DateField(null=True, blank=True, help_text="Set when the award is recommended")
    award_on = models.DateField("Planned award date", null=True, blank=True)
    # What happened, when, by whom.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    award_recommended_at = models.DateTimeField(null=True, blank=True)
    standstill_started_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = TenderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="tender_reference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def deadline_passed(self, now=None) -> bool:
        """By the server's clock only."""
        return self.submission_deadline is not None and (now or timezone.now()) >= self.submission_deadline


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    estimated_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # In an admission round, the purchasing system's lot a winning bidder is admitted to.
    fps_lot = models.ForeignKey(
        "procurement.FpsLot", on_delete=models.PROTECT, null=True, blank=True, related_name="tender_lots"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["tender", "number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="lot_number_unique")]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class CriterionKind(models.TextChoices):
    QUALITY = "quality", "Quality question"
    PRICE = "price", "Price"
    SOCIAL_VALUE = "social_value", "Social value"


class AwardCriterion(models.Model):
    """One award criterion with its weight; a tender's weights total 100. Quality and social value are
    answered in words and marked out of `max_marks`; price is scored by the stated formula."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=16, choices=CriterionKind.choices)
    title = models.CharField(max_length=200, help_text="The question bidders answer, or 'Price'")
    guidance = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(help_text="Percentage of the total score")
    max_marks = models.PositiveSmallIntegerField(
        default=5, help_text="Marks available (quality, social value)"
    )
    word_limit = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["tender", "order", "id"]
        verbose_name_plural = "award criteria"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100), name="criterion_weight_1_to_100"
            ),
            models.CheckConstraint(condition=models.Q(max_marks__gte=1), name="criterion_max_marks_positive"),
            models.UniqueConstraint(
                fields=["tender"], condition=models.Q(kind="price"), name="criterion_one_price_per_tender"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.weight}%)"


class RequiredDocument(models.Model):
    """A document every bid must include (e.g. a pricing schedule, a safeguarding statement)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="required_documents")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["tender", "order", "id"]

    def __str__(self) -> str:
        return self.title


class TenderDocument(models.Model):
    """A document the council publishes with the tender, readable by every provider once published."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("core.Document", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["tender", "added_at", "id"]

    def __str__(self) -> str:
        return self.document.title


class Clarification(models.Model):
    """A bidder's question and the council's answer, published to every bidder without saying who asked.
    Only the asking provider's own organisation sees `asked_by_organisation`."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    asked_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now, editable=False)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "asked_at", "id"]

    def __str__(self) -> str:
        return f"Clarification {self.pk} on {self.tender.reference}"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "Draft, not submitted"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Submission(models.Model):
    """One provider's bid for one lot. Sealed until the tender's deadline (see the module's note)."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="submissions")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="submissions")
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    price = models.DecimalField(
        "Price in pounds", max_digits=14, decimal_places=2, null=True, blank=True, help_text="Total bid price"
    )
    pricing_notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # How many times it has been submitted: a resubmission is a new receipt.
    submission_count = models.PositiveSmallIntegerField(default=0)
    # Set at opening: every document's SHA-256 recomputed and compared with the one on the receipt.
    hashes_verified_at = models.DateTimeField(null=True, blank=True)
    hashes_ok = models.BooleanField(null=True, blank=True)
    # A failed compliance check excludes the bid, with the reason recorded.
    excluded_at = models.DateTimeField(null=True, blank=True)
    excluded_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["tender", "lot", "provider__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "lot", "provider"], name="submission_one_per_lot"),
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gt=0),
                name="submission_price_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Bid {self.pk} for {self.tender.reference} lot {self.lot.number}"


class SubmissionAnswer(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(AwardCriterion, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["submission", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion"], name="submission_answer_unique")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.criterion.title}"


class SubmissionDocument(models.Model):
    """A file in a bid, with the SHA-256 and time of receipt printed on the provider's receipt."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        RequiredDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey("core.Document", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField("SHA-256", max_length=64)
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "received_at", "id"]

    def __str__(self) -> str:
        return f"Document {self.document_id} of bid {self.submission_id}"


class SubmissionReceipt(models.Model):
    """What the server received at one submission: the time, and each file's name, size and SHA-256.
    Kept for every submission, so a resubmission adds a receipt and never rewrites an earlier one."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="receipts")
    number = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField(default=timezone.now, editable=False)
    # {"lot": ..., "price_given": bool, "answers": n, "documents": [{title, name, size, sha256, received_at}]}
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="submission_receipt_unique")
        ]

    def __str__(self) -> str:
        return f"Receipt {self.number} for bid {self.submission_id}"
