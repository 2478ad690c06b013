from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify
from core.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit log's hash chain from the first event; report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument(
            "--alert", action="store_true", help="Also notify support staff when it is broken."
        )

    def handle(self, *args, alert: bool = False, **options):
        broken = next(audit_verify(), None)
        if broken is not None:
            if alert:
                from core.audit import audit_verify_and_alert

                audit_verify_and_alert()
            raise CommandError(f"The audit log is broken at event #{broken.sequence}: {broken.reason}.")
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"The audit log is intact: {count} events, every link holds."))
