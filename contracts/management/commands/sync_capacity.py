import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from contracts.services.capacity import capacity_sync, capacity_sync_all


class Command(BaseCommand):
    help = (
        "Rewrite commissioned capacity with basis 'contracted' from live contracts and placement "
        "agreements, for the current academic year and the five after it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--authority", help="One authority's slug; default: every authority")
        parser.add_argument("--today", help="The date to act as today (YYYY-MM-DD); default: today")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options.get("today"):
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today must be a date in the form YYYY-MM-DD") from error
        if options.get("authority"):
            authority = Organisation.objects.filter(
                slug=options["authority"], kind=OrganisationKind.LOCAL_AUTHORITY
            ).first()
            if authority is None:
                raise CommandError(f"No local authority with the slug {options['authority']!r}")
            rows = capacity_sync(organisation=authority, today=today)
            counts = {"authorities": 1, "rows": rows}
        else:
            counts = capacity_sync_all(today=today)
        self.stdout.write(
            f"Contracted capacity on {today.isoformat()}: {counts['rows']} rows written for "
            f"{counts['authorities']} authorit{'y' if counts['authorities'] == 1 else 'ies'}."
        )
