"""Reads of needs data, scoped to what a person may see.

Published statistics (datasets with no organisation) are readable by every council's staff; a
council's local datasets, capacity, projections and feedback only by its own staff. Everything a
page shows goes through these, so another council's rows answer 404 like missing ones.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import (
    Area,
    CapacityBasis,
    CommissionedCapacity,
    Dataset,
    DatasetStatus,
    Feedback,
    Observation,
    ProjectionRun,
)


def _organisation_id(user) -> int | None:
    return user.organisation_id if user.is_authenticated and user.has_perm("needs.view_analysis") else None


def datasets_for_user(user):
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Dataset.objects.none()
    return Dataset.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id))


def get_dataset_for_user_or_404(user, pk) -> Dataset:
    return get_object_or_404(datasets_for_user(user).select_related("imported_by", "replaces"), pk=pk)


def observations_for_user(user):
    """Numbers from completed datasets the person may read."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Observation.objects.none()
    return Observation.objects.filter(
        Q(dataset__organisation__isnull=True) | Q(dataset__organisation_id=organisation_id),
        dataset__status=DatasetStatus.COMPLETE,
    )


def home_area_for(organisation) -> Area | None:
    """The council's own area (matched on its ONS code), once some data for it has been imported."""
    if organisation is None or not organisation.ons_code:
        return None
    return Area.objects.filter(code=organisation.ons_code).select_related("parent").first()


def capacity_for_user(user):
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return CommissionedCapacity.objects.none()
    return CommissionedCapacity.objects.filter(organisation_id=organisation_id)


def get_capacity_for_user_or_404(user, pk) -> CommissionedCapacity:
    return get_object_or_404(capacity_for_user(user), pk=pk)


def get_entered_capacity_for_user_or_404(user, pk) -> CommissionedCapacity:
    """A row entered by hand: the only kind a person may change or delete. Places from contracts and
    placements are kept in step with them by the Review stage, so their rows answer 404 here."""
    return get_object_or_404(capacity_for_user(user).filter(basis=CapacityBasis.ENTERED), pk=pk)


def projections_for_user(user):
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return ProjectionRun.objects.none()
    return ProjectionRun.objects.filter(organisation_id=organisation_id)


def get_projection_for_user_or_404(user, pk) -> ProjectionRun:
    return get_object_or_404(projections_for_user(user).select_related("created_by"), pk=pk)


def feedback_for_user(user):
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Feedback.objects.none()
    return Feedback.objects.filter(organisation_id=organisation_id)


def get_feedback_for_user_or_404(user, pk) -> Feedback:
    return get_object_or_404(feedback_for_user(user), pk=pk)
