"""Helpers shared by the whole test suite."""

import os

import pytest


def in_ci() -> bool:
    """True when the suite runs under `.ci/run` (CI=true), where nothing may be skipped."""
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip the test with a visible reason on a machine that lacks something; in CI, fail instead.

    A laptop without Chromium, PostgreSQL or Redis still gets a passing `make test`; CI always has
    them, so a missing one there is a broken set-up, never a quiet skip.
    """
    if condition:
        return
    if in_ci():
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)


def stop_process(process, *, timeout: float = 20) -> None:
    """Stop a process a test started: politely, then by force if it does not exit in time."""
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
