"""Pages: the lead authority's annual provider checks, and a provider's own checks."""

from django.urls import path

from ..views import checks as views

urlpatterns = [
    path("annual-checks/", views.check_list, name="check_list"),
    path("annual-checks/download.csv", views.check_list_export, name="check_list_export"),
    path("annual-checks/<int:pk>/", views.check_detail, name="check_detail"),
    path("annual-checks/<int:pk>/verify/", views.check_verify, name="check_verify"),
    path("annual-checks/<int:pk>/fail/", views.check_fail, name="check_fail"),
    path("annual-checks/evidence/<int:pk>/", views.evidence_download, name="check_evidence_download"),
    path("annual-checks/yours/", views.my_check_list, name="my_check_list"),
    path("annual-checks/yours/<int:pk>/", views.my_check_detail, name="my_check_detail"),
    path("annual-checks/yours/<int:pk>/evidence/", views.my_check_submit, name="my_check_submit"),
]
