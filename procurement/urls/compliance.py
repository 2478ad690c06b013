from django.urls import path

from ..views import compliance as views

urlpatterns = [
    path("compliance-pack/", views.own_pack, name="own_pack"),
    path("compliance-pack/insurances/add/", views.insurance_add_view, name="insurance_add"),
    path("compliance-pack/insurances/<int:pk>/change/", views.insurance_change_view, name="insurance_change"),
    path("compliance-pack/insurances/<int:pk>/remove/", views.insurance_remove_view, name="insurance_remove"),
    path(
        "compliance-pack/insurances/<int:pk>/certificate/",
        views.insurance_certificate,
        name="insurance_certificate",
    ),
    path("compliance-pack/settings/add/", views.setting_add_view, name="setting_add"),
    path("compliance-pack/settings/<int:pk>/change/", views.setting_change_view, name="setting_change"),
    path("compliance-pack/settings/<int:pk>/remove/", views.setting_remove_view, name="setting_remove"),
    path(
        "compliance-pack/settings/<int:pk>/registration-certificate/",
        views.setting_document,
        {"field": "registration_certificate"},
        name="setting_certificate",
    ),
    path(
        "compliance-pack/settings/<int:pk>/statement-of-purpose/",
        views.setting_document,
        {"field": "statement_of_purpose"},
        name="setting_statement",
    ),
    path("compliance-pack/policies/add/", views.policy_add_view, name="policy_add"),
    path("compliance-pack/policies/<int:pk>/change/", views.policy_change_view, name="policy_change"),
    path("compliance-pack/policies/<int:pk>/remove/", views.policy_remove_view, name="policy_remove"),
    path("compliance-pack/policies/<int:pk>/document/", views.policy_document, name="policy_document"),
    path("providers/", views.pack_list, name="pack_list"),
    path("providers/<int:pk>/", views.pack_detail, name="pack_detail"),
    path(
        "providers/<int:pk>/financial-checks/",
        views.financial_check_record_view,
        name="financial_check_record",
    ),
]
