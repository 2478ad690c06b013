"""Purchasing systems (the Flexible Purchasing System and its kin): lots, provider memberships,
referrals of a child's pseudonymous needs profile, and the Individual Placement Agreements they end in.

A purchasing system has a lead authority that runs admission rounds and annual checks, and member
authorities that place children with the providers on its list. A referral and its IPA belong to the
member authority that made it: another authority never sees them, and a provider sees only the
referrals sent to it and its own IPAs. A child appears only as the authority's case reference, with
the few facts a placement needs: never a name, never an address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from needs.vocabulary import PrimaryNeed


class PurchasingSystemKind(models.TextChoices):
    FPS = "fps", "Flexible purchasing system"
    DPS = "dps", "Dynamic purchasing system"
    DYNAMIC_MARKET = "dynamic_market", "Dynamic market"
    OPEN_FRAMEWORK = "open_framework", "Open framework"


class PurchasingSystem(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(
        max_length=16, choices=PurchasingSystemKind.choices, default=PurchasingSystemKind.FPS
    )
    lead_authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="purchasing_systems_led"
    )
    # Every authority that may place through it, the lead included.
    member_authorities = models.ManyToManyField("accounts.Organisation", related_name="purchasing_systems")
    description = models.TextField(blank=True)
    overarching_contract_title = models.CharField(max_length=200)
    overarching_contract_terms = models.TextField(help_text="The terms a provider accepts on admission")
    # The day of the year the annual provider checks start.
    annual_check_month = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    annual_check_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FpsLot(models.Model):
    """A lot of a purchasing system, e.g. '0–16 52-week residential'."""

    system = models.ForeignKey(PurchasingSystem, on_delete=models.PROTECT, related_name="lots")
    code = models.CharField(max_length=12, help_text="e.g. L3")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    age_from = models.PositiveSmallIntegerField(default=0)
    age_to = models.PositiveSmallIntegerField(default=25)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["system", "order", "code"]
        verbose_name = "purchasing system lot"
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="fps_lot_code_unique"),
            models.CheckConstraint(
                condition=models.Q(age_to__gte=models.F("age_from")), name="fps_lot_ages_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)


class Membership(models.Model):
    """A provider's place on one lot of a purchasing system, with the overarching contract it accepted
    on admission (who, in what role, when) and what it offers on that lot for the electronic list."""

    lot = models.ForeignKey(FpsLot, on_delete=models.PROTECT, related_name="memberships")
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="memberships"
    )
    status = models.CharField(
        max_length=12, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    admitted_at = models.DateTimeField(default=timezone.now)
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    admission_tender = models.ForeignKey(
        "procurement.Tender", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The overarching contract, accepted by a named person at the provider.
    contract_accepted_name = models.CharField(max_length=150, blank=True)
    contract_accepted_role = models.CharField(max_length=150, blank=True)
    contract_accepted_at = models.DateTimeField(null=True, blank=True)
    # What the provider offers on this lot, for the electronic list.
    needs_met = models.JSONField(default=list, blank=True, help_text="Primary need codes")
    age_from = models.PositiveSmallIntegerField(default=0)
    age_to = models.PositiveSmallIntegerField(default=25)
    area = models.CharField(
        max_length=120, blank=True, help_text="Where its settings are, e.g. Greater Manchester"
    )
    places_available = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["lot", "provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "provider"], name="membership_one_per_lot"),
            models.CheckConstraint(
                condition=~models.Q(status="suspended") | ~models.Q(status_reason=""),
                name="membership_suspension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} on {self.lot}"


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent to providers"
    PLACED = "placed", "Placement agreed"
    CANCELLED = "cancelled", "Cancelled"


class PlacementRoute(models.TextChoices):
    MINI_COMPETITION = "mini_competition", "Mini-competition"
    DIRECT_AWARD = "direct_award", "Direct award"


class Referral(models.Model):
    """A child's pseudonymous needs profile, sent by a member authority to every active provider on a lot."""

    authority = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="referrals")
    lot = models.ForeignKey(FpsLot, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)
    # The child: the authority's pseudonymous case reference and what a placement needs. No name, no address.
    case_reference = models.CharField(max_length=40)
    year_of_birth = models.PositiveSmallIntegerField()
    primary_need = models.CharField(max_length=8, choices=PrimaryNeed.choices)
    has_ehc_plan = models.BooleanField("Has an EHC plan", default=True)
    key_requirements = models.TextField()
    wanted_start_on = models.DateField()
    respond_by = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The outcome.
    placement_route = models.CharField(max_length=16, choices=PlacementRoute.choices, blank=True)
    direct_award_justification = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # An authority's referrals, newest first, a page at a time (thousands per authority).
            models.Index(fields=["authority", "-created_at", "-id"], name="referral_authority_list_idx"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.case_reference}"


class ResponseStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting a response"
    RESPONDED = "responded", "Responded"
    SELECTED = "selected", "Selected"
    NOT_SELECTED = "not_selected", "Not selected"


class ReferralResponse(models.Model):
    """One provider's answer to a referral. A row is made for every active provider on the lot when the
    referral is sent: the rows are the list of who received it."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="responses")
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referral_responses"
    )
    status = models.CharField(max_length=14, choices=ResponseStatus.choices, default=ResponseStatus.AWAITING)
    can_meet_needs = models.BooleanField(null=True, blank=True)
    weekly_fee = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    start_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["referral", "provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "provider"], name="referral_response_unique"),
            models.CheckConstraint(
                condition=models.Q(weekly_fee__isnull=True) | models.Q(weekly_fee__gt=0),
                name="referral_response_fee_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Response of {self.provider} to {self.referral}"


class IndividualPlacementAgreement(models.Model):
    """The call-off for one child's placement with one provider, made from a referral."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="placement_agreement")
    reference = models.CharField(max_length=40, unique=True)
    authority = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="ipas")
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="provider_ipas"
    )
    lot = models.ForeignKey(FpsLot, on_delete=models.PROTECT, related_name="ipas")
    case_reference = models.CharField(max_length=40)
    start_on = models.DateField()
    end_on = models.DateField()
    weekly_fee = models.DecimalField(max_digits=10, decimal_places=2)
    # [{"service": "1:1 support", "weekly_cost": "350.00"}, {"service": "Speech and language therapy", ...}]
    additional_services = models.JSONField(default=list, blank=True)
    review_dates = models.JSONField(default=list, blank=True, help_text="ISO dates of the placement reviews")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = "individual placement agreement"
        indexes = [
            # The authority's and the provider's agreements, latest first, a page at a time.
            models.Index(fields=["authority", "-start_on", "-id"], name="ipa_authority_list_idx"),
            models.Index(fields=["provider", "-start_on", "-id"], name="ipa_provider_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gt=models.F("start_on")), name="ipa_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(weekly_fee__gt=0), name="ipa_weekly_fee_positive"),
        ]

    def __str__(self) -> str:
        return f"IPA {self.reference}"
