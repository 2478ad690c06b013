"""Reads for the plumbing: one scoped queryset per model, and a get-or-404 built on it."""

from django.db.models import CharField, Q
from django.db.models.functions import Cast
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


# Sealed bids stay out of the support staff's view (see procurement's tenders): audit events about a bid
# or a file in one, and the notifications a provider gets because it is bidding (by kind), would say who
# bid. The events stay in the log and its hash chain; `verify_audit` checks them all.
SEALED_TARGET_TYPES = ("procurement.submission",)
BIDDER_NOTIFICATION_KINDS = ("clarification_published", "tender_cancelled")


def audit_events_without_sealed(events):
    """`events` less those about sealed bids: who bid for what is for the buying authority alone."""
    sealed_documents = (
        Document.objects.filter(sealed_until__isnull=False)
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    return events.exclude(target_type__in=SEALED_TARGET_TYPES).exclude(
        target_type="core.document", target_id__in=sealed_documents
    )


def audit_events_filtered(*, action: str = "", query: str = ""):
    """The audit log page's events (support staff): never those about sealed bids."""
    events = audit_events_without_sealed(AuditEvent.objects.all())
    if action:
        events = events.filter(action=action)
    if query:
        events = events.filter(actor_label__icontains=query) | events.filter(target_label__icontains=query)
    return events
