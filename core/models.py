"""Plumbing shared by every stage of the cycle: the audit log, private documents and notifications.

Nothing here imports a domain app. Documents belong to an organisation through a lazy reference to
accounts.Organisation, the first app of the cycle.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class AuditAction(models.TextChoices):
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"
    LOGOUT = "logout", "Signed out"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    TRANSITION = "transition", "Status changed"
    DOWNLOAD = "download", "Downloaded"
    OPEN_SEALED = "open_sealed", "Opened while sealed"
    ADMIN_CHANGE = "admin_change", "Changed in the support admin"
    EXPORT = "export", "Exported"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("Audit events cannot be changed.")

    def delete(self):
        raise ValidationError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One thing somebody did: who, when, what, to which object, from where.

    Append-only. Each event carries the hash of the one before it, so a changed or removed row breaks
    the chain and `manage.py verify_audit` finds it. On PostgreSQL a trigger also refuses UPDATE and DELETE.
    """

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    # Kept as plain values, not foreign keys: the log outlives the rows it speaks of.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=254, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["target_type", "target_id", "-sequence"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_action_display()} {self.target_label}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """The single row that serialises writers of the hash chain: locked while an event is appended."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"Audit chain at #{self.sequence}"


def document_upload_to(instance: "Document", filename: str) -> str:
    # The stored name is a random id plus the detected extension: nothing the user typed reaches the disk.
    return f"documents/{instance.uploaded_at:%Y/%m}/{instance.uuid}.{instance.extension}"


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Document(models.Model):
    """A private file owned by an organisation: stored outside the web root, served by a checked view."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_upload_to, storage=private_storage, max_length=255)
    original_name = models.CharField(max_length=255)
    safe_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploaded_documents"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # A sealed document (a file in a bid for a tender) is readable only by its own organisation until
    # this time, and is never listed in the support admin: after the time only the buying authority may
    # read it, through the tender's own pages once it has opened the bids. Empty for every other document.
    sealed_until = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-uploaded_at"], name="document_org_idx")]

    def __str__(self) -> str:
        return self.title

    def sealed(self, now=None) -> bool:
        """Still sealed by the server's clock."""
        return self.sealed_until is not None and (now or timezone.now()) < self.sealed_until


class Notification(models.Model):
    """A message to one person: listed in the service and emailed once.

    `key` is unique on (kind, object, recipient, due date), so a reminder asked for twice exists once.
    """

    key = models.CharField(max_length=255, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject
