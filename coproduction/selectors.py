"""Reads for consultations, scoped to the person asking.

A commissioner (or other council staff) sees their own council's consultations; a forum member sees
those their forum is invited to, once open; nobody else sees any. An object outside that scope answers
404 exactly like a missing one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.rules import is_council_staff, is_forum_member
from commissioning.models import SpecificationVersion

from .models import Comment, Consultation, ConsultationStatus, Response

VISIBLE_TO_FORUMS = (ConsultationStatus.OPEN, ConsultationStatus.CLOSED, ConsultationStatus.COMPLETE)


def consultations_for_user(user) -> QuerySet[Consultation]:
    qs = Consultation.objects.select_related("version__specification", "organisation")
    if is_council_staff(user):
        return qs.filter(organisation_id=user.organisation_id)
    if is_forum_member(user):
        return qs.filter(forums=user.organisation_id, status__in=VISIBLE_TO_FORUMS).distinct()
    return qs.none()


def get_consultation_for_user_or_404(user, pk) -> Consultation:
    return get_object_or_404(consultations_for_user(user), pk=pk)


def comments_for_user(user, consultation: Consultation) -> QuerySet[Comment]:
    """Council staff see every comment; a forum member sees their own forum's."""
    qs = consultation.comments.select_related("author", "forum", "response", "response__changed_in_version")
    if is_council_staff(user) and consultation.organisation_id == user.organisation_id:
        return qs
    if is_forum_member(user):
        return qs.filter(forum_id=user.organisation_id)
    return qs.none()


def get_comment_for_user_or_404(user, consultation: Consultation, pk) -> Comment:
    return get_object_or_404(comments_for_user(user, consultation), pk=pk)


def later_versions(consultation: Consultation) -> QuerySet[SpecificationVersion]:
    return SpecificationVersion.objects.filter(
        specification_id=consultation.version.specification_id, number__gt=consultation.version.number
    ).order_by("number")


@dataclass
class ForumChanges:
    since: datetime.datetime | None
    new_consultations: list[Consultation] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    new_versions: list[SpecificationVersion] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new_consultations or self.responses or self.new_versions)


def forum_home_changes(user, since: datetime.datetime | None) -> ForumChanges:
    """What changed for a forum member since `since` (None: since ever): consultations newly open to their
    forum, answers to their comments, and new versions of specifications they commented on."""
    changes = ForumChanges(since=since)
    if not is_forum_member(user):
        return changes
    consultations = consultations_for_user(user).filter(status=ConsultationStatus.OPEN)
    responses = Response.objects.filter(comment__author=user).select_related(
        "comment__consultation__version__specification", "changed_in_version"
    )
    commented = SpecificationVersion.objects.filter(
        specification__versions__consultations__comments__author=user
    ).values("specification_id")
    versions = SpecificationVersion.objects.filter(specification_id__in=commented).select_related(
        "specification"
    )
    if since is not None:
        consultations = consultations.filter(opened_at__gt=since)
        responses = responses.filter(responded_at__gt=since)
        versions = versions.filter(created_at__gt=since)
    changes.new_consultations = list(consultations.order_by("-opened_at"))
    changes.responses = list(responses.order_by("-responded_at"))
    # Only versions made after a version the person commented on.
    first_commented = {}
    for comment in Comment.objects.filter(author=user).select_related("consultation__version"):
        version = comment.consultation.version
        first_commented[version.specification_id] = min(
            version.number, first_commented.get(version.specification_id, version.number)
        )
    changes.new_versions = [
        version
        for version in versions.order_by("-created_at")
        if version.number > first_commented.get(version.specification_id, version.number)
    ]
    return changes
