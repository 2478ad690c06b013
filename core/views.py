"""Pages for the plumbing: an organisation's documents, a person's notifications, the audit log, health."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .documents import document_remove, document_response, document_store
from .forms import ConfirmForm, DocumentUploadForm
from .health import broker_status, database_status
from .models import AuditAction
from .notifications import notification_mark_read, notifications_mark_all_read
from .permissions import requires
from .selectors import (
    audit_events_filtered,
    documents_for_user,
    get_document_for_user_or_404,
    get_notification_for_user_or_404,
    notifications_for_user,
)
from .uploads import UploadRejected

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@require_http_methods(["GET", "POST"])
@requires("core.view_documents")
def document_list(request):
    """The organisation's document library, with the upload form beside it."""
    form = DocumentUploadForm(max_bytes=settings.DOCUMENT_MAX_BYTES)
    if request.method == "POST":
        if not request.user.has_perm("core.upload_document"):
            raise PermissionDenied
        form = DocumentUploadForm(request.POST, request.FILES, max_bytes=settings.DOCUMENT_MAX_BYTES)
        if form.is_valid():
            try:
                document = document_store(
                    organisation=request.user.organisation,
                    uploaded_by=request.user,
                    uploaded_file=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                )
            except UploadRejected as rejected:
                form.add_error("file", rejected.message)
            else:
                messages.success(request, f"‘{document.title}’ has been uploaded.")
                return redirect("core:document_list")
    page = paginate(request, documents_for_user(request.user))
    status = 400 if form.errors else 200
    return render(request, "core/document_list.html", {"form": form, "page": page}, status=status)


@require_GET
@requires("core.view_documents")
def document_download(request, uuid):
    document = get_document_for_user_or_404(request.user, uuid)
    if not request.user.has_perm("core.download_document", document):
        raise Http404
    return document_response(document=document, user=request.user)


@require_http_methods(["GET", "POST"])
@requires("core.view_documents")
def document_remove_confirm(request, uuid):
    document = get_document_for_user_or_404(request.user, uuid)
    if not request.user.has_perm("core.remove_document", document):
        raise Http404
    form = ConfirmForm(request.POST if request.method == "POST" else None, submit_label="Remove document")
    if request.method == "POST" and form.is_valid():
        document_remove(document=document, removed_by=request.user)
        messages.success(request, f"‘{document.title}’ has been removed.")
        return redirect("core:document_list")
    return render(request, "core/document_remove.html", {"document": document, "form": form})


@require_GET
@requires("core.view_notifications")
def notification_list(request):
    page = paginate(request, notifications_for_user(request.user))
    return render(request, "core/notification_list.html", {"page": page})


@require_POST
@requires("core.view_notifications")
def notification_open(request, pk):
    """Mark one notification read and go to what it is about."""
    notification = get_notification_for_user_or_404(request.user, pk)
    notification_mark_read(notification=notification)
    return redirect(notification.url or "core:notification_list")


@require_POST
@requires("core.view_notifications")
def notification_read_all(request):
    count = notifications_mark_all_read(recipient=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("core:notification_list")


@require_GET
@requires("core.view_audit_log")
def audit_log(request):
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    query = request.GET.get("q", "").strip()[:100]
    page = paginate(request, audit_events_filtered(action=action, query=query), per_page=50)
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "actions": AuditAction.choices,
            "action": action,
            "q": query,
            "query_string": urlencode({"action": action, "q": query}),
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Public: 200 when the database and the broker answer, 503 when either does not."""
    database_ok, database = database_status()
    broker_ok, broker = broker_status()
    ok = database_ok and broker_ok
    body = {"status": "ok" if ok else "unavailable", "database": database, "broker": broker}
    return JsonResponse(body, status=200 if ok else 503)


@login_not_required
@require_GET
def accessibility_statement(request):
    """Public: the accessibility statement every public sector website must publish."""
    return render(request, "core/accessibility.html")
