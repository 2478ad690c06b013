"""Pages: contracts, their KPIs, capacity, risk, review decision, performance returns and meetings."""

from django.urls import path

from ..views import contracts as views
from ..views import returns

urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("download.<str:fmt>", views.contract_list_export, name="contract_list_export"),
    path("new/", views.contract_create, name="contract_create"),
    path("new/award/", views.contract_create_award, name="contract_create_award"),
    path("new/fps/", views.contract_create_fps, name="contract_create_fps"),
    path("new/spot/", views.contract_create_spot, name="contract_create_spot"),
    path("<int:pk>/", views.contract_detail, name="contract_detail"),
    path("<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("<int:pk>/kpis/add/", views.kpi_add, name="kpi_add"),
    path("<int:pk>/kpis/<int:kpi_pk>/", views.kpi_edit, name="kpi_edit"),
    path("<int:pk>/kpis/<int:kpi_pk>/remove/", views.kpi_remove, name="kpi_remove"),
    path("<int:pk>/capacity/add/", views.capacity_add, name="capacity_add"),
    path("<int:pk>/capacity/<int:row_pk>/remove/", views.capacity_remove, name="capacity_remove"),
    path("<int:pk>/risk/", views.risk_assess, name="risk_assess"),
    path("<int:pk>/review/", views.review_decide, name="review_decide"),
    path("<int:pk>/returns/new/", returns.return_submit, name="return_submit"),
    path("<int:pk>/meetings/new/", returns.meeting_add, name="meeting_add"),
    path("returns/<int:pk>/", returns.return_detail, name="return_detail"),
    path("returns/<int:pk>/review/", returns.return_review, name="return_review"),
    path("returns/<int:pk>/resubmit/", returns.return_resubmit, name="return_resubmit"),
    path("actions/<int:pk>/done/", returns.meeting_action_done, name="meeting_action_done"),
]
