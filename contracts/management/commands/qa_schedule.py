import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from contracts.services.watches import qa_schedule


class Command(BaseCommand):
    help = (
        "Schedule the next quality assurance visits by risk rating, then remind commissioners of visits due "
        "within 30 days and commissioners and providers of overdue improvement actions. Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="Run as of this day (YYYY-MM-DD); default today"
        )

    def handle(self, *args, **options):
        today = options["date"] or timezone.localdate()
        result = qa_schedule(today=today)
        self.stdout.write(
            self.style.SUCCESS(
                f"QA schedule for {today:%-d %B %Y}: {result.visits_scheduled} visit(s) scheduled, "
                f"{result.notifications} reminder(s) sent."
            )
        )
