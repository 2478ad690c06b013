"""Writes for monitoring meetings and their actions.

The council records a meeting (date, attendees, notes) with its actions, each owned by the council or
the provider. An action is marked done by the council, or by the provider for an action the provider
owns. The provider is told of a meeting's actions; the notes stay the council's record.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.rules import is_provider_user
from core.audit import audit_record
from core.models import AuditAction
from core.notifications import notification_send
from core.transitions import InvalidTransition

from ..models import Contract, ContractStatus, MeetingAction, MeetingActionOwner, MonitoringMeeting
from ..rules import is_council_commissioner
from .returns import provider_users


def meeting_record(
    *,
    actor: User,
    contract: Contract,
    held_on: datetime.date,
    attendees: str,
    notes: str,
    actions: list[dict],
    today: datetime.date | None = None,
) -> MonitoringMeeting:
    """actions: [{"description", "owner", "owner_name", "due_on"}]."""
    if not is_council_commissioner(actor) or actor.organisation_id != contract.organisation_id:
        raise PermissionDenied
    if contract.status == ContractStatus.ENDED:
        raise InvalidTransition("This contract has ended: no more monitoring meetings can be recorded.")
    today = today or timezone.localdate()
    errors = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the meeting"
    elif held_on > today:
        errors["held_on"] = "The date of the meeting must be today or in the past"
    if not (attendees or "").strip():
        errors["attendees"] = "Enter who attended"
    if not (notes or "").strip():
        errors["notes"] = "Enter the notes of the meeting"
    for index, action in enumerate(actions):
        if not (action.get("description") or "").strip():
            errors[f"action_{index}_description"] = f"Enter what action {index + 1} is"
        if action.get("owner") not in MeetingActionOwner.values:
            errors[f"action_{index}_owner"] = f"Select who owns action {index + 1}"
        if action.get("due_on") is None:
            errors[f"action_{index}_due_on"] = f"Enter when action {index + 1} is due"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = MonitoringMeeting.objects.create(
            contract=contract,
            held_on=held_on,
            attendees=attendees.strip(),
            notes=notes.strip(),
            recorded_by=actor,
        )
        rows = MeetingAction.objects.bulk_create(
            [
                MeetingAction(
                    meeting=meeting,
                    description=action["description"].strip(),
                    owner=action["owner"],
                    owner_name=(action.get("owner_name") or "").strip(),
                    due_on=action["due_on"],
                )
                for action in actions
            ]
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=meeting,
            detail={"contract": contract.pk, "held_on": held_on, "actions": len(rows)},
        )
        provider_actions = [row for row in rows if row.owner == MeetingActionOwner.PROVIDER]
        if provider_actions:
            url = reverse("contracts:contract_detail", args=[contract.pk])
            for user in provider_users(contract.provider_id):
                notification_send(
                    recipient=user,
                    kind="contract_meeting_actions",
                    subject=f"Actions for you from the monitoring meeting on {contract.reference}",
                    body="\n".join(
                        f"- {row.description} (due {row.due_on:%-d %B %Y})" for row in provider_actions
                    ),
                    url=url,
                    target=meeting,
                )
    return meeting


def meeting_action_done(
    *, actor: User, action: MeetingAction, now: datetime.datetime | None = None
) -> MeetingAction:
    contract = action.meeting.contract
    is_council = is_council_commissioner(actor) and actor.organisation_id == contract.organisation_id
    is_owner = (
        is_provider_user(actor)
        and actor.organisation_id == contract.provider_id
        and action.owner == MeetingActionOwner.PROVIDER
    )
    if not (is_council or is_owner):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        updated = MeetingAction.objects.filter(pk=action.pk, done_at__isnull=True).update(
            done_at=now, done_by=actor
        )
        if not updated:
            raise InvalidTransition("This action has already been marked as done.")
        action.refresh_from_db()
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=action,
            detail={"contract": contract.pk, "to": "done"},
        )
    return action
