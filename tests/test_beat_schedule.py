"""The beat schedule names only tasks that exist, and each procurement task runs its service."""

import pytest

from config.celery import app


def test_every_beat_entry_names_a_registered_task():
    """A typo in the schedule would leave a clock silently stopped."""
    app.loader.import_default_modules()
    missing = [entry["task"] for entry in app.conf.beat_schedule.values() if entry["task"] not in app.tasks]
    assert not missing


@pytest.mark.django_db
def test_the_procurement_clocks_run_with_nothing_due():
    from procurement.tasks import close_due_tenders, notify_standstill_ended

    assert close_due_tenders.apply().get() == 0
    assert notify_standstill_ended.apply().get() == 0
