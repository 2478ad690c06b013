from django.core.management.base import BaseCommand

from procurement.services.tenders import tender_close_due


class Command(BaseCommand):
    help = "Close every published tender whose submission deadline has passed. Safe to run again."

    def handle(self, *args, **options):
        closed = tender_close_due()
        self.stdout.write(f"Tenders closed: {closed}.")
