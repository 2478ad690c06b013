from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Review: contracts, quality assurance and decommissioning"

    def ready(self):
        # The open contracting export is procurement's; this stage adds its contracts to each release.
        from .ocds import register

        register()
