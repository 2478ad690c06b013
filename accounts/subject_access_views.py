"""The staff admin's subject access pages: find a person, confirm, download everything held about them."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.forms import GovFormMixin
from core.permissions import requires

from .models import User
from .subject_access import subject_data_export, subject_data_filename

PERMISSION = "accounts.export_subject_data"


class FindPersonForm(GovFormMixin, forms.Form):
    submit_label = "Find"
    email = forms.EmailField(
        label="Email address of the person",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter a valid email address",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if not User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Nobody with that email address has an account")
        return email


class ConfirmExportForm(GovFormMixin, forms.Form):
    submit_label = "Download the export"


@requires(PERMISSION)
def subject_access_find(request):
    form = FindPersonForm(request.GET if "email" in request.GET else None)
    if form.is_bound and form.is_valid():
        person = User.objects.get(email__iexact=form.cleaned_data["email"])
        return redirect("accounts:subject_access_export", pk=person.pk)
    return render(request, "accounts/subject_access_find.html", {"form": form})


@requires(PERMISSION)
@require_http_methods(["GET", "POST"])
def subject_access_export(request, pk: int):
    """GET asks to confirm; POST downloads the JSON and records the export in the audit log."""
    person = get_object_or_404(User.objects.select_related("organisation"), pk=pk)
    if request.method == "GET":
        return render(
            request, "accounts/subject_access.html", {"person": person, "form": ConfirmExportForm()}
        )
    content = subject_data_export(person=person, actor=request.user)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{subject_data_filename(person)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
