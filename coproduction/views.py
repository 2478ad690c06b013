"""Consultation pages. Commissioners set up, answer, close and complete; forum members read the version
consulted on and comment; both see "You said, we did".

Thin views: reads through `coproduction.selectors` (another council's or an uninvited forum's consultation
answers 404), writes through `coproduction.services`. Forum members' pages never link to commissioning
pages and never show prices, business cases, tenders or contracts.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import is_council_staff, is_forum_member
from commissioning.selectors import specification_sections
from commissioning.services.specifications import SECTION_BY_KEY, SECTIONS
from core.forms import ConfirmForm, add_service_errors
from core.pdf import PdfView
from core.permissions import requires

from . import services
from .forms import CommentForm, ConsultationForm, ResponseForm
from .models import ConsultationStatus, ForumVisit
from .selectors import (
    comments_for_user,
    consultations_for_user,
    forum_home_changes,
    get_comment_for_user_or_404,
    get_consultation_for_user_or_404,
    later_versions,
)

VIEW = "coproduction.view"
MANAGE = "coproduction.manage"
COMMENT = "coproduction.comment"


def _by_section(comments) -> list[dict]:
    grouped = {section.key: [] for section in SECTIONS}
    for comment in comments:
        grouped[comment.section].append(comment)
    return [{"section": s, "comments": grouped[s.key]} for s in SECTIONS if grouped[s.key]]


@require_GET
@requires(VIEW)
def consultation_list(request):
    consultations = consultations_for_user(request.user).order_by("-opens_on", "-id")
    if is_forum_member(request.user):
        visit = ForumVisit.objects.filter(user=request.user).first()
        changes = forum_home_changes(request.user, visit.last_seen_at if visit else None)
        ForumVisit.objects.update_or_create(user=request.user, defaults={"last_seen_at": timezone.now()})
        return render(
            request,
            "coproduction/forum_list.html",
            {"consultations": consultations, "changes": changes, "first_visit": visit is None},
        )
    return render(
        request,
        "coproduction/list.html",
        {"consultations": consultations, "can_manage": request.user.has_perm(MANAGE)},
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def consultation_create(request):
    form = ConsultationForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_open(
                actor=request.user,
                specification=form.cleaned_data["specification"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                forums=form.cleaned_data["forums"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if consultation.status == ConsultationStatus.OPEN:
                messages.success(request, "The consultation is open and the invited forums have been told.")
            else:
                messages.success(request, f"The consultation will open on {consultation.opens_on:%-d %B %Y}.")
            return redirect("coproduction:consultation_detail", pk=consultation.pk)
    return render(request, "coproduction/form.html", {"form": form}, status=400 if form.errors else 200)


def _forum_sections(request, consultation, forms_by_section=None) -> list[dict]:
    forms_by_section = forms_by_section or {}
    comments = comments_for_user(request.user, consultation)
    grouped = {section.key: [] for section in SECTIONS}
    for comment in comments:
        grouped[comment.section].append(comment)
    can_comment = consultation.status == ConsultationStatus.OPEN and request.user.has_perm(COMMENT)
    items = []
    for item in specification_sections(consultation.version):
        key = item["section"].key
        item["comments"] = grouped[key]
        if can_comment:
            item["form"] = forms_by_section.get(key) or CommentForm(
                consultation=consultation, section=item["section"]
            )
        items.append(item)
    return items


def _forum_detail(request, consultation, forms_by_section=None, status=200):
    return render(
        request,
        "coproduction/forum_detail.html",
        {
            "consultation": consultation,
            "version": consultation.version,
            "specification": consultation.version.specification,
            "sections": _forum_sections(request, consultation, forms_by_section),
            "error_form": next(iter((forms_by_section or {}).values()), None),
        },
        status=status,
    )


@require_GET
@requires(VIEW)
def consultation_detail(request, pk):
    consultation = get_consultation_for_user_or_404(request.user, pk)
    if not is_council_staff(request.user):
        return _forum_detail(request, consultation)
    can_manage = request.user.has_perm(MANAGE)
    comments = list(comments_for_user(request.user, consultation))
    return render(
        request,
        "coproduction/detail.html",
        {
            "consultation": consultation,
            "specification": consultation.version.specification,
            "groups": _by_section(comments),
            "comment_count": len(comments),
            "unanswered": sum(1 for c in comments if not hasattr(c, "response")),
            "can_respond": can_manage
            and consultation.status in (ConsultationStatus.OPEN, ConsultationStatus.CLOSED),
            "can_close": can_manage and consultation.status == ConsultationStatus.OPEN,
            "can_complete": can_manage and consultation.status == ConsultationStatus.CLOSED,
            "forums": consultation.forums.order_by("name"),
        },
    )


@require_POST
@requires(COMMENT)
def comment_add(request, pk, section):
    consultation = get_consultation_for_user_or_404(request.user, pk)
    if section not in SECTION_BY_KEY:
        raise Http404
    form = CommentForm(request.POST, consultation=consultation, section=SECTION_BY_KEY[section])
    if form.is_valid():
        try:
            services.comment_add(
                actor=request.user, consultation=consultation, section=section, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Your comment on {SECTION_BY_KEY[section].heading.lower()} has been added."
            )
            return redirect(f"{consultation_url(consultation)}#section-{section}")
    return _forum_detail(request, consultation, {section: form}, status=400)


def consultation_url(consultation) -> str:
    return reverse("coproduction:consultation_detail", args=[consultation.pk])


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def response_add(request, pk, comment_pk):
    consultation = get_consultation_for_user_or_404(request.user, pk)
    comment = get_comment_for_user_or_404(request.user, consultation, comment_pk)
    answered = hasattr(comment, "response")
    form = ResponseForm(
        request.POST if request.method == "POST" else None, versions=later_versions(consultation)
    )
    if request.method == "POST" and not answered and form.is_valid():
        try:
            services.response_record(
                actor=request.user,
                comment=comment,
                outcome=form.cleaned_data["outcome"],
                explanation=form.cleaned_data["explanation"],
                changed_section=form.cleaned_data["changed_section"],
                changed_in_version=form.cleaned_data["changed_in_version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your answer has been saved and the forum member has been told.")
            return redirect(f"{consultation_url(consultation)}#comment-{comment.pk}")
    return render(
        request,
        "coproduction/respond.html",
        {
            "consultation": consultation,
            "comment": comment,
            "section": SECTION_BY_KEY[comment.section],
            "form": form,
            "answered": answered,
            "answerable": consultation.status in (ConsultationStatus.OPEN, ConsultationStatus.CLOSED),
        },
        status=400 if form.errors else 200,
    )


def _confirm(request, pk, *, action: str):
    consultation = get_consultation_for_user_or_404(request.user, pk)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        submit_label="Close the consultation now" if action == "close" else "Complete the consultation",
    )
    if request.method == "POST" and form.is_valid():
        try:
            if action == "close":
                services.consultation_close(actor=request.user, consultation=consultation)
                messages.success(request, "The consultation is closed: no more comments will be taken.")
            else:
                services.consultation_complete(actor=request.user, consultation=consultation)
                messages.success(request, 'The consultation is complete. "You said, we did" is final.')
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("coproduction:consultation_detail", pk=consultation.pk)
    return render(
        request,
        "coproduction/confirm.html",
        {
            "consultation": consultation,
            "action": action,
            "form": form,
            "allowed": action in services.allowed_transitions(consultation),
            "unanswered": services.unanswered_count(consultation),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def consultation_close(request, pk):
    return _confirm(request, pk, action="close")


@require_http_methods(["GET", "POST"])
@requires(MANAGE)
def consultation_complete(request, pk):
    return _confirm(request, pk, action="complete")


def you_said_we_did_context(consultation) -> dict:
    comments = consultation.comments.select_related("forum", "response", "response__changed_in_version")
    return {
        "consultation": consultation,
        "specification": consultation.version.specification,
        "version": consultation.version,
        "organisation": consultation.organisation,
        "groups": _by_section(comments),
        "complete": consultation.status == ConsultationStatus.COMPLETE,
    }


@require_GET
@requires(VIEW)
def you_said_we_did(request, pk):
    consultation = get_consultation_for_user_or_404(request.user, pk)
    return render(request, "coproduction/you_said_we_did.html", you_said_we_did_context(consultation))


class YouSaidWeDidPdf(PdfView):
    required_permission = VIEW
    template_name = "pdf/you_said_we_did.html"

    def get_context_data(self, **kwargs) -> dict:
        consultation = get_consultation_for_user_or_404(self.request.user, kwargs["pk"])
        if consultation.status != ConsultationStatus.COMPLETE:
            raise Http404("Available once the consultation is complete")
        return you_said_we_did_context(consultation)

    def get_filename(self, context: dict) -> str:
        return f"you-said-we-did-{context['specification'].title}.pdf"
