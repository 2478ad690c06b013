from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = "Audit, documents and notifications"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (records sign-ins and lockouts in the audit log)


class SupportAdminConfig(admin_apps.AdminConfig):
    """Django's admin as the support admin: staff admins only, signed in through the service."""

    default = False
    default_site = "core.admin_site.SupportAdminSite"
