from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("documents/", views.document_list, name="document_list"),
    path("documents/<uuid:uuid>/download/", views.document_download, name="document_download"),
    path("documents/<uuid:uuid>/remove/", views.document_remove_confirm, name="document_remove"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("audit/", views.audit_log, name="audit_log"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
]
