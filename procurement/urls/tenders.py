"""Pages for tenders, clarifications and sealed bids."""

from django.urls import path

from ..views import submissions as bids
from ..views import tenders as views

urlpatterns = [
    path("tenders/", views.tender_list, name="tender_list"),
    path("tenders/new/", views.tender_create, name="tender_create"),
    path("tenders/<int:pk>/", views.tender_detail, name="tender_detail"),
    path("tenders/<int:pk>/details/", views.tender_edit, name="tender_edit"),
    path("tenders/<int:pk>/timetable/", views.tender_timetable, name="tender_timetable"),
    path("tenders/<int:pk>/conflicts/", views.tender_conflicts, name="tender_conflicts"),
    path("tenders/<int:pk>/lots/add/", views.lot_add, name="tender_lot_add"),
    path("tenders/<int:pk>/criteria/add/", views.criterion_add, name="tender_criterion_add"),
    path(
        "tenders/<int:pk>/required-documents/add/",
        views.required_document_add,
        name="tender_required_document_add",
    ),
    path("tenders/<int:pk>/documents/add/", views.tender_document_add, name="tender_document_add"),
    path(
        "tenders/<int:pk>/<str:part>/<int:part_pk>/remove/",
        views.tender_part_remove,
        name="tender_part_remove",
    ),
    path(
        "tenders/<int:pk>/documents/<int:document_pk>/download/",
        views.tender_document_download,
        name="tender_document_download",
    ),
    path("tenders/<int:pk>/publish/", views.tender_publish, name="tender_publish"),
    path("tenders/<int:pk>/cancel/", views.tender_cancel, name="tender_cancel"),
    path("tenders/<int:pk>/open/", views.tender_open, name="tender_open"),
    path("tenders/<int:pk>/questions/ask/", views.clarification_ask, name="clarification_ask"),
    path("clarifications/<int:pk>/answer/", views.clarification_answer, name="clarification_answer"),
    path("tenders/<int:pk>/bid/", bids.bid_start, name="bid_start"),
    path("bids/", bids.bid_list, name="bid_list"),
    path("bids/<int:pk>/", bids.bid_detail, name="bid_detail"),
    path("bids/<int:pk>/answers/", bids.bid_edit, name="bid_edit"),
    path("bids/<int:pk>/documents/add/", bids.bid_document_add, name="bid_document_add"),
    path(
        "bids/<int:pk>/documents/<int:document_pk>/remove/",
        bids.bid_document_remove,
        name="bid_document_remove",
    ),
    path(
        "bids/<int:pk>/documents/<int:document_pk>/download/",
        bids.bid_document_download,
        name="bid_document_download",
    ),
    path("bids/<int:pk>/submit/", bids.bid_submit, name="bid_submit"),
    path("bids/<int:pk>/withdraw/", bids.bid_withdraw, name="bid_withdraw"),
    path("bids/<int:pk>/receipts/<int:number>/", bids.BidReceiptPdf.as_view(), name="bid_receipt"),
]
