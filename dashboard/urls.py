from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    # The evidence chain: from a contract or placement back to the gap, and from a gap forward.
    path("evidence/contracts/<int:pk>/", views.contract_evidence, name="contract_evidence"),
    path("evidence/placements/<int:pk>/", views.ipa_evidence, name="ipa_evidence"),
    path("evidence/gaps/<str:age_band>/<str:need>/", views.gap_evidence, name="gap_evidence"),
    # What Review has learnt, read from the needs side.
    path("review/lessons/", views.review_lessons, name="review_lessons"),
]
