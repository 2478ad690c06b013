import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from contracts.services.watches import contract_watch


class Command(BaseCommand):
    help = (
        "Tell each authority's commissioners that a review decision (extend, re-commission or decommission) "
        "is due on live contracts whose notice point is within 30 days or has passed. Each reminder is sent "
        "once: safe to run as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="Run as of this day (YYYY-MM-DD); default today"
        )

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        sent = contract_watch(today=today)
        self.stdout.write(
            self.style.SUCCESS(f"Contract watch for {today:%-d %B %Y}: {sent} reminder(s) sent.")
        )
