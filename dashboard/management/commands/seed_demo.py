from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from dashboard.demo import people


class Command(BaseCommand):
    help = "Create (or leave as they are) the demo organisations, logins and data for every stage."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet: bool = False, **options):
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            people.seed(password=password)
        if quiet:
            return
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at http://127.0.0.1:8000/accounts/login/")
        )
        self.stdout.write(f"Every demo login uses the password: {password}\n")
        width = max(len(login.email) for login in people.LOGINS)
        for login in people.LOGINS:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.description}")
