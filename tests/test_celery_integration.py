"""A real Celery beat and worker against PostgreSQL and Redis: the schedule fires, and a killed worker
loses and duplicates nothing.

Skipped unless DATABASE_URL points at PostgreSQL and REDIS_URL at Redis (CI sets both, where a skip is a
failure). The database is the live test database (transactional), so the subprocesses see what the test
writes and the test sees what they write.

1. Beat (django-celery-beat's DatabaseScheduler) fires the annual checks every second from a
   PeriodicTask; the worker runs them: one ProviderCheck per active provider however often it runs,
   and the provider's users asked for evidence once.
2. 100 reminders are queued; the worker is SIGKILLed (its whole process group) in the middle of sending
   one; a new worker picks up the killed task once the Redis visibility timeout (a few seconds here) has
   passed. Exactly 100 notifications are marked emailed and exactly 100 distinct messages are delivered,
   none twice.

Email goes to `MailboxBackend` below: it records every hand-off, and delivers into a mailbox keyed by
Message-ID, as a receiving mail system that keeps one copy per Message-ID would. The test kills the worker
while a send is under way but before its hand-off (the backend waits a moment first), so the count of
hand-offs is deterministic too; the narrower window after the hand-off and before the commit is covered
by the Message-ID made from the notification's key (see core/notifications.py and
core/tests/test_notification_delivery.py).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
import warnings
from email import message_from_bytes
from pathlib import Path

import pytest
from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parent.parent
ANNUAL_CHECKS = "contracts.tasks.checks.run_annual_checks"
DELIVER = "core.tasks.deliver_notification_email"
REMINDERS = 100
VISIBILITY_TIMEOUT = 4


class MailboxBackend(BaseEmailBackend):
    """An email backend for the worker under test, writing under $MAILBOX_DIR.

    - `started/`: a file as each send begins (the test waits for one to know a send is under way);
    - `handoffs/`: a file per hand-off (every call, duplicates included);
    - `mailbox/`: one file per Message-ID, the first copy kept, as a receiving mail system would.
    Waits $MAILBOX_DELAY seconds between starting and handing over, so a kill can land mid-send.
    """

    def send_messages(self, email_messages):
        root = Path(os.environ["MAILBOX_DIR"])
        delay = float(os.environ.get("MAILBOX_DELAY", "0"))
        for email in email_messages:
            raw = email.message().as_bytes()
            digest = _digest(message_from_bytes(raw)["Message-ID"])
            (root / "started" / f"{digest}-{uuid.uuid4().hex}").touch()
            time.sleep(delay)
            (root / "handoffs" / f"{digest}-{time.time_ns()}-{uuid.uuid4().hex}.eml").write_bytes(raw)
            try:
                with open(root / "mailbox" / f"{digest}.eml", "xb") as mailbox:
                    mailbox.write(raw)
            except FileExistsError:
                pass
        return len(email_messages)


def _digest(message_id: str) -> str:
    """A short name for a Message-ID, whatever folding its header line had."""
    return hashlib.sha256("".join(message_id.split()).encode()).hexdigest()[:24]


def _database_url_for_subprocess(connection) -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def _wait_for(condition, *, timeout: float, every: float = 0.2, processes=()) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        for process in processes:
            if process.poll() is not None:
                return condition()
        time.sleep(every)
    return condition()


def _clear_broker(redis_url: str) -> None:
    """Drop messages an earlier run left in this Redis database (queued or taken and unacknowledged)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete("default", "reminders", "unacked", "unacked_index", "unacked_mutex")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_beat_fires_the_annual_checks_and_a_killed_worker_sends_each_reminder_once(tmp_path, record_property):
    from django.db import connection

    from tests.support import require

    redis_url = os.environ.get("REDIS_URL", "")
    require(redis_url.startswith("redis://"), "REDIS_URL does not point at Redis")
    require(connection.vendor == "postgresql", "the Celery integration test needs PostgreSQL (DATABASE_URL)")

    from django.utils import timezone
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from accounts.models import OrganisationKind, Role
    from accounts.services import organisation_create, user_create
    from config.celery import app
    from contracts.models import ProviderCheck
    from core.models import Notification
    from core.notifications import notification_message_id
    from procurement.models import FpsLot, Membership, PurchasingSystem

    _clear_broker(redis_url)
    today = timezone.localdate()
    council = organisation_create(
        name="Integration Council",
        slug="integration",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        ons_code="E06000901",
    )
    lead = user_create(
        email="lead@integration.test",
        full_name="Lead",
        organisation=council,
        roles=[Role.COMMISSIONER, Role.LEAD_COMMISSIONER],
        password=None,
    )
    providers = []
    for number in (1, 2):
        provider = organisation_create(
            name=f"Provider {number}", slug=f"provider-{number}", kind=OrganisationKind.PROVIDER
        )
        user_create(
            email=f"user@provider-{number}.test",
            full_name=f"Provider user {number}",
            organisation=provider,
            roles=[Role.PROVIDER_USER],
            password=None,
        )
        providers.append(provider)
    system = PurchasingSystem.objects.create(
        name="Integration FPS",
        lead_authority=council,
        overarching_contract_title="Overarching agreement",
        overarching_contract_terms="Terms",
        annual_check_month=today.month,
        annual_check_day=min(today.day, 28),
        starts_on=today - datetime.timedelta(days=400),
    )
    system.member_authorities.add(council)
    lot = FpsLot.objects.create(system=system, code="L1", title="Day places")
    for provider in providers:
        Membership.objects.create(lot=lot, provider=provider, admitted_by=lead)
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="annual checks, every second", task=ANNUAL_CHECKS, interval=every_second)

    mailbox = tmp_path / "mail"
    for folder in ("started", "handoffs", "mailbox"):
        (mailbox / folder).mkdir(parents=True)
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": _database_url_for_subprocess(connection),
            "REDIS_URL": redis_url,
            "EMAIL_BACKEND": "tests.test_celery_integration.MailboxBackend",
            "MAILBOX_DIR": str(mailbox),
            "MAILBOX_DELAY": "0.1",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    processes: list[subprocess.Popen] = []
    logs = []

    def start(name: str, *args: str) -> subprocess.Popen:
        log = (tmp_path / f"{name}.log").open("w")
        logs.append((name, tmp_path / f"{name}.log", log))
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill reaches the pool's children too
        )
        processes.append(process)
        return process

    def start_worker(name: str) -> subprocess.Popen:
        return start(
            name,
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--queues=default,reminders",
            "--loglevel=INFO",
            f"--hostname={name}-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        )

    def output() -> str:
        return "\n".join(f"--- {name}\n{path.read_text()[-3000:]}" for name, path, _ in logs)

    started_at = time.monotonic()
    try:
        # 1. Beat fires the annual checks; the worker runs them, idempotently.
        worker = start_worker("worker-1")
        beat = start(
            "beat", "beat", "--loglevel=INFO", "--max-interval=1", f"--schedule={tmp_path / 'beat.db'}"
        )
        assert _wait_for(
            lambda: (
                ProviderCheck.objects.filter(system=system).count() == 2
                and Notification.objects.filter(kind="annual_check_requested").count() == 2
            ),
            timeout=60,
            processes=[worker, beat],
        ), f"beat and the worker made no checks:\n{output()}"
        first_checks_after = time.monotonic() - started_at
        # Let beat fire it a few more times (its run count reaches the database only every few minutes, so
        # count the worker's receipts): nothing new.
        log_of = {name: path for name, path, _ in logs}
        received = f"Task {ANNUAL_CHECKS}["
        runs_at_first_checks = log_of["worker-1"].read_text().count(received)
        assert _wait_for(
            lambda: log_of["worker-1"].read_text().count(received) >= runs_at_first_checks + 3,
            timeout=20,
            processes=[worker, beat],
        ), output()
        stop_group(beat)
        assert ProviderCheck.objects.filter(system=system).count() == 2
        assert set(ProviderCheck.objects.filter(system=system).values_list("provider_id", flat=True)) == {
            provider.pk for provider in providers
        }
        assert Notification.objects.filter(kind="annual_check_requested").count() == 2
        record_property("first_checks_after_seconds", round(first_checks_after, 1))
        beat_runs = log_of["worker-1"].read_text().count(received)
        record_property("beat_runs", beat_runs)

        # 2. 100 reminders; the worker is killed in the middle of one; a new worker finishes the batch.
        recipient = Notification.objects.filter(kind="annual_check_requested").first().recipient
        reminders = [
            Notification.objects.create(
                key=f"integration|{number}",
                recipient=recipient,
                kind="integration_reminder",
                subject=f"No. {number}",
            )
            for number in range(REMINDERS)
        ]
        expected = {_digest(notification_message_id(notification)) for notification in reminders}
        assert len(expected) == REMINDERS

        def ours(folder: str) -> list[Path]:
            return [
                path
                for path in (mailbox / folder).iterdir()
                if path.name.split("-")[0].split(".")[0] in expected
            ]

        batch_started = time.monotonic()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the test process runs tasks eagerly; these go to Redis
            for notification in reminders:
                app.send_task(DELIVER, args=[notification.pk], queue="reminders")
        assert _wait_for(lambda: len(ours("handoffs")) >= 5, timeout=60, every=0.01, processes=[worker]), (
            output()
        )
        sends_begun = len(ours("started"))
        assert _wait_for(lambda: len(ours("started")) > sends_begun, timeout=10, every=0.002), output()
        os.killpg(worker.pid, signal.SIGKILL)  # mid-send: started, not yet handed over, not committed
        worker.wait(timeout=10)
        killed_after = time.monotonic() - batch_started
        emailed_at_kill = Notification.objects.filter(
            kind="integration_reminder", emailed_at__isnull=False
        ).count()
        assert emailed_at_kill < REMINDERS

        start_worker("worker-2")
        assert _wait_for(
            lambda: (
                Notification.objects.filter(kind="integration_reminder", emailed_at__isnull=True).count() == 0
            ),
            timeout=90,
            processes=processes[-1:],
        ), f"reminders left unsent:\n{output()}"
        batch_done = time.monotonic() - batch_started
        time.sleep(VISIBILITY_TIMEOUT + 2)  # long enough for any stray redelivery to show itself
    finally:
        for process in processes:
            stop_group(process)
        for _, _, log in logs:
            log.close()

    delivered = ours("mailbox")
    handoffs = ours("handoffs")
    message_ids = ["".join(message_from_bytes(path.read_bytes())["Message-ID"].split()) for path in delivered]
    record_property("emailed_when_killed", emailed_at_kill)
    record_property("killed_after_seconds", round(killed_after, 1))
    record_property("batch_done_after_seconds", round(batch_done, 1))
    record_property("handoffs", len(handoffs))
    record_property("total_seconds", round(time.monotonic() - started_at, 1))
    print(
        f"\nfirst checks after {first_checks_after:.1f}s ({beat_runs} runs, 2 checks); "
        f"killed after {killed_after:.1f}s with "
        f"{emailed_at_kill} emailed; all {REMINDERS} emailed after {batch_done:.1f}s; "
        f"{len(handoffs)} hand-offs; total {time.monotonic() - started_at:.1f}s"
    )
    assert (
        Notification.objects.filter(kind="integration_reminder", emailed_at__isnull=False).count()
        == REMINDERS
    )
    assert len(delivered) == REMINDERS
    assert len(set(message_ids)) == REMINDERS
    assert {_digest(message_id) for message_id in message_ids} == expected
    # The worker was killed before its hand-off, so the killed send was handed over once, by the new worker.
    assert len(handoffs) == REMINDERS, sorted(path.name for path in handoffs)


def stop_group(process: subprocess.Popen, *, timeout: float = 15) -> None:
    """Stop a process started in its own group: politely, then by force."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
