"""Pages for evaluation: a tender's panel, declarations, scoring, moderation, compliance checks, scores,
the award's steps, and the award letters."""

from django.urls import path

from ..views import evaluation as views

urlpatterns = [
    path("evaluation/", views.evaluation_list, name="evaluation_list"),
    path("evaluation/<int:pk>/", views.evaluation_tender, name="evaluation_tender"),
    path("evaluation/<int:pk>/panel/", views.panel, name="evaluation_panel"),
    path("evaluation/<int:pk>/panel/moderator/", views.panel_moderator, name="evaluation_panel_moderator"),
    path(
        "evaluation/<int:pk>/panel/<int:member_pk>/remove/",
        views.panel_remove,
        name="evaluation_panel_remove",
    ),
    path("evaluation/<int:pk>/declaration/", views.declaration, name="evaluation_declaration"),
    path("evaluation/<int:pk>/bids/<int:bid_pk>/", views.bid_detail, name="evaluation_bid"),
    path(
        "evaluation/<int:pk>/bids/<int:bid_pk>/documents/<int:document_pk>/",
        views.bid_document,
        name="evaluation_bid_document",
    ),
    path("evaluation/<int:pk>/bids/<int:bid_pk>/moderate/", views.bid_moderate, name="evaluation_moderate"),
    path(
        "evaluation/<int:pk>/bids/<int:bid_pk>/compliance/",
        views.bid_compliance,
        name="evaluation_compliance",
    ),
    path("evaluation/<int:pk>/scores/", views.scores, name="evaluation_scores"),
    path("evaluation/<int:pk>/recommend/", views.recommend, name="evaluation_recommend"),
    path("evaluation/<int:pk>/withdraw/", views.withdraw, name="evaluation_withdraw"),
    path("evaluation/<int:pk>/standstill/", views.standstill, name="evaluation_standstill"),
    path("evaluation/<int:pk>/award/", views.award, name="evaluation_award"),
    path("award-letters/<int:bid_pk>/", views.award_letter, name="award_letter"),
    path("my-letters/", views.my_outcomes, name="my_outcomes"),
]
