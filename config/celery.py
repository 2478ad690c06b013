"""The Celery application: a Redis broker in production, tasks run in-process where REDIS_URL is unset."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("send_commissioning")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks that live beside their service rather than in an app's tasks.py.
app.conf.imports = ["core.retention"]

# The beat schedule, in one place. django-celery-beat's database scheduler copies these entries into
# the database on start, where the support admin can see them (and pause one in an emergency).
app.conf.beat_schedule = {
    # 00:30 every night: open consultations whose day has come; close those whose close date is today.
    "open-and-close-consultations": {
        "task": "coproduction.tasks.close_due_consultations",
        "schedule": crontab(hour=0, minute=30),
    },
    # Every 5 minutes: close published tenders whose submission deadline has passed, so the council can
    # open the sealed bids soon after the deadline (bids are refused at the deadline itself whatever the
    # task does: every write checks the server's clock).
    "close-due-tenders": {
        "task": "procurement.tasks.close_due_tenders",
        "schedule": crontab(minute="*/5"),
    },
    # 07:00 every day: tell commissioners, once per tender, that a standstill ended and the contract can
    # now be awarded (the award itself stays a person's decision; also `manage.py end_standstill`).
    "notify-standstill-ended": {
        "task": "procurement.tasks.notify_standstill_ended",
        "schedule": crontab(hour=7, minute=0),
    },
    # 02:15 every night: prove the audit log's hash chain still holds; alert support staff if not.
    "verify-audit-chain": {
        "task": "core.tasks.verify_audit_chain",
        "schedule": crontab(hour=2, minute=15),
    },
    # 02:30 every night: delete or anonymise personal data past its retention period (settings.RETENTION;
    # also `manage.py apply_retention`, whose --dry-run counts what is due).
    "apply-retention": {
        "task": "core.retention.apply_retention",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every 10 minutes: queue again the email of any notification left unsent 15 minutes after it was made
    # (the broker was down when its transaction committed). Sending twice is impossible: see
    # core/notifications.py.
    "requeue-unsent-notifications": {
        "task": "core.tasks.requeue_unsent_notifications",
        "schedule": crontab(minute="*/10"),
    },
    # 03:30 every night: rewrite each authority's contracted capacity from its contracts and placements,
    # for the needs gap analysis.
    "sync-contracted-capacity": {
        "task": "contracts.tasks.capacity.sync_contracted_capacity",
        "schedule": crontab(hour=3, minute=30),
    },
    # 05:00 every day: remind providers of insurances and policies expiring within 60 and 30 days
    # (also `manage.py expiry_watch`).
    "expiry-watch": {
        "task": "contracts.tasks.watches.run_expiry_watch",
        "schedule": crontab(hour=5, minute=0),
    },
    # 05:15 every day: tell commissioners a review decision is due on contracts at their notice point
    # (also `manage.py contract_watch`).
    "contract-watch": {
        "task": "contracts.tasks.watches.run_contract_watch",
        "schedule": crontab(hour=5, minute=15),
    },
    # 05:30 every day: schedule QA visits by risk rating; remind of visits due and actions overdue
    # (also `manage.py qa_schedule`).
    "qa-schedule": {
        "task": "contracts.tasks.watches.run_qa_schedule",
        "schedule": crontab(hour=5, minute=30),
    },
    # 06:00 every day: the annual provider checks of each purchasing system whose check date has come,
    # their 30/14/7-day reminders and overdue suspensions (also `manage.py run_annual_checks`).
    "annual-provider-checks": {
        "task": "contracts.tasks.checks.run_annual_checks",
        "schedule": crontab(hour=6, minute=0),
    },
}
