"""Demo needs data: published EHC plan and population figures for the fictional councils, and
Northshire's own ward data, imported through the same importer councils use."""

from pathlib import Path

from needs.models import Dataset
from needs.services.imports import DatasetAlreadyImported, dataset_import_file, file_checksum

DATA = Path(__file__).resolve().parent / "data"

FILES = [
    ("ehcp2022_sen2_age_caseload.csv", "ees", None),
    ("ehcp2025_sen_needs_all_plans.csv", "ees", None),
    ("northshire_mid-2024_population_estimates_syoa.csv", "population", None),
    ("northshire_local_ehc_plans_by_ward.csv", "local", "northshire"),
]


def seed(*, organisations: dict, importer) -> list[Dataset]:
    datasets = []
    for name, source, owner in FILES:
        path = DATA / name
        organisation = organisations[owner] if owner else None
        existing = Dataset.objects.filter(checksum=file_checksum(path)).first()
        if existing is not None:
            datasets.append(existing)
            continue
        try:
            datasets.append(
                dataset_import_file(
                    file=path, file_name=name, source=source, organisation=organisation, imported_by=importer
                )
            )
        except DatasetAlreadyImported as duplicate:
            datasets.append(duplicate.existing)
    return datasets


# Places Northshire has commissioned for 2024/25: (age band, setting, need, places).
CAPACITY = [
    ("5-10", "state_special", "ASD", 180),
    ("11-15", "state_special", "ASD", 210),
    ("16-19", "post_16", "ASD", 90),
    ("5-10", "resourced", "SLCN", 120),
    ("11-15", "resourced", "SEMH", 60),
    ("11-15", "independent_special", "SEMH", 75),
    ("5-10", "state_special", "SLD", 70),
    ("11-15", "state_special", "SLD", 65),
    ("5-10", "state_special", "PMLD", 30),
    ("0-4", "state_special", "", 40),
    ("11-15", "alternative", "SEMH", 45),
    ("16-19", "post_16", "", 260),
]

FEEDBACK = [
    (
        "parent_carer",
        (2026, 9, 14),
        "Specialist school places",
        "ASD",
        "negative",
        "We waited fourteen months for a special school place; our son was out of school for most of it.",
    ),
    (
        "young_person",
        (2026, 9, 30),
        "Post-16 options",
        "ASD",
        "mixed",
        "College is good but there is nothing after 19 near here that understands autism.",
    ),
    (
        "forum",
        (2026, 10, 6),
        "Speech and language therapy",
        "SLCN",
        "negative",
        "Parents across the forum say therapy in the EHC plan is not being delivered in school.",
    ),
    (
        "school",
        (2026, 10, 20),
        "Resourced provision",
        "SEMH",
        "positive",
        "The new resourced base has kept six pupils in mainstream who would otherwise have been excluded.",
    ),
    (
        "parent_carer",
        (2026, 11, 2),
        "Short breaks",
        "",
        "mixed",
        "The Saturday club is brilliant but the waiting list is too long.",
    ),
    (
        "health",
        (2026, 11, 9),
        "Neurodevelopmental pathway",
        "ASD",
        "negative",
        "Referrals to the autism assessment pathway have doubled in two years.",
    ),
]


def seed_planning(*, commissioner) -> None:
    """Northshire's commissioned places, a projection by each method, and what families said."""
    import datetime

    from needs.models import CommissionedCapacity, Feedback, ProjectionRun
    from needs.services.planning import capacity_create, feedback_create, projection_run_create

    council = commissioner.organisation
    if not CommissionedCapacity.objects.filter(organisation=council).exists():
        for band, setting, need, places in CAPACITY:
            capacity_create(
                actor=commissioner,
                year=2024,
                age_band=band,
                setting=setting,
                places=places,
                primary_need=need,
            )
    if not Feedback.objects.filter(organisation=council).exists():
        for source, (y, m, d), area, need, sentiment, summary in FEEDBACK:
            feedback_create(
                actor=commissioner,
                source=source,
                received_on=datetime.date(y, m, d),
                service_area=area,
                summary=summary,
                sentiment=sentiment,
                primary_need=need,
            )
    if not ProjectionRun.objects.filter(organisation=council).exists():
        projection_run_create(actor=commissioner, method="trend", base_year=2024, horizon=5, trend_years=5)
        projection_run_create(actor=commissioner, method="prevalence", base_year=2024, horizon=5)
