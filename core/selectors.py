"""Reads for the plumbing: one scoped queryset per model, and a get-or-404 built on it."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import AuditEvent, Document, Notification


def documents_for_user(user, *, now=None):
    """Documents a person may see in their organisation's library: their own organisation's, not removed.

    A sealed document (a file in a tender bid) is readable by nobody outside its own organisation before
    its `sealed_until`; the library shows only the person's own organisation's documents in any case, and
    the condition below says so explicitly, so a later change to the scope cannot unseal a bid.
    """
    if not user.is_authenticated or not user.organisation_id:
        return Document.objects.none()
    now = now or timezone.now()
    unsealed_or_own = (
        Q(sealed_until__isnull=True) | Q(sealed_until__lte=now) | Q(organisation_id=user.organisation_id)
    )
    return (
        Document.objects.filter(organisation_id=user.organisation_id, removed_at__isnull=True)
        .filter(unsealed_or_own)
        .select_related("uploaded_by")
    )


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
