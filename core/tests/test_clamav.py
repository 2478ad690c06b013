"""Virus scanning through clamd: skipped without a scanner, fail-closed with one, and the wire protocol.

A fake clamd (a socketserver in a thread) records exactly what the client sends, to prove the INSTREAM
framing. A real clamd (Debian package clamav-daemon) is started with a one-signature database written
here, so the EICAR test string is detected without downloading ClamAV's databases.
"""

import os
import shutil
import socket
import socketserver
import struct
import tempfile
import threading
import time
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import clamav
from core.uploads import UploadRejected, check_upload

from .conftest import EICAR

VIRUS = "The selected file contains a virus"
UNSCANNABLE = "The selected file could not be checked for viruses. Try again later."


@pytest.fixture(autouse=True)
def no_scanner(settings):
    """Start every test with no scanner configured and a short timeout; tests point it somewhere."""
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    settings.CLAMD_PORT = 3310
    settings.CLAMD_TIMEOUT = 5.0


def csv_upload(content: bytes = b"name,places\r\nOak Tree School,12\r\n", name: str = "data.csv"):
    return SimpleUploadedFile(name, content)


def rejection(uploaded_file) -> str:
    with pytest.raises(UploadRejected) as caught:
        check_upload(uploaded_file)
    return caught.value.message


class FakeClamdHandler(socketserver.BaseRequestHandler):
    """Reads one command the way clamd does, records every byte received, and answers `server.reply`."""

    def handle(self) -> None:
        self.received = bytearray()  # complete before any reply is sent, so a test can read it at once
        self.server.transcripts.append(self.received)
        command = self._read_until_nul()
        if command == b"zPING":
            self.request.sendall(b"PONG\0")
        elif command == b"zINSTREAM":
            self._read_chunks()

    def _read_chunks(self) -> None:
        if self.server.reply_at_once:  # like clamd past StreamMaxLength: answer, then hang up
            self.request.sendall(self.server.reply + b"\0")
            return
        while True:
            (length,) = struct.unpack(">I", self._read(4))
            self._read(length)
            if length == 0:
                break
        if self.server.reply is None:  # a scanner that never answers
            self._read(1)
            return
        self.request.sendall(self.server.reply + b"\0")

    def _read_until_nul(self) -> bytes:
        while b"\0" not in self.received:
            self._read(1)
        return bytes(self.received.split(b"\0", 1)[0])

    def _read(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            piece = self.request.recv(count - len(data))
            if not piece:
                raise ConnectionError("client hung up")
            data += piece
        self.received += data
        return data


class FakeClamdTCP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeClamdUnix(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def serve(server) -> Iterator:
    """Run a fake clamd in a thread for the length of a test."""
    server.transcripts = []
    server.reply = b"stream: OK"
    server.reply_at_once = False
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fake_clamd(settings):
    """A fake clamd on 127.0.0.1, with CLAMD_HOST and CLAMD_PORT pointing at it."""
    server = FakeClamdTCP(("127.0.0.1", 0), FakeClamdHandler)
    settings.CLAMD_HOST, settings.CLAMD_PORT = server.server_address
    yield from serve(server)


@pytest.fixture
def fake_clamd_socket(settings):
    """A fake clamd on a Unix socket, with CLAMD_SOCKET pointing at it."""
    directory = tempfile.mkdtemp(prefix="clamd-")  # short: Unix socket paths are limited to 107 bytes
    path = os.path.join(directory, "clamd.sock")
    settings.CLAMD_SOCKET = path
    try:
        yield from serve(FakeClamdUnix(path, FakeClamdHandler))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local TCP port bound by nothing that listens, so connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_scan_upload_does_nothing_without_a_scanner(monkeypatch):
    """With neither CLAMD_SOCKET nor CLAMD_HOST set, nothing is scanned and no connection is made."""

    def no_connection(*args, **kwargs):
        raise AssertionError("no connection should be made")

    monkeypatch.setattr(clamav.socket, "socket", no_connection)
    monkeypatch.setattr(clamav.socket, "create_connection", no_connection)
    assert not clamav.is_configured()
    assert clamav.scan_upload(csv_upload(EICAR, "test.csv")) is None
    assert not clamav.ping()


def test_eicar_without_a_scanner_is_judged_only_by_type():
    """Without clamd the EICAR string is plain text: accepted only where a CSV is, refused otherwise."""
    assert check_upload(csv_upload(EICAR, "test.csv")).extension == "csv"
    assert rejection(csv_upload(EICAR, "eicar.com")).startswith("The selected file must be a PDF")


def test_unreachable_scanner_fails_closed(settings, closed_port):
    """A configured clamd that refuses connections means the upload is refused, never let through."""
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", closed_port
    assert clamav.is_configured()
    assert rejection(csv_upload()) == UNSCANNABLE
    assert not clamav.ping()


def test_missing_socket_file_fails_closed(settings, tmp_path):
    """CLAMD_SOCKET naming a socket that does not exist refuses the upload too."""
    settings.CLAMD_SOCKET = str(tmp_path / "absent.sock")
    with pytest.raises(clamav.ScannerUnavailable):
        clamav.scan_upload(csv_upload())


def test_clean_file_is_streamed_as_length_prefixed_chunks(fake_clamd):
    """INSTREAM framing: `zINSTREAM\\0`, chunks of at most 64 KiB each after a 4-byte big-endian length,
    then a zero-length chunk."""
    content = b"x,y\n" * (150 * 1024 // 4)  # 150 KiB: two full chunks and a part
    uploaded = csv_upload(content)

    checked = check_upload(uploaded)

    assert checked.extension == "csv"
    assert uploaded.tell() == 0
    pieces = [content[:65536], content[65536:131072], content[131072:]]
    expected = b"zINSTREAM\0" + b"".join(struct.pack(">I", len(p)) + p for p in pieces) + b"\0\0\0\0"
    assert fake_clamd.transcripts == [expected]


def test_found_reply_is_refused_as_a_virus(fake_clamd):
    """`stream: <signature> FOUND` refuses the upload, and the signature's name is reported."""
    fake_clamd.reply = b"stream: Eicar-Test-Signature FOUND"
    assert rejection(csv_upload(EICAR, "test.csv")) == VIRUS
    with pytest.raises(clamav.MalwareFound) as caught:
        clamav.scan_upload(csv_upload(EICAR, "test.csv"))
    assert caught.value.signature == "Eicar-Test-Signature"


@pytest.mark.parametrize(
    "reply", [b"INSTREAM size limit exceeded. ERROR", b"stream: Can't allocate memory ERROR", b""]
)
def test_error_or_empty_reply_fails_closed(fake_clamd, reply):
    """Any reply but `stream: OK` or FOUND (an ERROR, or nothing at all) refuses the upload."""
    fake_clamd.reply = reply
    assert rejection(csv_upload()) == UNSCANNABLE


def test_scanner_hanging_up_mid_stream_fails_closed(fake_clamd):
    """clamd answers ERROR and closes the connection when a stream passes its limit: refused."""
    fake_clamd.reply = b"INSTREAM size limit exceeded. ERROR"
    fake_clamd.reply_at_once = True
    with pytest.raises(clamav.ScannerUnavailable):
        clamav.scan_upload(csv_upload(b"a,b\n" * (4 * 1024 * 1024)))


def test_silent_scanner_times_out_and_fails_closed(settings, fake_clamd):
    """A clamd that never answers is given up after CLAMD_TIMEOUT seconds, and the upload refused."""
    settings.CLAMD_TIMEOUT = 0.3
    fake_clamd.reply = None
    started = time.monotonic()
    assert rejection(csv_upload()) == UNSCANNABLE
    assert time.monotonic() - started < 3


def test_ping_answers_pong(fake_clamd):
    """ping() sends `zPING\\0` and is True when clamd answers PONG."""
    assert clamav.ping()
    assert fake_clamd.transcripts == [b"zPING\0"]


def test_unix_socket_is_used_in_preference_to_tcp(settings, fake_clamd_socket, closed_port):
    """With both set, CLAMD_SOCKET is used (the TCP port here would refuse the connection)."""
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", closed_port
    fake_clamd_socket.reply = b"stream: Eicar-Test-Signature FOUND"
    assert rejection(csv_upload(EICAR, "test.csv")) == VIRUS
    assert fake_clamd_socket.transcripts[0].startswith(b"zINSTREAM\0")


def test_real_clamd_refuses_eicar_uploaded_as_csv(settings, real_clamd):
    """A real clamd finds the EICAR test string in a file that passes every type check as a CSV."""
    settings.CLAMD_SOCKET = real_clamd
    assert clamav.ping()
    assert rejection(csv_upload(EICAR, "test.csv")) == VIRUS


def test_real_clamd_passes_a_clean_csv(settings, real_clamd):
    """A real clamd answers OK for a clean file, which is then accepted."""
    settings.CLAMD_SOCKET = real_clamd
    assert check_upload(csv_upload()).extension == "csv"


def test_real_clamd_over_its_stream_limit_fails_closed(settings, real_clamd):
    """A file larger than clamd's StreamMaxLength cannot be scanned, so it is refused."""
    settings.CLAMD_SOCKET = real_clamd
    assert rejection(csv_upload(b"a,b\n" * (512 * 1024))) == UNSCANNABLE
