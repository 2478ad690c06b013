"""The audit log: an append-only, hash-chained record of who did what, when and from where."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent
from .request_context import current_client_ip

GENESIS_HASH = "0" * 64


def target_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def event_hash(event: AuditEvent) -> str:
    """The SHA-256 of an event's content and the hash before it, in one canonical JSON form."""
    payload = {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "detail": event.detail,
        "ip_address": event.ip_address,
        "previous_hash": event.previous_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the log, inside the caller's transaction.

    The chain head is locked for the rest of the transaction, so concurrent writers append one at a
    time and the chain never forks; if the caller's transaction rolls back, so does the event. A caller
    that locked a row first locks it FOR NO KEY UPDATE (see tests/test_row_locks.py), or two writers
    can deadlock between that row and the chain head.
    """
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update(no_key=True).get_or_create(id=1)
        is_user = actor is not None and getattr(actor, "is_authenticated", False)
        event = AuditEvent(
            sequence=head.sequence + 1,
            # Whole microseconds survive every database, so the hash recomputes exactly.
            occurred_at=timezone.now(),
            actor_id=actor.pk if is_user else None,
            actor_label=(actor.email if is_user else actor_label)[:254],
            organisation_id=getattr(actor, "organisation_id", None) if is_user else None,
            action=action,
            target_type=target_type_of(target) if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_label=str(target)[:255] if target is not None else "",
            detail=json.loads(json.dumps(detail or {}, default=str)),
            ip_address=ip_address if ip_address is not None else current_client_ip(),
            previous_hash=head.last_hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(sequence=event.sequence, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class BrokenLink:
    sequence: int
    reason: str


def audit_verify(*, batch_size: int = 2000) -> Iterator[BrokenLink]:
    """Walk the chain from the first event; yield each place where it does not hold."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    events = AuditEvent.objects.order_by("sequence")
    for event in events.iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            yield BrokenLink(expected_sequence, f"event #{expected_sequence} is missing")
        if event.previous_hash != expected_previous:
            yield BrokenLink(event.sequence, "its previous hash does not match the event before it")
        if event_hash(event) != event.hash:
            yield BrokenLink(event.sequence, "its content no longer matches its hash")
        expected_previous = event.hash
        expected_sequence = event.sequence + 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.sequence != expected_sequence - 1:
        yield BrokenLink(
            expected_sequence, f"the log ends at #{expected_sequence - 1} but the head says #{head.sequence}"
        )


def audit_events_for(obj: models.Model):
    """Everything recorded about one object, newest first."""
    return AuditEvent.objects.filter(target_type=target_type_of(obj), target_id=str(obj.pk))


def audit_verify_and_alert() -> bool:
    """Check the chain; when it is broken, notify support staff once per day. True when intact."""
    from django.contrib.auth import get_user_model

    from .notifications import notification_send

    broken = next(audit_verify(), None)
    if broken is None:
        return True
    today = timezone.localdate()
    for person in get_user_model().objects.filter(is_staff=True, is_active=True):
        notification_send(
            recipient=person,
            kind="audit_chain_broken",
            subject="The audit log has been tampered with",
            body=f"The audit log's hash chain is broken at event #{broken.sequence}: {broken.reason}. "
            "Run `manage.py verify_audit` and investigate before anything else changes.",
            url="/audit/",
            due_date=today,
        )
    return False
