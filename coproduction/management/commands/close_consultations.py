import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coproduction.services import consultation_close_due


class Command(BaseCommand):
    help = "Open consultations whose opening date has come and close those whose closing date has come."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The date to act as today (YYYY-MM-DD); default: today")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options.get("today"):
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today must be a date in the form YYYY-MM-DD") from error
        counts = consultation_close_due(today=today)
        self.stdout.write(
            f"Consultations on {today.isoformat()}: {counts['opened']} opened, {counts['closed']} closed."
        )
