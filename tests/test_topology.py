"""The production topology: PostgreSQL, a Redis broker, a separate Celery worker; deploy settings."""

import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import Role
from accounts.services import organisation_create, user_create
from core.models import Notification

from .support import require, stop_process

ROOT = Path(__file__).resolve().parent.parent


def test_the_database_is_postgresql_when_database_url_points_at_it(db):
    url = os.environ.get("DATABASE_URL", "")
    require(url.startswith(("postgres://", "postgresql://")), "DATABASE_URL does not point at PostgreSQL")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def _database_url_for_subprocess() -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


@pytest.mark.services
def test_a_separate_celery_worker_runs_a_task_through_redis_and_writes_to_the_database(
    transactional_db, tmp_path
):
    """A notification queued through Redis is emailed by a worker process, which records it as sent."""
    redis_url = os.environ.get("REDIS_URL", "")
    require(bool(redis_url), "REDIS_URL is not set (no Redis broker on this machine)")
    require(connection.vendor == "postgresql", "the worker test needs PostgreSQL (DATABASE_URL)")

    council = organisation_create(name="Worker Council", slug="worker", kind="local_authority")
    person = user_create(
        email="worker@council.test",
        full_name="W",
        organisation=council,
        roles=[Role.COMMISSIONER],
        password=None,
    )
    notification = Notification.objects.create(
        key="worker-test", recipient=person, kind="test", subject="Sent by the worker"
    )

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": _database_url_for_subprocess(),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--queues=default,reminders",
            "--loglevel=INFO",
            f"--hostname=test-worker-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        from config.celery import app

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the test process runs tasks eagerly; this one goes to Redis
            app.send_task("core.tasks.deliver_notification_email", args=[notification.pk], queue="reminders")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.emailed_at is not None or worker.poll() is not None:
                break
            time.sleep(0.5)
    finally:
        stop_process(worker)
        log.close()
    output = (tmp_path / "worker.log").read_text()
    assert notification.emailed_at is not None, f"the worker did not send it:\n{output[-3000:]}"
    assert "Sent by the worker" in output  # the console email backend printed the message


def _manage(
    *args: str, env_overrides: dict[str, str], drop: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    # A production process never has the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, whatever ran before.
    drop = (*drop, "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-" + "x" * 20,
    "DJANGO_ALLOWED_HOSTS": "send.example.gov.uk",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_the_deploy_check_passes_with_production_variables_set():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]
)
def test_production_refuses_to_start_without_a_required_variable(missing):
    overrides = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = _manage("check", env_overrides=overrides, drop=(missing,))
    assert result.returncode != 0
    assert missing in result.stderr
