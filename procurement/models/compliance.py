"""The provider compliance pack: kept once per provider and reused in every tender and annual check.

A provider organisation has one `ProviderProfile`; each school or setting it runs has its registration
record (`ProviderSetting`); as an organisation it holds insurances and policies, and a council
commissioner records the result of its financial check. Certificates and policies are private
documents (core.Document), checked by content when they are stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ProviderProfile(models.Model):
    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="provider_profile",
        limit_choices_to={"kind": "provider"},
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"Compliance pack of {self.organisation}"


class Regulator(models.TextChoices):
    OFSTED = "ofsted", "Ofsted"
    ESTYN = "estyn", "Estyn"
    CARE_INSPECTORATE_WALES = "ciw", "Care Inspectorate Wales"
    EDUCATION_SCOTLAND = "education_scotland", "Education Scotland"
    CARE_INSPECTORATE = "care_inspectorate", "Care Inspectorate"


class Judgement(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_YET_INSPECTED = "not_yet_inspected", "Not yet inspected"


class ProviderSetting(models.Model):
    """One school or setting the provider runs, with its registrations and latest inspection."""

    profile = models.ForeignKey(ProviderProfile, on_delete=models.PROTECT, related_name="settings")
    name = models.CharField(max_length=200)
    regulator = models.CharField(max_length=24, choices=Regulator.choices, default=Regulator.OFSTED)
    urn = models.CharField("URN", max_length=20, help_text="Ofsted URN or the regulator's number")
    dfe_number = models.CharField("DfE registration number", max_length=20, blank=True)
    judgement = models.CharField(
        "Latest judgement", max_length=24, choices=Judgement.choices, default=Judgement.NOT_YET_INSPECTED
    )
    judgement_date = models.DateField("Date of the latest judgement", null=True, blank=True)
    registration_certificate = models.ForeignKey(
        "core.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement_of_purpose = models.ForeignKey(
        "core.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    services_overview = models.TextField("Overview of services", blank=True)
    working_with_parents = models.TextField("How it works with parents", blank=True)
    learner_voice = models.TextField("How it hears the learner's voice", blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(judgement="not_yet_inspected") | models.Q(judgement_date__isnull=False),
                name="setting_judgement_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.name


class InsuranceKind(models.TextChoices):
    EMPLOYERS_LIABILITY = "employers_liability", "Employer's liability"
    PUBLIC_LIABILITY = "public_liability", "Public liability"
    PROFESSIONAL_INDEMNITY = "professional_indemnity", "Professional indemnity"


class Insurance(models.Model):
    profile = models.ForeignKey(ProviderProfile, on_delete=models.PROTECT, related_name="insurances")
    kind = models.CharField(max_length=32, choices=InsuranceKind.choices)
    insurer = models.CharField(max_length=200)
    cover_pounds = models.PositiveBigIntegerField("Cover in pounds")
    expires_on = models.DateField()
    certificate = models.ForeignKey(
        "core.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "expires_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cover_pounds__gt=0), name="insurance_cover_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} insurance"


class PolicyKind(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding"
    HEALTH_AND_SAFETY = "health_and_safety", "Health and safety"
    EQUALITY = "equality", "Equality"
    COMPLAINTS = "complaints", "Complaints"
    DATA_PROTECTION = "data_protection", "Data protection"
    WHISTLEBLOWING = "whistleblowing", "Whistleblowing"
    OTHER = "other", "Other"


class Policy(models.Model):
    profile = models.ForeignKey(ProviderProfile, on_delete=models.PROTECT, related_name="policies")
    kind = models.CharField(max_length=24, choices=PolicyKind.choices)
    name = models.CharField(max_length=200, blank=True, help_text="Required for another policy")
    review_on = models.DateField("Next review date")
    document = models.ForeignKey(
        "core.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name_plural = "policies"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="other") | ~models.Q(name=""), name="policy_other_has_name"
            )
        ]

    def __str__(self) -> str:
        return self.name if self.kind == PolicyKind.OTHER else f"{self.get_kind_display()} policy"


class FinancialResult(models.TextChoices):
    PASS = "pass", "Passed"
    FAIL = "fail", "Failed"
    PENDING = "pending", "Pending"


class FinancialCheck(models.Model):
    """A financial check result, recorded by a council commissioner; the latest one counts."""

    profile = models.ForeignKey(ProviderProfile, on_delete=models.PROTECT, related_name="financial_checks")
    result = models.CharField(max_length=8, choices=FinancialResult.choices)
    checked_on = models.DateField()
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-checked_on", "-id"]
        get_latest_by = ["checked_on", "id"]

    def __str__(self) -> str:
        return f"Financial check {self.get_result_display().lower()} on {self.checked_on:%-d %B %Y}"
