from django.core.management.base import BaseCommand

from procurement.services.awards import tender_award_due


class Command(BaseCommand):
    help = (
        "Tell each authority's commissioners, once, that a tender's standstill period has ended and it can "
        "be awarded. Awards nothing itself; safe to run as often as you like."
    )

    def handle(self, *args, **options):
        due = tender_award_due()
        for tender in due:
            self.stdout.write(f"{tender.reference}: standstill ended on {tender.standstill_end_on:%-d %B %Y}")
        self.stdout.write(self.style.SUCCESS(f"{len(due)} tender(s) past standstill, awaiting award."))
