"""Pages: decommissioning a contract."""

from django.urls import path

from ..views import decommissioning as views

urlpatterns = [
    path("decommissioning/", views.decommissioning_list, name="decommissioning_list"),
    path("<int:contract_pk>/decommission/", views.decommissioning_start, name="decommissioning_start"),
    path("decommissioning/<int:pk>/", views.decommissioning_detail, name="decommissioning_detail"),
    path("decommissioning/<int:pk>/approve/", views.decommissioning_approve, name="decommissioning_approve"),
    path("decommissioning/<int:pk>/notice/", views.decommissioning_notice, name="decommissioning_notice"),
    path("decommissioning/<int:pk>/exit-plan/add/", views.exit_row_add, name="decommissioning_row_add"),
    path(
        "decommissioning/<int:pk>/exit-plan/<int:row_pk>/",
        views.exit_row_edit,
        name="decommissioning_row_edit",
    ),
    path(
        "decommissioning/<int:pk>/exit-plan/<int:row_pk>/remove/",
        views.exit_row_remove,
        name="decommissioning_row_remove",
    ),
    path(
        "decommissioning/<int:pk>/communications/add/",
        views.communication_add,
        name="decommissioning_communication_add",
    ),
    path(
        "decommissioning/<int:pk>/complete/", views.decommissioning_complete, name="decommissioning_complete"
    ),
    path("decommissioning/<int:pk>/cancel/", views.decommissioning_cancel, name="decommissioning_cancel"),
]
