"""Pages for quality assurance visits, their reports and improvement plans."""

from django.urls import path

from ..views import quality as views

urlpatterns = [
    path("<int:pk>/qa/", views.qa_contract, name="qa_contract"),
    path("<int:pk>/qa/visits/add/", views.qa_visit_add, name="qa_visit_add"),
    path("<int:pk>/qa/improvement-plans/new/", views.qa_plan_create, name="qa_plan_create"),
    path("qa/visits/", views.qa_visit_list, name="qa_visit_list"),
    path("qa/visits/download.csv", views.qa_visit_list_export, name="qa_visit_list_export"),
    path("qa/visits/<int:pk>/", views.qa_visit_detail, name="qa_visit_detail"),
    path("qa/visits/<int:pk>/arrange/", views.qa_visit_arrange, name="qa_visit_arrange"),
    path("qa/visits/<int:pk>/cancel/", views.qa_visit_cancel, name="qa_visit_cancel"),
    path("qa/visits/<int:pk>/record/", views.qa_visit_record, name="qa_visit_record"),
    path("qa/visits/<int:pk>/issue/", views.qa_visit_complete, name="qa_visit_complete"),
    path("qa/visits/<int:pk>/report.pdf", views.qa_visit_pdf, name="qa_visit_pdf"),
    path(
        "qa/visits/<int:pk>/improvement-plan/new/",
        views.qa_plan_create_for_visit,
        name="qa_plan_create_for_visit",
    ),
    path("qa/improvement-plans/<int:pk>/", views.qa_plan_detail, name="qa_plan_detail"),
    path("qa/improvement-plans/<int:pk>/actions/add/", views.qa_action_add, name="qa_action_add"),
    path("qa/actions/overdue/", views.qa_overdue_actions, name="qa_overdue_actions"),
    path("qa/actions/<int:pk>/", views.qa_action_detail, name="qa_action_detail"),
    path("qa/actions/<int:pk>/update/", views.qa_action_update, name="qa_action_update"),
    path("qa/actions/<int:pk>/verify/", views.qa_action_verify, name="qa_action_verify"),
    path("qa/actions/<int:pk>/return/", views.qa_action_return, name="qa_action_return"),
    path("qa/evidence/<int:pk>/", views.qa_evidence_download, name="qa_evidence_download"),
]
