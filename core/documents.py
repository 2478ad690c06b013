"""Storing private documents and serving them to the people allowed to read them."""

import unicodedata

from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone

from .audit import audit_record
from .models import AuditAction, Document
from .uploads import check_upload


def document_store(
    *, organisation, uploaded_by, uploaded_file, title: str, allowed=None, sealed_until=None
) -> Document:
    """Check an upload (size, type by content, virus scan) and store it privately for `organisation`.

    `sealed_until` seals it (a file in a tender bid): only `organisation` may read it before then, and
    the support admin never lists it. Raises UploadRejected with a message for the user; nothing is
    stored then.
    """
    checked = check_upload(uploaded_file, allowed=allowed)
    document = Document(
        organisation=organisation,
        title=title.strip() or checked.safe_name,
        original_name=_printable(uploaded_file.name)[:255],
        safe_name=checked.safe_name,
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=uploaded_by,
        sealed_until=sealed_until,
    )
    uploaded_file.seek(0)
    with transaction.atomic():
        document.file.save(document.safe_name, uploaded_file, save=False)
        try:
            document.save()
            audit_record(
                action=AuditAction.CREATE,
                actor=uploaded_by,
                target=document,
                detail={"sha256": checked.sha256, "size": checked.size, "type": checked.content_type},
            )
        except Exception:
            document.file.delete(save=False)
            raise
    return document


def _printable(name: str) -> str:
    """The name as given, less control characters (a NUL cannot be stored in PostgreSQL's text)."""
    return "".join(char for char in name or "" if unicodedata.category(char) != "Cc")


def document_remove(*, document: Document, removed_by) -> Document:
    """Take a document out of the organisation's list. The file and its history are kept for audit."""
    with transaction.atomic():
        updated = Document.objects.filter(pk=document.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=removed_by
        )
        if updated:
            document.refresh_from_db()
            audit_record(action=AuditAction.DELETE, actor=removed_by, target=document)
    return document


def document_response(*, document: Document, user) -> FileResponse:
    """Serve a document the caller has already checked `user` may read: as a download, never inline."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    audit_record(action=AuditAction.DOWNLOAD, actor=user, target=document)
    response = FileResponse(
        handle, as_attachment=True, filename=document.safe_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
