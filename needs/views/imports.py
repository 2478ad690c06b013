"""Importing needs data: upload, check, preview, confirm; then the dataset's progress and history."""

import secrets
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import storages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.permissions import requires
from core.uploads import UploadRejected, check_upload
from core.views import paginate

from ..forms.imports import ConfirmImportForm, DatasetUploadForm, SourceChoice
from ..importers import ImportRefused, parse_file
from ..importers.local_template import LOCAL_TEMPLATE_GUIDE, local_template_csv
from ..models import DatasetStatus
from ..selectors import datasets_for_user, get_dataset_for_user_or_404
from ..services.imports import DatasetAlreadyImported, dataset_prepare, file_checksum, parsed_summary
from ..tasks import import_dataset

SESSION_KEY = "needs_pending_imports"
MAX_PROBLEMS_SHOWN = 50


@require_GET
@requires("needs.view_analysis")
def dataset_list(request):
    page = paginate(request, datasets_for_user(request.user).select_related("organisation", "imported_by"))
    return render(
        request,
        "needs/imports/dataset_list.html",
        {"page": page, "can_import": request.user.has_perm("needs.import_data")},
    )


@require_http_methods(["GET", "POST"])
@requires("needs.import_data")
def dataset_upload(request):
    """Upload a file; it is checked (type, size, viruses), parsed and summarised before anything is stored."""
    max_bytes = settings.NEEDS_IMPORT_MAX_BYTES
    form = DatasetUploadForm(request.POST or None, request.FILES or None, max_bytes=max_bytes)
    problems, problem_count = [], 0
    if request.method == "POST" and form.is_valid():
        upload, meta = form.cleaned_data["file"], form.cleaned_data["meta_file"]
        source = form.cleaned_data["source"]
        try:
            checked = check_upload(upload, allowed={"csv", "xlsx"}, max_bytes=max_bytes)
            if meta is not None:
                check_upload(meta, allowed={"csv"}, max_bytes=10 * 1024 * 1024)
            parsed = parse_file(
                upload,
                file_name=checked.safe_name,
                source=None if source == SourceChoice.AUTO else source,
                meta_file=meta,
                max_bytes=max_bytes,
            )
        except UploadRejected as rejected:
            form.add_error("file", rejected.message)
        except ImportRefused as refused:
            problems = refused.problems
            problem_count = refused.total
            form.add_error("file", _refusal_summary(problem_count))
        else:
            token = _store_pending(request, upload, meta, checked, parsed)
            return redirect("needs:dataset_preview", token=token)
    status = 400 if form.errors else 200
    return render(
        request,
        "needs/imports/dataset_upload.html",
        {"form": form, "problems": problems[:MAX_PROBLEMS_SHOWN], "problem_count": problem_count},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@requires("needs.import_data")
def dataset_preview(request, token):
    """What the file holds before anything is imported: periods, areas, filters, indicators, markers."""
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if pending is None:
        raise Http404
    form = ConfirmImportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and "cancel" in request.POST:
        _discard_pending(request, token)
        messages.success(request, "The upload has been cancelled. Nothing was imported.")
        return redirect("needs:dataset_list")
    if request.method == "POST" and form.is_valid():
        try:
            dataset = dataset_prepare(
                summary=pending["summary"],
                file_name=pending["file_name"],
                checksum=pending["checksum"],
                organisation=request.user.organisation,
                imported_by=request.user,
                stored_name=pending["stored_name"],
            )
        except DatasetAlreadyImported as duplicate:
            _discard_pending(request, token)
            messages.error(request, str(duplicate))
            return redirect("needs:dataset_detail", pk=duplicate.existing.pk)
        _forget_pending(request, token)
        transaction.on_commit(lambda: import_dataset.delay(dataset.pk))
        return redirect("needs:dataset_detail", pk=dataset.pk)
    return render(
        request, "needs/imports/dataset_preview.html", {"pending": pending, "form": form, "token": token}
    )


@require_GET
@requires("needs.view_analysis")
def dataset_detail(request, pk):
    dataset = get_dataset_for_user_or_404(request.user, pk)
    if request.GET.get("format") == "json":
        return JsonResponse({"status": dataset.status, "progress": dataset.progress})
    return render(
        request,
        "needs/imports/dataset_detail.html",
        {
            "dataset": dataset,
            "importing": dataset.status == DatasetStatus.IMPORTING,
            "notes": [line for line in dataset.notes.splitlines() if line.strip()],
            "problems": [line for line in dataset.error.splitlines() if line.strip()][:MAX_PROBLEMS_SHOWN],
        },
    )


@require_GET
@requires("needs.view_analysis")
def local_template_guide(request):
    return render(
        request,
        "needs/imports/local_template_guide.html",
        {"columns": LOCAL_TEMPLATE_GUIDE.items(), "can_import": request.user.has_perm("needs.import_data")},
    )


@require_GET
@requires("needs.view_analysis")
def local_template_download(request):
    response = HttpResponse(local_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="local-needs-data-template.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _refusal_summary(count: int) -> str:
    noun = "problem" if count == 1 else "problems"
    return f"The file has {count} {noun} to fix before it can be imported. Nothing has been imported."


def _store_pending(request, upload, meta, checked, parsed) -> str:
    """Keep the checked file privately until the person confirms (or cancels) the import."""
    storage = storages["private"]
    stored_name = storage.save(f"imports/{uuid.uuid4()}.{checked.extension}", upload)
    if meta is not None:
        meta.seek(0)
        storage.save(f"{stored_name}.meta.csv", meta)
    upload.seek(0)
    token = secrets.token_urlsafe(16)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {
        "stored_name": stored_name,
        "file_name": checked.safe_name,
        "checksum": file_checksum(upload),
        "size": checked.size,
        "summary": parsed_summary(parsed),
        "preview_url": reverse("needs:dataset_preview", args=[token]),
    }
    request.session[SESSION_KEY] = pending
    return token


def _forget_pending(request, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


def _discard_pending(request, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if pending:
        storage = storages["private"]
        for name in (pending["stored_name"], f"{pending['stored_name']}.meta.csv"):
            if storage.exists(name):
                storage.delete(name)
    _forget_pending(request, token)
