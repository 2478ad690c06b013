from django.urls import path

from .views import imports, planning, profile

app_name = "needs"

urlpatterns = [
    # The needs profile: trends, benchmarks, rates, locality, feedback (views/profile.py).
    path("", profile.profile, name="profile"),
    path("profile/download.<str:fmt>", profile.profile_download, name="profile_download"),
    path("profile/pdf/", profile.profile_pdf, name="profile_pdf"),
    # Importing data (views/imports.py).
    path("data/", imports.dataset_list, name="dataset_list"),
    path("data/upload/", imports.dataset_upload, name="dataset_upload"),
    path("data/upload/<str:token>/", imports.dataset_preview, name="dataset_preview"),
    path("data/<int:pk>/", imports.dataset_detail, name="dataset_detail"),
    path("data/local-template/", imports.local_template_guide, name="local_template_guide"),
    path("data/local-template.csv", imports.local_template_download, name="local_template_download"),
    # Planning inputs and outputs: capacity, projections, gaps, feedback (views/planning.py).
    path("capacity/", planning.capacity_list, name="capacity_list"),
    path("capacity/add/", planning.capacity_create, name="capacity_create"),
    path("capacity/<int:pk>/edit/", planning.capacity_edit, name="capacity_edit"),
    path("capacity/<int:pk>/delete/", planning.capacity_delete, name="capacity_delete"),
    path("projections/", planning.projection_list, name="projection_list"),
    path("projections/new/", planning.projection_create, name="projection_create"),
    path("projections/<int:pk>/", planning.projection_detail, name="projection_detail"),
    path("gaps/", planning.gap_list, name="gap_list"),
    path("gaps/<str:age_band>/<str:need>/", planning.gap_detail, name="gap_detail"),
    path("feedback/", planning.feedback_list, name="feedback_list"),
    path("feedback/add/", planning.feedback_create, name="feedback_create"),
    path("feedback/<int:pk>/edit/", planning.feedback_edit, name="feedback_edit"),
]
