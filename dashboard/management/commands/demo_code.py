"""Print the current two-factor code of a demo login (local demo only: refuses unless DEBUG is on)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.two_factor import next_unused_code, two_factor_device


class Command(BaseCommand):
    help = "Print the current 6-digit two-factor code of a demo login. Only with DEBUG on (make run)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the demo login's email address")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code works only on the local demo (DEBUG on): it would reveal a code.")
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No login has the email address {email}.")
        device = two_factor_device(user)
        if device is None:
            raise CommandError(f"{user.email} has no authenticator app set up.")
        self.stdout.write(next_unused_code(device))
