from django.urls import path

from ..views import compliance as views

urlpatterns = [
    path("compliance-pack/", views.own_pack, name="own_pack"),
    path("compliance-pack/insurances/add/", views.insurance_add_view, name="insurance_add"),
    path("providers/", views.pack_list, name="pack_list"),
    path("providers/<int:pk>/", views.pack_detail, name="pack_detail"),
]
