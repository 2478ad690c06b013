from django.urls import path

from .views import business_cases, intentions, specifications

app_name = "commissioning"

urlpatterns = [
    # Commissioning intentions (views/intentions.py).
    path("intentions/", intentions.intention_list, name="intention_list"),
    path("intentions/new/", intentions.intention_create, name="intention_create"),
    path("intentions/<int:pk>/", intentions.intention_detail, name="intention_detail"),
    path("intentions/<int:pk>/edit/", intentions.intention_edit, name="intention_edit"),
    # Business cases and their approval (views/business_cases.py).
    path("business-cases/", business_cases.case_list, name="case_list"),
    path("business-cases/waiting/", business_cases.approval_queue, name="approval_queue"),
    path("business-cases/new/", business_cases.case_create, name="case_create"),
    path("business-cases/<int:pk>/", business_cases.case_detail, name="case_detail"),
    path("business-cases/<int:pk>/edit/", business_cases.case_edit, name="case_edit"),
    path("business-cases/<int:pk>/submit/", business_cases.case_submit, name="case_submit"),
    path("business-cases/<int:pk>/decide/", business_cases.case_decide, name="case_decide"),
    path("business-cases/<int:pk>/versions/<int:number>/", business_cases.case_version, name="case_version"),
    path("business-cases/<int:pk>/pdf/", business_cases.case_pdf, name="case_pdf"),
    # Service specifications and their versions (views/specifications.py).
    path("specifications/", specifications.spec_list, name="spec_list"),
    path("specifications/new/", specifications.spec_create, name="spec_create"),
    path("specifications/<int:pk>/", specifications.spec_detail, name="spec_detail"),
    path("specifications/<int:pk>/edit/", specifications.spec_edit, name="spec_edit"),
    path("specifications/<int:pk>/status/", specifications.spec_status, name="spec_status"),
    path("specifications/<int:pk>/versions/<int:number>/", specifications.spec_version, name="spec_version"),
    path("specifications/<int:pk>/versions/<int:number>/pdf/", specifications.spec_pdf, name="spec_pdf"),
    path("specifications/<int:pk>/compare/", specifications.spec_diff, name="spec_diff"),
]
