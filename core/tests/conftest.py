"""Fixtures for the plumbing's tests: a real clamd with a one-signature local database."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import require, stop_process

# The anti-virus test string, built from two parts so this source file is not itself flagged.
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()


def clamd_binary() -> str | None:
    """The clamd executable: on PATH, or where Debian puts it (/usr/sbin is not on every user's PATH)."""
    return shutil.which("clamd") or next(
        (path for path in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if os.access(path, os.X_OK)), None
    )


@pytest.fixture(scope="session")
def real_clamd() -> Iterator[str]:
    """A real clamd on a Unix socket, knowing one signature (EICAR) and streams of at most 1 MB.

    The database is a single `.ndb` line written here (name:any file type:any offset:hex), so no
    download (freshclam) is needed; the Debian package's own service and configuration are not used.
    """
    binary = clamd_binary()
    require(binary is not None, "clamd is not installed (Debian package clamav-daemon)")
    directory = Path(tempfile.mkdtemp(prefix="clamd-"))
    (directory / "db").mkdir()
    (directory / "db" / "local.ndb").write_text(f"Local.Test.EICAR:0:*:{EICAR.hex()}\n")
    socket_path = directory / "clamd.sock"
    config = directory / "clamd.conf"
    config.write_text(
        "Foreground yes\n"
        f"LocalSocket {socket_path}\n"
        f"DatabaseDirectory {directory / 'db'}\n"
        f"TemporaryDirectory {directory}\n"
        "StreamMaxLength 1M\n"
    )
    with open(directory / "clamd.log", "wb") as log:
        process = subprocess.Popen([binary, "--config-file", str(config)], stdout=log, stderr=log)  # noqa: S603
    try:
        wait_for_clamd(process, socket_path, directory / "clamd.log")
        yield str(socket_path)
    finally:
        stop_process(process, timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


def wait_for_clamd(process: subprocess.Popen, socket_path: Path, log: Path, timeout: float = 60) -> None:
    """Wait until clamd answers PING on its socket; fail with its log if it exits or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"clamd exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(1)
                sock.connect(str(socket_path))
                sock.sendall(b"zPING\0")
                if sock.recv(16) == b"PONG\0":
                    return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"clamd did not answer within {timeout} s:\n{log.read_text(errors='replace')}")
