import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from contracts.services.watches import expiry_watch


class Command(BaseCommand):
    help = (
        "Remind providers' users of insurances expiring and policies due for review within 60 and within "
        "30 days. Each reminder is sent once: safe to run as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="Run as of this day (YYYY-MM-DD); default today"
        )

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        sent = expiry_watch(today=today)
        self.stdout.write(self.style.SUCCESS(f"Expiry watch for {today:%-d %B %Y}: {sent} reminder(s) sent."))
