"""The Celery application: a Redis broker in production, tasks run in-process where REDIS_URL is unset."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("send_commissioning")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

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
}
