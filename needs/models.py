"""Needs data: imported files, the numbers in them, and what commissioners add (capacity, feedback).

Published statistics (DfE, ONS) are shared by every council: a file is imported once and each council
reads its own rows and the regional and national ones beside them. A council's local data belongs to
that council alone.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .vocabulary import GeographicLevel, PrimaryNeed, Setting


class Area(models.Model):
    """A place numbers are published for: England, a region, a local authority, a ward, …"""

    code = models.CharField(max_length=16, unique=True, help_text="ONS GSS code, e.g. E08000009")
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=GeographicLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    old_la_code = models.CharField("old LA code", max_length=3, blank=True)

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Source(models.TextChoices):
    EES = "ees", "Explore Education Statistics (DfE)"
    POPULATION = "population", "ONS population estimates"
    LOCAL = "local", "The council's own data"


class DatasetStatus(models.TextChoices):
    IMPORTING = "importing", "Importing"
    COMPLETE = "complete", "Imported"
    FAILED = "failed", "Failed"


class Dataset(models.Model):
    """One imported file. Importing the same file again is refused; a newer release of the same series
    replaces the older one's overlapping periods, and both datasets' notes say so."""

    # None: published statistics, shared by every council. Set: that council's local data.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="datasets"
    )
    # "public", or "org:<id>": checksums and series are unique within a scope.
    scope = models.CharField(max_length=32, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices)
    series = models.CharField(max_length=120, help_text="The publication's file, e.g. sen_needs_all_plans")
    title = models.CharField(max_length=200)
    file_name = models.CharField(max_length=255)
    checksum = models.CharField("SHA-256", max_length=64)
    time_identifier = models.CharField(max_length=40, blank=True)
    periods = models.JSONField(default=list, help_text="Years covered (start years)")
    geographic_levels = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    observation_count = models.PositiveIntegerField(default=0)
    suppressed_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=DatasetStatus.choices, default=DatasetStatus.IMPORTING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="What happened to this dataset, newest last")
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    # The file as uploaded, in private storage.
    stored_name = models.CharField(max_length=255, blank=True)
    # Blank for imports run from the command line (the audit log says who ran them).
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    imported_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "checksum"], name="dataset_checksum_unique_in_scope"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.organisation_id is None


class Observation(models.Model):
    """One published number. Millions of rows: loaded with COPY on PostgreSQL, read through indexes
    that match the profile's queries (area, measure, year)."""

    id = models.BigAutoField(primary_key=True)
    # No database constraints or single-column indexes on these two: checking a million foreign keys
    # per import costs more than the whole COPY, and the composite indexes below serve every lookup.
    # The loader writes only ids it has just read or created; deleting a dataset deletes its rows.
    dataset = models.ForeignKey(
        Dataset, on_delete=models.CASCADE, related_name="observations", db_constraint=False, db_index=False
    )
    area = models.ForeignKey(
        Area, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    year = models.SmallIntegerField(help_text="Start year: 2024 for academic year 2024/25")
    time_period = models.IntegerField(help_text="As published: 202425 or 2022")
    measure = models.CharField(max_length=64, help_text="A Measure code, or the published column name")
    primary_need = models.CharField(max_length=8, blank=True, help_text="Blank: all needs")
    age_min = models.SmallIntegerField(null=True, blank=True, help_text="Blank: all ages")
    age_max = models.SmallIntegerField(null=True, blank=True)
    setting = models.CharField(max_length=160, blank=True, help_text="Type of placement as published")
    breakdown_topic = models.CharField(
        max_length=80, blank=True, help_text="Another characteristic, e.g. Sex"
    )
    breakdown = models.CharField(max_length=160, blank=True)
    value = models.FloatField(null=True, blank=True)
    marker = models.CharField(max_length=4, blank=True, help_text="Suppression marker as published")
    indicator = models.CharField(max_length=64, help_text="The published column")

    class Meta:
        indexes = [
            models.Index(fields=["area", "measure", "year"], name="observation_area_measure_idx"),
        ]
        # Finding a dataset's rows: on PostgreSQL each dataset is its own partition (migration 0002),
        # and the default partition has its own (dataset, year) index; SQLite scans (demo sizes).

    def __str__(self) -> str:
        shown = self.value if self.value is not None else self.marker
        return f"{self.measure} {self.year} {self.area_id}: {shown}"


class CapacityBasis(models.TextChoices):
    ENTERED = "entered", "Entered by a commissioner"
    # Kept in step by the Review stage from live contracts and placement agreements; where a cell has
    # contracted places, they replace the places entered by hand for it.
    CONTRACTED = "contracted", "From contracts and placements"


class CommissionedCapacity(models.Model):
    """Places a council has commissioned, by need, age band and setting: entered by hand, or kept in
    step with live contracts and placement agreements by the Review stage (basis "contracted")."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="capacity"
    )
    primary_need = models.CharField(max_length=8, choices=PrimaryNeed.choices, blank=True)
    age_band = models.CharField(max_length=8)
    setting = models.CharField(max_length=24, choices=Setting.choices)
    places = models.PositiveIntegerField()
    year = models.SmallIntegerField(help_text="The academic year the places are for (start year)")
    basis = models.CharField(max_length=16, choices=CapacityBasis.choices, default=CapacityBasis.ENTERED)
    notes = models.TextField(blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "age_band", "primary_need", "setting"]
        verbose_name_plural = "commissioned capacity"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "primary_need", "age_band", "setting", "basis"],
                name="capacity_unique_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.places} places, {self.age_band}, {self.primary_need or 'any need'}, {self.year}"


class ProjectionMethod(models.TextChoices):
    PREVALENCE = "prevalence", "Prevalence × population projection"
    TREND = "trend", "Trend extrapolation"


class ProjectionRun(models.Model):
    """One projection, stored with every input and parameter so each figure can be reproduced."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="projections"
    )
    method = models.CharField(max_length=16, choices=ProjectionMethod.choices)
    base_year = models.SmallIntegerField()
    horizon = models.PositiveSmallIntegerField(default=5)
    parameters = models.JSONField(default=dict)
    inputs = models.JSONField(default=dict, help_text="The numbers the projection started from")
    results = models.JSONField(default=list, help_text="[{year, primary_need, age_band, value}]")
    method_statement = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} from {self.base_year}"


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    MIXED = "mixed", "Mixed"
    NEGATIVE = "negative", "Negative"


class FeedbackSource(models.TextChoices):
    PARENT_CARER = "parent_carer", "Parent or carer"
    YOUNG_PERSON = "young_person", "Child or young person"
    FORUM = "forum", "Parent carer forum"
    SCHOOL = "school", "School or setting"
    HEALTH = "health", "Health partner"
    SOCIAL_CARE = "social_care", "Social care"
    PROVIDER = "provider", "Provider"
    OTHER = "other", "Other"


class Feedback(models.Model):
    """What families and partners said, tagged so the profile can count and quote it."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="feedback"
    )
    source = models.CharField(max_length=20, choices=FeedbackSource.choices)
    received_on = models.DateField()
    service_area = models.CharField(max_length=120)
    primary_need = models.CharField(max_length=8, choices=PrimaryNeed.choices, blank=True)
    summary = models.TextField("what was said")
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{self.get_source_display()}, {self.received_on:%d %B %Y}: {self.service_area}"
