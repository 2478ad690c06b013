"""Reads for the Plan stage, scoped to the person's own council: another council's intention, case or
specification answers 404 like a missing one."""

from django.shortcuts import get_object_or_404

from .models import BusinessCase, CommissioningIntention, ServiceSpecification, SpecificationVersion
from .services.specifications import SECTIONS


def _organisation_id(user) -> int | None:
    return user.organisation_id if user.is_authenticated and user.has_perm("commissioning.view") else None


def intentions_for_user(user):
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return CommissioningIntention.objects.none()
    return CommissioningIntention.objects.filter(organisation_id=organisation_id)


def get_intention_for_user_or_404(user, pk) -> CommissioningIntention:
    return get_object_or_404(intentions_for_user(user).select_related("owner", "projection"), pk=pk)


def business_cases_for_user(user):
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return BusinessCase.objects.none()
    return BusinessCase.objects.filter(organisation_id=organisation_id)


def get_business_case_for_user_or_404(user, pk) -> BusinessCase:
    return get_object_or_404(business_cases_for_user(user).select_related("author", "intention"), pk=pk)


def business_cases_waiting_for(user):
    """Cases at a step this person may decide, except their own, oldest first."""
    from .services.business_cases import STEP_PERMISSION, STEP_STATUS

    statuses = [status for step, status in STEP_STATUS.items() if user.has_perm(STEP_PERMISSION[step])]
    return (
        business_cases_for_user(user)
        .filter(status__in=statuses)
        .exclude(author=user)
        .select_related("author")
        .order_by("updated_at", "id")
    )


def specifications_for_user(user):
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return ServiceSpecification.objects.none()
    return ServiceSpecification.objects.filter(organisation_id=organisation_id)


def get_specification_for_user_or_404(user, pk) -> ServiceSpecification:
    return get_object_or_404(specifications_for_user(user).select_related("created_by"), pk=pk)


def specification_sections(version: SpecificationVersion) -> list[dict]:
    """Each section of a version, in order, ready to show: its text, or its table's rows."""
    sections = version.sections or {}
    return [
        {
            "section": section,
            "text": "" if section.is_table else sections.get(section.key) or "",
            "rows": [
                [row.get(column.key, "") for column in section.columns]
                for row in sections.get(section.key) or []
            ]
            if section.is_table
            else [],
        }
        for section in SECTIONS
    ]
