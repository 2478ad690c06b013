"""The load benchmark's data set, built once on PostgreSQL and reused while its version marker matches.

    DATABASE_URL=postgres://.../bench_load python benchmarks/bench_data.py [--fixture PATH] [--rebuild]

On top of the demo data (`seed_demo`, so every stage has believable records and detail pages), it adds
with bulk inserts: 25 authorities in all (the two demo councils and 23 more), a parent carer forum for
each, 2,000 providers with one user each, a purchasing system with every authority as a member and every
provider on one or two lots, 50,000 placed referrals with their Individual Placement Agreements, 5,000
contracts, and 1,000,000 needs observations imported with the service's own importer (the file of
`bench_import.py`). Every council user gets a TOTP device whose key is written to the fixture, so the
load test signs in as a person would: password, then the six-digit code.

Writes a JSON fixture (logins by role, object ids for the detail pages) that the locust file and the
spike read. Rows are made with `bulk_create`: no history rows, no audit events, no notifications, which
is what bulk loading would do in a migration from an old system.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

# Change when the data set's shape changes: a build with another marker is dropped and made again.
BUILD_VERSION = "load-1"
AUTHORITIES = 25
PROVIDERS = 2_000
PLACEMENTS = 50_000
CONTRACTS = 5_000
OBSERVATION_CELLS = 1_000_000
BATCH = 5_000
# The password every bench login uses (the demo logins keep the demo password).
PASSWORD = "bench-password-2026"  # noqa: S105 - bench logins on a throwaway database
MARKER_TABLE = "bench_build_marker"


def log(message: str) -> None:
    print(f"[bench data {time.strftime('%H:%M:%S')}] {message}", flush=True)


def marker() -> str:
    sizes = f"{AUTHORITIES}/{PROVIDERS}/{PLACEMENTS}/{CONTRACTS}/{OBSERVATION_CELLS}"
    return f"{BUILD_VERSION}:{sizes}"


def read_marker(connection) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT value FROM {MARKER_TABLE} LIMIT 1")
        row = cursor.fetchone()
        return row[0] if row else None


def write_marker(connection, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (value text NOT NULL)")
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (value) VALUES (%s)", [value])


def otp_enabled() -> bool:
    from django.conf import settings

    return "django_otp.plugins.otp_totp" in settings.INSTALLED_APPS


def build(fixture_path: Path) -> dict:
    """Build everything on the database in DATABASE_URL (already migrated and empty of bench data)."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Organisation, OrganisationKind, Role, RoleAssignment, User
    from contracts.models import Contract, ContractOrigin, ContractStatus, RiskRating
    from needs.vocabulary import PrimaryNeed
    from procurement.models import (
        FpsLot,
        IndividualPlacementAgreement,
        Membership,
        PlacementRoute,
        PurchasingSystem,
        Referral,
        ReferralResponse,
        ReferralStatus,
        ResponseStatus,
    )

    rng = random.Random(7)  # noqa: S311 - the same data set on every machine
    started = time.perf_counter()
    log("seed_demo (the demo's records for every stage)")
    call_command("seed_demo", quiet=True)
    log(f"seed_demo done in {time.perf_counter() - started:.0f} s")

    now = timezone.now()
    today = timezone.localdate()
    password_hash = make_password(PASSWORD)  # hashed once: every bench login shares it

    # Authorities: the two demo councils and 23 more, with ONS codes the generated EES file uses.
    demo_councils = list(
        Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY).order_by("pk")[:AUTHORITIES]
    )
    new_councils = [
        Organisation(
            name=f"Bench Council {n:02d}",
            slug=f"bench-council-{n:02d}",
            kind=OrganisationKind.LOCAL_AUTHORITY,
            ons_code=f"E06{n:06d}",
        )
        for n in range(1, AUTHORITIES - len(demo_councils) + 1)
    ]
    Organisation.objects.bulk_create(new_councils)
    councils = demo_councils + list(
        Organisation.objects.filter(slug__startswith="bench-council-").order_by("pk")
    )
    forums = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"{council.name} Parent Carer Forum (bench)",
                slug=f"bench-pcf-{n:02d}",
                kind=OrganisationKind.PARENT_CARER_FORUM,
            )
            for n, council in enumerate(councils, start=1)
        ]
    )
    providers = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench Provider {n:04d} Ltd",
                slug=f"bench-provider-{n:04d}",
                kind=OrganisationKind.PROVIDER,
            )
            for n in range(1, PROVIDERS + 1)
        ],
        batch_size=BATCH,
    )
    log(f"{len(councils)} authorities, {len(forums)} forums, {len(providers)} providers")

    # Users: per authority two commissioners, a lead commissioner, an evaluator, two finance and two legal
    # approvers; two members per forum; one user per provider.
    council_roles = [
        ("commissioner", (Role.COMMISSIONER,)),
        ("commissioner2", (Role.COMMISSIONER,)),
        ("lead", (Role.COMMISSIONER, Role.LEAD_COMMISSIONER)),
        ("evaluator", (Role.EVALUATOR,)),
        ("finance", (Role.FINANCE_APPROVER,)),
        ("finance2", (Role.FINANCE_APPROVER,)),
        ("legal", (Role.LEGAL_APPROVER,)),
        ("legal2", (Role.LEGAL_APPROVER,)),
    ]
    planned: list[tuple[User, tuple[str, ...]]] = []
    for n, council in enumerate(councils, start=1):
        for label, roles in council_roles:
            email = f"{label}@bench-council-{n:02d}.example"
            planned.append(
                (User(email=email, full_name=f"{label.title()} {n:02d}", organisation=council), roles)
            )
        # Northshire's approvers and forum members have the demo's business cases and consultations to
        # read: give the demo councils' forums and approvers more logins.
    northshire = Organisation.objects.get(slug="northshire")
    northshire_pcf = Organisation.objects.get(slug="northshire-pcf")
    for n in range(1, 7):
        planned.append(
            (
                User(
                    email=f"finance{n}@northshire-bench.example",
                    full_name=f"Finance {n}",
                    organisation=northshire,
                ),
                (Role.FINANCE_APPROVER,),
            )
        )
        planned.append(
            (
                User(
                    email=f"legal{n}@northshire-bench.example",
                    full_name=f"Legal {n}",
                    organisation=northshire,
                ),
                (Role.LEGAL_APPROVER,),
            )
        )
        planned.append(
            (
                User(
                    email=f"forum{n}@northshire-pcf-bench.example",
                    full_name=f"Forum member {n}",
                    organisation=northshire_pcf,
                ),
                (Role.FORUM_MEMBER,),
            )
        )
    for n, forum in enumerate(forums, start=1):
        for m in (1, 2):
            planned.append(
                (
                    User(
                        email=f"forum{m}@bench-pcf-{n:02d}.example",
                        full_name=f"Forum {n}-{m}",
                        organisation=forum,
                    ),
                    (Role.FORUM_MEMBER,),
                )
            )
    for n, provider in enumerate(providers, start=1):
        planned.append(
            (
                User(
                    email=f"user@bench-provider-{n:04d}.example",
                    full_name=f"Provider user {n}",
                    organisation=provider,
                ),
                (Role.PROVIDER_USER,),
            )
        )
    for user, _roles in planned:
        user.password = password_hash
    users = User.objects.bulk_create([user for user, _ in planned], batch_size=BATCH)
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=user, role=role)
            for user, (_, roles) in zip(users, planned, strict=True)
            for role in roles
        ],
        batch_size=BATCH,
    )
    log(f"{len(users)} users")

    # Two-factor devices for everyone who signs in with a council or the operator (the demo logins too).
    devices: dict[str, str] = {}
    if otp_enabled():
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.two_factor import TWO_FACTOR_ROLES

        staff = User.objects.filter(role_assignments__role__in=TWO_FACTOR_ROLES).distinct()
        existing = set(TOTPDevice.objects.values_list("user_id", flat=True))
        new_devices = []
        for user in staff:
            if user.pk in existing:
                continue
            key = secrets.token_hex(20)
            new_devices.append(TOTPDevice(user=user, name="Authenticator app", key=key, confirmed=True))
        TOTPDevice.objects.bulk_create(new_devices, batch_size=BATCH)
        devices = {
            email: key
            for email, key in TOTPDevice.objects.filter(confirmed=True).values_list("user__email", "key")
        }
        log(f"{len(devices)} TOTP devices")
    else:
        log("django-otp is not installed yet: no TOTP devices (sign-in is by password only)")

    # A purchasing system with every authority as a member and every provider on one or two lots.
    lead_user = User.objects.get(email="lead@bench-council-01.example")
    system = PurchasingSystem.objects.create(
        name="Bench Regional SEND Flexible Purchasing System",
        lead_authority=lead_user.organisation,
        overarching_contract_title="Bench overarching agreement",
        overarching_contract_terms="The terms of the bench purchasing system.",
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today + datetime.timedelta(days=1200),
    )
    system.member_authorities.add(*councils)
    lots = FpsLot.objects.bulk_create(
        [
            FpsLot(system=system, code=f"B{n}", title=title, age_from=a, age_to=b, order=n)
            for n, (title, a, b) in enumerate(
                [
                    ("0–16 day", 0, 16),
                    ("0–16 38-week residential", 0, 16),
                    ("0–16 52-week residential", 0, 16),
                    ("16+ day", 16, 25),
                    ("16+ residential", 16, 25),
                    ("Alternative provision", 5, 16),
                ],
                start=1,
            )
        ]
    )
    needs = [code for code, _ in PrimaryNeed.choices]
    areas = ["North West", "Greater Manchester", "Lancashire", "Cumbria", "Merseyside", "Cheshire"]
    memberships = []
    for n, provider in enumerate(providers):
        for lot in rng.sample(lots, 1 + n % 2):
            memberships.append(
                Membership(
                    lot=lot,
                    provider=provider,
                    admitted_by=lead_user,
                    admitted_at=now - datetime.timedelta(days=rng.randint(10, 300)),
                    contract_accepted_name=f"Director {n}",
                    contract_accepted_role="Director",
                    contract_accepted_at=now - datetime.timedelta(days=5),
                    needs_met=rng.sample(needs, 2),
                    age_from=lot.age_from,
                    age_to=lot.age_to,
                    area=areas[n % len(areas)],
                    places_available=rng.randint(0, 8),
                )
            )
    memberships = Membership.objects.bulk_create(memberships, batch_size=BATCH)
    log(f"purchasing system with {len(lots)} lots and {len(memberships)} memberships")

    # 50,000 placed referrals, each with the chosen provider's response and its placement agreement.
    commissioners = {
        council.pk: User.objects.filter(organisation=council, role_assignments__role=Role.COMMISSIONER)
        .order_by("pk")
        .first()
        for council in councils
    }
    made = 0
    while made < PLACEMENTS:
        size = min(BATCH, PLACEMENTS - made)
        chosen = []
        referrals = []
        for i in range(made, made + size):
            council = councils[i % len(councils)]
            membership = memberships[rng.randrange(len(memberships))]
            created = now - datetime.timedelta(days=rng.randint(30, 1500))
            chosen.append((council, membership, created))
            referrals.append(
                Referral(
                    authority=council,
                    lot_id=membership.lot_id,
                    status=ReferralStatus.PLACED,
                    case_reference=f"BR-{i + 1:06d}",
                    year_of_birth=today.year - rng.randint(5, 18),
                    primary_need=rng.choice(needs),
                    key_requirements="Small class, speech and language therapy each week.",
                    wanted_start_on=created.date() + datetime.timedelta(days=30),
                    respond_by=created + datetime.timedelta(days=10),
                    created_by=commissioners[council.pk],
                    created_at=created,
                    sent_at=created,
                    placement_route=PlacementRoute.DIRECT_AWARD,
                    direct_award_justification="Only provider able to meet the needs within reach.",
                    decided_by=commissioners[council.pk],
                    decided_at=created + datetime.timedelta(days=12),
                )
            )
        with transaction.atomic():
            referrals = Referral.objects.bulk_create(referrals)
            fees = [Decimal(rng.randint(900, 6000)) for _ in referrals]
            ReferralResponse.objects.bulk_create(
                [
                    ReferralResponse(
                        referral=referral,
                        provider_id=membership.provider_id,
                        status=ResponseStatus.SELECTED,
                        can_meet_needs=True,
                        weekly_fee=fee,
                        start_on=referral.wanted_start_on,
                        responded_by=None,
                        responded_at=created + datetime.timedelta(days=3),
                    )
                    for referral, (council, membership, created), fee in zip(
                        referrals, chosen, fees, strict=True
                    )
                ]
            )
            IndividualPlacementAgreement.objects.bulk_create(
                [
                    IndividualPlacementAgreement(
                        referral=referral,
                        reference=f"IPA-{referral.case_reference}",
                        authority=council,
                        provider_id=membership.provider_id,
                        lot_id=membership.lot_id,
                        case_reference=referral.case_reference,
                        start_on=referral.wanted_start_on,
                        end_on=referral.wanted_start_on + datetime.timedelta(days=365 * rng.randint(1, 3)),
                        weekly_fee=fee,
                        review_dates=[(referral.wanted_start_on + datetime.timedelta(days=180)).isoformat()],
                        created_by=commissioners[council.pk],
                        created_at=created + datetime.timedelta(days=13),
                    )
                    for referral, (council, membership, created), fee in zip(
                        referrals, chosen, fees, strict=True
                    )
                ]
            )
        made += size
    log(f"{made} referrals, responses and placement agreements")

    # 5,000 contracts: half from admission to the purchasing system, half spot purchases.
    contracts = []
    for i in range(CONTRACTS):
        council = councils[i % len(councils)]
        membership = memberships[rng.randrange(len(memberships))]
        starts = today - datetime.timedelta(days=rng.randint(0, 900))
        from_fps = i % 2 == 0
        contracts.append(
            Contract(
                organisation=council,
                provider_id=membership.provider_id,
                reference=f"BC-{i + 1:05d}",
                title=f"Placements and support, contract {i + 1}",
                origin=ContractOrigin.FPS_ADMISSION if from_fps else ContractOrigin.SPOT,
                membership=membership if from_fps else None,
                spot_justification="" if from_fps else "An urgent placement no listed provider could take.",
                status=ContractStatus.LIVE,
                value=Decimal(rng.randint(50, 5000) * 1000),
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=365 * rng.randint(1, 4)),
                notice_period_months=rng.choice([3, 6]),
                risk_rating=rng.choice([RiskRating.LOW, RiskRating.MEDIUM, RiskRating.HIGH]),
                created_by=commissioners[council.pk],
            )
        )
    Contract.objects.bulk_create(contracts, batch_size=BATCH)
    log(f"{len(contracts)} contracts")

    observations = import_observations()
    log(f"{observations:,} needs observations imported")

    with transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"built in {time.perf_counter() - started:.0f} s")
    return write_fixture(fixture_path, devices=devices, observations=observations)


def import_observations() -> int:
    """The 1,000,000-cell EES file of the import benchmark, through the service's importer."""
    from bench_import import write_ees_file

    from needs.services.imports import dataset_import_file

    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    source = workdir / "bench_ehc_plans.csv"
    write_ees_file(source, OBSERVATION_CELLS)
    dataset = dataset_import_file(
        file=source, file_name=source.name, source="ees", organisation=None, imported_by=None
    )
    source.unlink()
    workdir.rmdir()
    return dataset.observation_count


def write_fixture(
    path: Path, *, devices: dict[str, str] | None = None, observations: int | None = None
) -> dict:
    """Logins by role (with their TOTP keys) and ids of records each can open, for locust and the spike."""
    from django.conf import settings

    from accounts.models import Organisation, OrganisationKind, Role, User
    from commissioning.models import BusinessCase
    from contracts.models import Contract
    from coproduction.selectors import consultations_for_user
    from needs.models import Observation
    from procurement.models import IndividualPlacementAgreement, PurchasingSystem, Referral, Tender

    if devices is None:
        devices = {}
        if otp_enabled():
            from django_otp.plugins.otp_totp.models import TOTPDevice

            devices = dict(TOTPDevice.objects.filter(confirmed=True).values_list("user__email", "key"))

    def login(user, password=PASSWORD):
        return {"email": user.email, "password": password, "totp_key": devices.get(user.email, "")}

    demo_password = settings.DEMO_PASSWORD
    councils = list(Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY).order_by("pk"))
    commissioners = []
    for council in councils:
        users = User.objects.filter(
            organisation=council, role_assignments__role=Role.COMMISSIONER, email__contains="bench"
        ).order_by("pk")[:2]
        ids = {
            "contracts": list(
                Contract.objects.filter(organisation=council).order_by("?").values_list("pk", flat=True)[:20]
            ),
            "ipas": list(
                IndividualPlacementAgreement.objects.filter(authority=council)
                .order_by("?")
                .values_list("pk", flat=True)[:20]
            ),
            "referrals": list(
                Referral.objects.filter(authority=council).order_by("?").values_list("pk", flat=True)[:20]
            ),
            "tenders": list(Tender.objects.filter(organisation=council).values_list("pk", flat=True)[:20]),
            "cases": list(BusinessCase.objects.filter(organisation=council).values_list("pk", flat=True)[:20])
            if hasattr(BusinessCase, "organisation")
            else [],
        }
        for user in users:
            commissioners.append({**login(user), "ids": ids})
    northshire = Organisation.objects.get(slug="northshire")
    cases = list(BusinessCase.objects.filter(organisation=northshire).values_list("pk", flat=True))
    approvers = [
        {**login(user), "ids": {"cases": cases}}
        for user in User.objects.filter(
            role_assignments__role__in=[Role.FINANCE_APPROVER, Role.LEGAL_APPROVER], email__contains="bench"
        )
        .order_by("-organisation_id" if False else "email")
        .distinct()
    ]
    # Northshire's approvers first: they have the demo's business cases waiting.
    approvers.sort(key=lambda a: (0 if "northshire" in a["email"] else 1, a["email"]))
    # Only the consultations each forum was invited to (the demo's are Northshire's forum's).
    forum = [
        {
            **login(user),
            "ids": {"consultations": list(consultations_for_user(user).values_list("pk", flat=True))},
        }
        for user in User.objects.filter(
            role_assignments__role=Role.FORUM_MEMBER, email__contains="bench"
        ).order_by("email")
    ]
    forum.sort(key=lambda a: (0 if "northshire" in a["email"] else 1, a["email"]))
    visible_tenders = list(Tender.objects.visible_to_bidders().values_list("pk", flat=True)[:20])
    providers = []
    for user in User.objects.filter(
        role_assignments__role=Role.PROVIDER_USER, email__contains="bench"
    ).order_by("email"):
        providers.append(
            {
                **login(user),
                "ids": {
                    "tenders": visible_tenders,
                    "ipas": list(
                        IndividualPlacementAgreement.objects.filter(
                            provider_id=user.organisation_id
                        ).values_list("pk", flat=True)[:10]
                    )
                    if len(providers) < 200
                    else [],
                    "contracts": list(
                        Contract.objects.filter(provider_id=user.organisation_id).values_list(
                            "pk", flat=True
                        )[:10]
                    )
                    if len(providers) < 200
                    else [],
                },
            }
        )
    admin = User.objects.filter(email="admin@example.org").first()
    fixture = {
        "marker": marker(),
        "otp": otp_enabled(),
        # The bench purchasing system: every authority is a member (the demo's has two).
        "systems": list(
            PurchasingSystem.objects.filter(name__startswith="Bench").values_list("pk", flat=True)
        ),
        "commissioners": commissioners,
        "approvers": approvers,
        "forum": forum,
        "providers": providers,
        "admin": [login(admin, demo_password)] if admin else [],
        "sizes": {
            "authorities": len(councils),
            "providers": Organisation.objects.filter(kind=OrganisationKind.PROVIDER).count(),
            "users": User.objects.count(),
            "placements": IndividualPlacementAgreement.objects.count(),
            "referrals": Referral.objects.count(),
            "contracts": Contract.objects.count(),
            "observations": observations if observations is not None else Observation.objects.count(),
        },
    }
    path.write_text(json.dumps(fixture))
    return fixture


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixture", default=str(Path(tempfile.gettempdir()) / "bench-load-fixture.json"))
    parser.add_argument("--rebuild", action="store_true", help="Build even if the marker matches")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to the bench PostgreSQL database.")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    fixture_path = Path(options.fixture)
    if not options.rebuild and read_marker(connection) == marker():
        log(f"data set {marker()} is already built: reusing it")
        write_fixture(fixture_path)
    else:
        if read_marker(connection) is not None or options.rebuild:
            sys.exit("The database holds another build: drop it first (bench_load.py does).")
        build(fixture_path)
        write_marker(connection, marker())
    log(f"fixture written to {fixture_path}")


if __name__ == "__main__":
    main()
