"""Subject access: everything the service holds about one named person, as one JSON document.

Used by the staff admin's export page and by `manage.py export_subject_data EMAIL`. The export covers the
person's profile and its history, organisation, roles, sign-in history, two-factor sign-in (how many
authenticator apps and backup codes, never a key or code), audit events they did and that
were about them, notifications sent to them, documents they uploaded (details, not the files), what they
wrote in consultations, and every other record that names them (found by walking the foreign keys to the
user model, so a new app's records are included without changing this module).

Sealed bids stay sealed: a record or document of a bid is listed by type and id only.
"""

import datetime
import decimal
import json
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditAction, AuditEvent, Document, Notification

# The person's own words, given in full: model label → text fields.
WRITTEN_TEXT = {
    "coproduction.comment": ("text",),
    "coproduction.response": ("explanation",),
}
# Records of a bid: listed by type and id only, whoever asks, so support staff never read a sealed bid.
SEALED_LABELS = {"procurement.submission", "procurement.submissionanswer", "procurement.submissiondocument"}
# Covered by their own sections, or copies kept by django-simple-history (the profile's history has its
# own section; other models' history repeats who changed them).
OWN_SECTIONS = {"accounts.roleassignment", "core.notification", "core.document"}


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _when(obj: models.Model) -> str | None:
    """The record's own date: the first date-time field it has (created, uploaded, …)."""
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.DateTimeField):
            return _value(getattr(obj, field.attname))
    return None


def _sign_ins(email: str) -> dict[str, list[dict]]:
    sections = {}
    for model_name, key in (
        ("AccessLog", "sign_ins"),
        ("AccessAttempt", "failed_sign_in_attempts"),
        ("AccessFailureLog", "failed_sign_ins"),
    ):
        model = apps.get_model("axes", model_name)
        fields = ["attempt_time", "ip_address", "user_agent", "path_info"]
        if model_name == "AccessLog":
            fields.append("logout_time")
        rows = model.objects.filter(username__iexact=email).order_by("-attempt_time").values(*fields)
        sections[key] = [{name: _value(value) for name, value in row.items()} for row in rows]
    return sections


def _audit(events) -> list[dict]:
    fields = ["sequence", "occurred_at", "action", "actor_label", "target_type", "target_id", "target_label"]
    return [
        {**{name: _value(value) for name, value in row.items() if name != "detail"}, "detail": row["detail"]}
        for row in events.order_by("sequence").values(*fields, "detail", "ip_address")
    ]


def _documents(person, now) -> list[dict]:
    rows = []
    for document in Document.objects.filter(uploaded_by=person).select_related("organisation"):
        if document.sealed_until is not None:
            rows.append({"id": document.pk, "sealed": True, "uploaded_at": _value(document.uploaded_at)})
            continue
        rows.append(
            {
                "id": document.pk,
                "title": document.title,
                "file_name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "sha256": document.sha256,
                "organisation": document.organisation.name,
                "uploaded_at": _value(document.uploaded_at),
                "removed_at": _value(document.removed_at),
            }
        )
    return rows


def _two_factor(person) -> dict[str, Any]:
    """Whether the person uses two-factor sign-in: how many apps and backup codes, never a key or code."""
    from .two_factor import backup_codes_left

    totp = apps.get_model("otp_totp", "TOTPDevice")
    return {
        "authenticator_apps": totp.objects.filter(user=person, confirmed=True).count(),
        "backup_codes_left": backup_codes_left(person),
    }


def _records_naming(person) -> tuple[list[dict], list[dict]]:
    """Every row of every other model with a foreign key to this person; and their written words."""
    User = get_user_model()
    records, writing = [], []
    for model in apps.get_models():
        label = model._meta.label_lower
        if (
            label in OWN_SECTIONS
            or model._meta.app_label == "axes"
            or label.split(".")[1].startswith("historical")
        ):
            continue
        for field in model._meta.concrete_fields:
            if not (field.is_relation and field.related_model is User):
                continue
            for obj in model._default_manager.filter(**{field.name: person}).order_by("pk"):
                sealed = label in SEALED_LABELS
                records.append(
                    {
                        "record": str(model._meta.verbose_name),
                        "type": label,
                        "id": obj.pk,
                        "as": str(field.verbose_name),
                        "label": "A sealed bid record" if sealed else str(obj),
                        "at": None if sealed else _when(obj),
                    }
                )
                if label in WRITTEN_TEXT:
                    writing.append(
                        {
                            "record": str(model._meta.verbose_name),
                            "id": obj.pk,
                            "at": _when(obj),
                            **{name: getattr(obj, name) for name in WRITTEN_TEXT[label]},
                        }
                    )
    return records, writing


def subject_data(person) -> dict[str, Any]:
    """Everything held about `person`, as plain JSON-ready data."""
    now = timezone.now()
    organisation = person.organisation
    history = person.history.order_by("history_date").values(
        "history_date", "history_type", "email", "full_name", "is_active", "is_staff"
    )
    records, writing = _records_naming(person)
    return {
        "exported_at": _value(now),
        "person": {
            "id": person.pk,
            "email": person.email,
            "full_name": person.full_name,
            "is_active": person.is_active,
            "is_staff": person.is_staff,
            "date_joined": _value(person.date_joined),
            "last_login": _value(person.last_login),
        },
        "organisation": {"name": organisation.name, "kind": organisation.get_kind_display()}
        if organisation
        else None,
        "roles": [
            {"role": assignment.get_role_display(), "granted_at": _value(assignment.granted_at)}
            for assignment in person.role_assignments.order_by("granted_at")
        ],
        "profile_history": [{name: _value(value) for name, value in row.items()} for row in history],
        **_sign_ins(person.email),
        "two_factor_sign_in": _two_factor(person),
        "audit_events_by_them": _audit(AuditEvent.objects.filter(actor_id=person.pk)),
        "audit_events_about_them": _audit(
            AuditEvent.objects.filter(target_type=person._meta.label_lower, target_id=str(person.pk))
        ),
        "notifications": [
            {name: _value(value) for name, value in row.items()}
            for row in Notification.objects.filter(recipient=person)
            .order_by("created_at")
            .values("created_at", "kind", "subject", "body", "url", "read_at", "emailed_at")
        ],
        "documents_uploaded": _documents(person, now),
        "written_in_consultations": writing,
        "other_records": records,
    }


def subject_data_export(*, person, actor=None, actor_label: str = "") -> bytes:
    """The export as JSON bytes; recorded in the audit log (who exported whose data, not the data)."""
    with transaction.atomic():
        data = subject_data(person)
        audit_record(
            action=AuditAction.EXPORT,
            actor=actor,
            actor_label=actor_label,
            target=person,
            detail={"subject_access": True},
        )
    return json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()


def subject_data_filename(person) -> str:
    return f"subject-access-{person.pk}-{timezone.localdate():%Y-%m-%d}.json"
