from django.urls import path

from . import views

app_name = "procurement"

urlpatterns = [
    path("compliance-pack/", views.own_pack, name="own_pack"),
    path("providers/", views.pack_list, name="pack_list"),
    path("providers/<int:pk>/", views.pack_detail, name="pack_detail"),
]
