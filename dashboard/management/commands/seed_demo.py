from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from contracts.services.capacity import capacity_sync_all
from contracts.services.watches import contract_watch, expiry_watch, qa_schedule
from dashboard.demo import (
    checks,
    commissioning,
    contracts,
    decommissioning,
    evaluation,
    fps,
    needs,
    people,
    procurement,
    quality,
    tenders,
)


class Command(BaseCommand):
    help = "Create (or leave as they are) the demo organisations, logins and data for every stage."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet: bool = False, **options):
        # Demo data sends no email: its notifications are listed in the service only.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self.seed(quiet=quiet)

    def seed(self, *, quiet: bool) -> None:
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            organisations = people.seed(password=password)
        commissioner = User.objects.get(email="commissioner@northshire.example")
        # Each stage in cycle order. Imports commit as they go (for progress), so not in one transaction.
        needs.seed(organisations=organisations, importer=commissioner)
        with transaction.atomic():
            needs.seed_planning(commissioner=commissioner)
        with transaction.atomic():
            commissioning.seed(
                commissioner=commissioner, forum_member=User.objects.get(email="forum@northshire-pcf.example")
            )
        people_by_role = {
            role: User.objects.get(email=f"{role}@northshire.example")
            for role in ("commissioner", "lead", "finance", "legal")
        }
        with transaction.atomic():
            commissioning.seed_business_cases(people=people_by_role)
        with transaction.atomic():
            procurement.seed(commissioner=commissioner)
        # Do: the purchasing system first (an admission round is one of its tenders), then tenders and
        # their evaluation.
        for stage in (fps, tenders, evaluation):
            with transaction.atomic():
                stage.seed()
        # Review: the annual checks of the purchasing system; contracts from the awards and the system,
        # then their QA visits (on live contracts, so before one is taken into decommissioning).
        for stage in (checks, contracts, quality, decommissioning):
            with transaction.atomic():
                stage.seed()
        # The places the contracts and placements buy, for the gap analysis; then the day's watches, so
        # the reminders a council would have this morning are there on first sign-in.
        capacity_sync_all()
        today = timezone.localdate()
        for watch in (expiry_watch, contract_watch, qa_schedule):
            with transaction.atomic():
                watch(today=today)
        if quiet:
            return
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at http://127.0.0.1:8000/accounts/login/")
        )
        self.stdout.write(f"Every demo login uses the password: {password}\n")
        width = max(len(login.email) for login in people.LOGINS)
        for login in people.LOGINS:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.description}")
