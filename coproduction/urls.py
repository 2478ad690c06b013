from django.urls import path

from . import views

app_name = "coproduction"

urlpatterns = [
    path("", views.consultation_list, name="consultation_list"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("<int:pk>/comment/<slug:section>/", views.comment_add, name="comment_add"),
    path("<int:pk>/comments/<int:comment_pk>/respond/", views.response_add, name="response_add"),
    path("<int:pk>/close/", views.consultation_close, name="consultation_close"),
    path("<int:pk>/complete/", views.consultation_complete, name="consultation_complete"),
    path("<int:pk>/you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("<int:pk>/you-said-we-did.pdf", views.YouSaidWeDidPdf.as_view(), name="you_said_we_did_pdf"),
]
