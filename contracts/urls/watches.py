"""Pages: the daily watches' list for commissioners."""

from django.urls import path

from ..views import watches as views

urlpatterns = [
    path("expiring-documents/", views.expiring_documents, name="expiring_documents"),
]
