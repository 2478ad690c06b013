"""Pages for purchasing systems, referrals and Individual Placement Agreements."""

from django.urls import path

from ..views import fps as views
from ..views import referrals

urlpatterns = [
    path("fps/", views.system_list, name="fps_system_list"),
    path("fps/new/", views.system_create, name="fps_system_create"),
    path("fps/<int:pk>/", views.system_detail, name="fps_system_detail"),
    path("fps/<int:pk>/members/add/", views.member_add, name="fps_member_add"),
    path("fps/<int:pk>/members/<int:authority_pk>/remove/", views.member_remove, name="fps_member_remove"),
    path("fps/<int:pk>/lots/add/", views.lot_add, name="fps_lot_add"),
    path("fps/<int:pk>/admit/", views.membership_admit, name="fps_membership_admit"),
    path("fps/<int:pk>/rounds/<int:tender_pk>/admit/", views.admit_from_round, name="fps_admit_from_round"),
    path("fps/<int:pk>/list/", views.electronic_list, name="fps_list"),
    path("fps/<int:pk>/list/download.<str:fmt>", views.electronic_list_export, name="fps_list_export"),
    path("fps/places/", views.my_memberships, name="fps_my_memberships"),
    path("fps/places/<int:pk>/", views.membership_detail, name="fps_membership_detail"),
    path("fps/places/<int:pk>/accept/", views.membership_accept, name="fps_membership_accept"),
    path("fps/places/<int:pk>/offer/", views.membership_offer, name="fps_membership_offer"),
    path("fps/places/<int:pk>/suspend/", views.membership_suspend, name="fps_membership_suspend"),
    path("fps/places/<int:pk>/reinstate/", views.membership_reinstate, name="fps_membership_reinstate"),
    path("fps/places/<int:pk>/remove/", views.membership_remove, name="fps_membership_remove"),
    path("fps/referrals/", referrals.referral_list, name="fps_referral_list"),
    path("fps/referrals/new/", referrals.referral_create, name="fps_referral_create"),
    path("fps/referrals/<int:pk>/", referrals.referral_detail, name="fps_referral_detail"),
    path("fps/referrals/<int:pk>/send/", referrals.referral_send, name="fps_referral_send"),
    path(
        "fps/referrals/<int:pk>/select/<int:response_pk>/",
        referrals.referral_select,
        name="fps_referral_select",
    ),
    path(
        "fps/referrals/<int:pk>/direct-award/",
        referrals.referral_direct_award,
        name="fps_referral_direct_award",
    ),
    path("fps/referrals/<int:pk>/cancel/", referrals.referral_cancel, name="fps_referral_cancel"),
    path("fps/referrals/<int:pk>/agreement/", referrals.ipa_create, name="fps_ipa_create"),
    path("fps/received/", referrals.received_list, name="fps_received_list"),
    path("fps/received/<int:pk>/", referrals.received_detail, name="fps_received_detail"),
    path("fps/agreements/", referrals.ipa_list, name="fps_ipa_list"),
    path("fps/agreements/<int:pk>/", referrals.ipa_detail, name="fps_ipa_detail"),
    path("fps/agreements/<int:pk>/pdf/", referrals.ipa_pdf, name="fps_ipa_pdf"),
]
