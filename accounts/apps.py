from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _refresh_support_group(sender, using="default", **kwargs) -> None:
    """After each migrate, an existing support group follows SUPPORT_PERMISSIONS as this release has it.

    Django sends post_migrate once per app, and auth makes each app's permissions in its turn: this
    waits for the last app's, so every permission exists by then.
    """
    if sender is not list(apps.get_app_configs())[-1]:
        return
    from django.contrib.auth.models import Group

    from .services import SUPPORT_GROUP, support_group

    if Group.objects.using(using).filter(name=SUPPORT_GROUP).exists():
        support_group()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organisations and people"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_session_fresh

        post_migrate.connect(_refresh_support_group, dispatch_uid="accounts.refresh_support_group")
        user_logged_in.connect(mark_session_fresh, dispatch_uid="accounts.mark_session_fresh")
