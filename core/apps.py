from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Audit, documents and notifications"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (records sign-ins and lockouts in the audit log)
