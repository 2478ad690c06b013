import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contracts.services.checks import annual_checks_daily


class Command(BaseCommand):
    help = (
        "Make the annual provider checks whose purchasing system's check date has come, send the 30, 14 "
        "and 7-day reminders, and mark overdue checks (suspending the provider's places). Safe to rerun."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, help="Make the checks of this year (YYYY); default: this year"
        )
        parser.add_argument("--date", help="The date to act as today (YYYY-MM-DD); default: today")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("--date must be a date in the form YYYY-MM-DD") from error
        year = options.get("year")
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError("--year must be a year in the form YYYY")
        counts = annual_checks_daily(today=today, year=year)
        self.stdout.write(
            f"Annual checks on {today.isoformat()}: {counts['created']} created, {counts['existing']} "
            f"already existing, {counts['requests_sent']} requests sent, {counts['reminders_sent']} "
            f"reminders sent, {counts['overdue']} overdue."
        )
