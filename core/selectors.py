"""Reads for the plumbing: one scoped queryset per model, and a get-or-404 built on it."""

from django.shortcuts import get_object_or_404

from .models import AuditEvent, Document, Notification


def documents_for_user(user):
    """Documents a person may see in their organisation's library: their own organisation's, not removed."""
    if not user.is_authenticated or not user.organisation_id:
        return Document.objects.none()
    return Document.objects.filter(
        organisation_id=user.organisation_id, removed_at__isnull=True
    ).select_related("uploaded_by")


def get_document_for_user_or_404(user, uuid) -> Document:
    return get_object_or_404(documents_for_user(user), uuid=uuid)


def notifications_for_user(user):
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def get_notification_for_user_or_404(user, pk) -> Notification:
    return get_object_or_404(notifications_for_user(user), pk=pk)


def unread_notification_count(user) -> int:
    return notifications_for_user(user).filter(read_at__isnull=True).count()


def audit_events_filtered(*, action: str = "", query: str = ""):
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if query:
        events = events.filter(actor_label__icontains=query) | events.filter(target_label__icontains=query)
    return events
