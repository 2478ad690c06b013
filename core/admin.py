"""The support admin: every change recorded in the audit log; the log itself read-only."""

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION

from .audit import audit_record
from .models import AuditAction, AuditEvent, Document, Notification
from .selectors import BIDDER_NOTIFICATION_KINDS, audit_events_without_sealed

ADMIN_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


class AuditedAdminMixin:
    """Writes an audit event for every add, change and delete made through the admin."""

    def _audit(self, request, obj, flag: int, message="") -> None:
        audit_record(
            action=AuditAction.ADMIN_CHANGE,
            actor=request.user,
            target=obj,
            detail={"admin": ADMIN_ACTIONS[flag], "message": str(message)[:1000]},
        )

    def log_addition(self, request, obj, message):
        self._audit(request, obj, ADDITION, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, CHANGE, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, DELETION)
        return super().log_deletions(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Visible to support staff, changeable by nobody."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "sequence",
        "occurred_at",
        "actor_label",
        "action",
        "target_type",
        "target_label",
        "ip_address",
    ]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "target_label", "target_id"]
    date_hierarchy = "occurred_at"

    def get_queryset(self, request):
        """Not the events about sealed bids (a bid, or a file in one): who bid for what is for the buying
        authority alone. The events stay in the log and its hash chain; `verify_audit` checks them all."""
        return audit_events_without_sealed(super().get_queryset(request))


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Metadata only: files are downloaded through the service's checked view, never from the admin."""

    list_display = ["title", "organisation", "safe_name", "size", "uploaded_by", "uploaded_at", "removed_at"]
    # Only organisations with a document listed here: a filter naming every organisation would do no
    # harm, but one built from all documents could name a bidder.
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter)]
    exclude = ["file"]
    search_fields = ["title", "safe_name", "sha256"]

    def get_queryset(self, request):
        """Never a sealed document (a file in a tender bid): not in the list, a search, a count or a change
        page, before the deadline or after it. Who bid, and with what, is for the buying authority alone."""
        return super().get_queryset(request).filter(sealed_until__isnull=True)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "recipient__email"]

    def get_queryset(self, request):
        """Not the notifications a provider gets because it is bidding: their recipients name the bidders."""
        return super().get_queryset(request).exclude(kind__in=BIDDER_NOTIFICATION_KINDS)
