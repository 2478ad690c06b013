from django.core.management.base import BaseCommand

from core.retention import retention_apply, retention_due


class Command(BaseCommand):
    help = (
        "Delete or anonymise personal data past its retention period (periods in settings.RETENTION). "
        "Safe to run again: a second run finds nothing due. Each kind changed is recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what is due, per kind; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        results = retention_due() if dry_run else retention_apply()
        verb = "due" if dry_run else "done"
        for result in results:
            rule = result.rule
            line = f"{rule.label}: {result.count} {verb} ({rule.policy}, after {rule.days()} days)"
            self.stdout.write(line)
        total = sum(result.count for result in results)
        summary = (
            f"Dry run: {total} record(s) past their retention period; nothing changed."
            if dry_run
            else f"Retention applied: {total} record(s) deleted or anonymised."
        )
        self.stdout.write(self.style.SUCCESS(summary))
