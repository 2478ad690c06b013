from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.subject_access import subject_data_export


class Command(BaseCommand):
    help = (
        "Write everything the service holds about one person (a subject access request) as JSON, to "
        "standard output or a file. The export is recorded in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's email address")
        parser.add_argument("--output", help="Write to this file instead of standard output")

    def handle(self, *args, email: str, output: str | None = None, **options):
        person = User.objects.filter(email__iexact=email.strip()).first()
        if person is None:
            raise CommandError(f"Nobody with the email address {email} has an account.")
        content = subject_data_export(person=person, actor_label="manage.py export_subject_data")
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(self.style.SUCCESS(f"Wrote everything held about {person.email} to {output}."))
        else:
            self.stdout.write(content.decode())
