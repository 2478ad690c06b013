"""Retention: personal data past its retention period is deleted, or anonymised where a record must stay.

Each kind of personal data is one `RetentionRule`: what it covers, how long it is kept, and what happens
after. The plumbing's own rules (sessions, sign-in records, notifications, deactivated accounts) are
defined here; a domain app adds its own in a `retention.py` module of its own, found the way the admin
finds `admin.py` modules, so this module imports no domain app.

Periods are days, overridable one by one in `settings.RETENTION` (e.g. `{"notifications": 180}`).
`retention_apply()` is idempotent: a second run finds nothing due. Each rule that changed anything
writes one audit event, by the service, with the number of records and their ids, never their content.

Kept on purpose: the audit log (append-only and hash-chained; it is the accountability record the
council relies on, so it is not shortened here) and the records a council must keep for its contracts.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .audit import audit_record
from .models import AuditAction, Notification

RETENTION_ACTOR_LABEL = "The service, applying the retention policy"


@dataclass(frozen=True)
class RetentionRule:
    """One kind of personal data and what happens to it once its period is over."""

    key: str  # unique; also the name of its period in settings.RETENTION unless `setting` says otherwise
    label: str  # "Deactivated user accounts"
    default_days: int
    # What happens, said after the label: "anonymised 2 years after the account was deactivated".
    policy: str
    # Given the cutoff (now minus the period), the queryset of records due.
    due: Callable[[datetime.datetime], models.QuerySet]
    # Delete or anonymise the records due; return how many.
    apply: Callable[[models.QuerySet], int]
    # The audit event's target type (the model the ids belong to).
    target_type: str = ""
    setting: str = ""
    # Whether the audit event lists the ids (not for sessions, whose keys are secrets).
    audit_ids: bool = True

    def days(self) -> int:
        return int(getattr(settings, "RETENTION", {}).get(self.setting or self.key, self.default_days))


_RULES: dict[str, RetentionRule] = {}
_discovered = False


def retention_rule_register(rule: RetentionRule) -> RetentionRule:
    _RULES[rule.key] = rule
    return rule


def retention_rules() -> list[RetentionRule]:
    """Every rule: the plumbing's and each app's `retention.py`, in registration order."""
    global _discovered
    if not _discovered:
        autodiscover_modules("retention")
        _discovered = True
    return list(_RULES.values())


@dataclass(frozen=True)
class RetentionResult:
    rule: RetentionRule
    count: int


def retention_due(*, now: datetime.datetime | None = None) -> list[RetentionResult]:
    """How many records of each kind are past their period, changing nothing (the dry run)."""
    now = now or timezone.now()
    return [
        RetentionResult(rule, rule.due(now - datetime.timedelta(days=rule.days())).count())
        for rule in retention_rules()
    ]


def retention_apply(*, now: datetime.datetime | None = None) -> list[RetentionResult]:
    """Delete or anonymise every record past its period; one atomic step and one audit event per rule."""
    now = now or timezone.now()
    results = []
    for rule in retention_rules():
        with transaction.atomic():
            due = rule.due(now - datetime.timedelta(days=rule.days()))
            ids = [str(pk) for pk in due.values_list("pk", flat=True)[:1000]] if rule.audit_ids else []
            count = rule.apply(due)
            if count:
                audit_record(
                    action=AuditAction.DELETE,
                    actor_label=RETENTION_ACTOR_LABEL,
                    detail={
                        "retention": rule.key,
                        "policy": f"{rule.label}: {rule.policy}",
                        "count": count,
                        "target_type": rule.target_type,
                        "ids": ids,
                    },
                )
        results.append(RetentionResult(rule, count))
    return results


def _delete(queryset: models.QuerySet) -> int:
    count = queryset.count()
    queryset.delete()
    return count


# Sessions -------------------------------------------------------------------------------------------


def _expired_sessions(cutoff: datetime.datetime) -> models.QuerySet:
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=cutoff)


retention_rule_register(
    RetentionRule(
        key="sessions",
        label="Sessions",
        default_days=0,
        policy="deleted once expired (what `manage.py clearsessions` does)",
        due=_expired_sessions,
        apply=_delete,
        target_type="sessions.session",
        audit_ids=False,
    )
)


# Sign-in records (django-axes) ----------------------------------------------------------------------


def _sign_in_records_rule(model_name: str, label: str) -> RetentionRule:
    def due(cutoff: datetime.datetime) -> models.QuerySet:
        from django.apps import apps

        return apps.get_model("axes", model_name).objects.filter(attempt_time__lt=cutoff)

    return RetentionRule(
        key=f"sign_in_records:{model_name}",
        setting="sign_in_records",
        label=label,
        default_days=365,
        policy="deleted a year after the sign-in (email, address and browser)",
        due=due,
        apply=_delete,
        target_type=f"axes.{model_name.lower()}",
    )


# One period for the three tables; each is its own rule so counts are told apart.
for _model, _label in (
    ("AccessLog", "Sign-in history"),
    ("AccessAttempt", "Failed sign-in attempts"),
    ("AccessFailureLog", "Failed sign-in log"),
):
    retention_rule_register(_sign_in_records_rule(_model, _label))


# Notifications --------------------------------------------------------------------------------------


retention_rule_register(
    RetentionRule(
        key="notifications",
        label="Notifications",
        default_days=365,
        policy="deleted a year after they were sent",
        due=lambda cutoff: Notification.objects.filter(created_at__lt=cutoff),
        apply=_delete,
        target_type="core.notification",
    )
)


# Deactivated user accounts --------------------------------------------------------------------------

ANONYMISED_DOMAIN = "anonymised.invalid"
ANONYMISED_NAME = "Former user"


def anonymised_email(pk: int) -> str:
    return f"removed-{pk}@{ANONYMISED_DOMAIN}"


def _deactivated_accounts(cutoff: datetime.datetime) -> models.QuerySet:
    """Inactive people whose last sign-in, last change (their deactivation) and joining are all before
    the cutoff, not yet anonymised. The history table dates the deactivation."""
    User = get_user_model()
    History = User.history.model
    last_change = (
        History.objects.filter(id=OuterRef("pk")).order_by().values("id").annotate(at=Max("history_date"))
    )
    return (
        User.objects.filter(is_active=False)
        .exclude(email__endswith=f"@{ANONYMISED_DOMAIN}")
        .annotate(
            last_seen=Greatest(
                Coalesce("last_login", "date_joined"),
                Coalesce(Subquery(last_change.values("at")), "date_joined"),
            )
        )
        .filter(last_seen__lt=cutoff)
    )


def user_anonymise(user) -> None:
    """Replace a person's name and email everywhere they are kept, except the append-only audit log.

    The row stays (documents, decisions and comments point at it) as "Former user"; their roles,
    notifications, sign-in records and two-factor devices go, and the password can never be used again.
    """
    from django.apps import apps

    User = get_user_model()
    old_email = user.email
    email = anonymised_email(user.pk)
    User.objects.filter(pk=user.pk).update(
        email=email,
        full_name=ANONYMISED_NAME,
        password=make_password(None),
        is_active=False,
        is_staff=False,
        is_superuser=False,
    )
    User.history.model.objects.filter(id=user.pk).update(email=email, full_name=ANONYMISED_NAME)
    user.role_assignments.all().delete()
    user.groups.clear()
    if apps.is_installed("django_otp"):  # two-factor devices hold a secret key and a name
        from django_otp import devices_for_user

        for device in devices_for_user(user, confirmed=None):
            device.delete()
    Notification.objects.filter(recipient_id=user.pk).delete()
    for model_name in ("AccessLog", "AccessAttempt", "AccessFailureLog"):
        apps.get_model("axes", model_name).objects.filter(username__iexact=old_email).delete()


def _anonymise_accounts(queryset: models.QuerySet) -> int:
    people = list(queryset)
    for person in people:
        user_anonymise(person)
    return len(people)


retention_rule_register(
    RetentionRule(
        key="deactivated_accounts",
        label="Deactivated user accounts",
        default_days=2 * 365,
        policy="name and email anonymised 2 years after the account was deactivated or last used",
        due=_deactivated_accounts,
        apply=_anonymise_accounts,
        target_type="accounts.user",
    )
)


@shared_task(acks_late=True)
def apply_retention() -> int:
    """Nightly: delete or anonymise personal data past its period (also `manage.py apply_retention`)."""
    return sum(result.count for result in retention_apply())
