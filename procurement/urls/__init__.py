"""Procurement's pages, one module per sub-domain."""

from . import compliance, evaluation, fps, ocds, tenders

app_name = "procurement"

urlpatterns = [
    *compliance.urlpatterns,
    *tenders.urlpatterns,
    *evaluation.urlpatterns,
    *fps.urlpatterns,
    *ocds.urlpatterns,
]
