"""Production settings pass Django's deployment checks, and refuse to start without their secrets.

Run in a child process: settings are read once per process, and the suite runs under the test settings.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-production-secret-key-of-more-than-fifty-characters-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "send.example.gov.uk",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


def manage(*args: str, env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    # Nothing of the parent's configuration leaks in (CI sets REDIS_URL and DATABASE_URL, for one).
    inherited = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH"}
    child_env = {key: value for key, value in os.environ.items() if key in inherited}
    child_env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks_with_no_warning(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "REDIS_URL"])
def test_production_refuses_to_start_without_its_settings(tmp_path, missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr
