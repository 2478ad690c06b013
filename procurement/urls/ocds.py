"""The OCDS download page."""

from django.urls import path

from ..views import ocds as views

urlpatterns = [
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/download/", views.open_data_download, name="open_data_download"),
]
