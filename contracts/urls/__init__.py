"""Review's pages, one module per sub-domain."""

from . import checks, contracts, decommissioning, quality, watches

app_name = "contracts"

urlpatterns = [
    *contracts.urlpatterns,
    *quality.urlpatterns,
    *decommissioning.urlpatterns,
    *checks.urlpatterns,
    *watches.urlpatterns,
]
