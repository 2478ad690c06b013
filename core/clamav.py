"""A small client for the ClamAV daemon (clamd), used to scan every upload before it is stored.

It speaks clamd's own protocol over a Unix socket (settings.CLAMD_SOCKET) or TCP (settings.CLAMD_HOST and
CLAMD_PORT), so there is no third-party dependency (the PyPI `clamd` package is unmaintained).

Commands use the null-terminated form clamd recommends (`zINSTREAM\\0`, `zPING\\0`). INSTREAM sends the
file as chunks, each prefixed with its length as a 4-byte big-endian unsigned integer, then a zero-length
chunk to say the file is complete; clamd answers `stream: OK`, `stream: <signature> FOUND` or a message
ending in `ERROR` (for example `INSTREAM size limit exceeded. ERROR` past clamd's StreamMaxLength).

Where no scanner is configured, scanning is skipped (a laptop or CI job without clamd). Where one is
configured, scanning fails closed: anything short of a clean `OK` raises, so an unscanned file is never
treated as clean.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable, Iterator

from django.conf import settings

CHUNK_SIZE = 64 * 1024
_MAX_REPLY_BYTES = 4096


class MalwareFound(Exception):
    """clamd found a signature in the file; `signature` is its name, such as "Eicar-Signature"."""

    def __init__(self, signature: str):
        super().__init__(f"clamd found {signature}")
        self.signature = signature


class ScannerUnavailable(Exception):
    """A scanner is configured but the file could not be scanned; `reason` says why (for the logs)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def is_configured() -> bool:
    """True when settings name a clamd to talk to (a Unix socket path or a TCP host)."""
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def ping() -> bool:
    """True when the configured clamd answers `PONG`; False when none is configured, unreachable or odd.

    Meant for health checks: it never raises.
    """
    if not is_configured():
        return False
    try:
        with _connect() as sock:
            sock.sendall(b"zPING\0")
            return _read_reply(sock) == "PONG"
    except OSError:
        return False


def scan_upload(uploaded_file) -> None:
    """Scan a Django UploadedFile with clamd, if one is configured; leave the file at position 0.

    Raises MalwareFound or ScannerUnavailable; returns None when the file is clean or no scanner is set.
    """
    if not is_configured():
        return
    try:
        scan_chunks(uploaded_file.chunks(CHUNK_SIZE))
    finally:
        uploaded_file.seek(0)


def scan_chunks(chunks: Iterable[bytes]) -> None:
    """Stream `chunks` to clamd with INSTREAM and raise unless it answers that the stream is clean."""
    reply = _instream(chunks)
    if reply.endswith(" FOUND"):
        raise MalwareFound(reply.removeprefix("stream:").removesuffix(" FOUND").strip())
    if reply != "stream: OK":
        raise ScannerUnavailable(f"clamd replied {reply!r}")


def _instream(chunks: Iterable[bytes]) -> str:
    """Send the INSTREAM command and the framed chunks; return clamd's reply as text."""
    try:
        with _connect() as sock:
            sent_all = _send_framed(sock, chunks)
            reply = _read_reply(sock)
    except OSError as exc:
        raise ScannerUnavailable(f"clamd could not be reached: {exc}") from exc
    if not sent_all:
        raise ScannerUnavailable(f"clamd closed the connection before the whole file was sent: {reply!r}")
    return reply


def _send_framed(sock: socket.socket, chunks: Iterable[bytes]) -> bool:
    """Write the command and each chunk as <4-byte length><data>, then the zero-length end marker.

    Returns False when clamd closed the connection part-way (it does so after a size-limit ERROR,
    which is then waiting to be read), True when everything was sent.
    """
    try:
        sock.sendall(b"zINSTREAM\0")
        for piece in _split(chunks):
            sock.sendall(struct.pack(">I", len(piece)) + piece)
        sock.sendall(struct.pack(">I", 0))
    except (BrokenPipeError, ConnectionResetError):
        return False
    return True


def _split(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield non-empty pieces of at most CHUNK_SIZE bytes, whatever sizes the caller's chunks have."""
    for chunk in chunks:
        for start in range(0, len(chunk), CHUNK_SIZE):
            yield bytes(chunk[start : start + CHUNK_SIZE])


def _connect() -> socket.socket:
    """Open a connection to clamd, preferring the Unix socket when both settings are given."""
    timeout = float(settings.CLAMD_TIMEOUT)
    if settings.CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(settings.CLAMD_SOCKET)
        except OSError:
            sock.close()
            raise
        return sock
    return socket.create_connection((settings.CLAMD_HOST, int(settings.CLAMD_PORT)), timeout=timeout)


def _read_reply(sock: socket.socket) -> str:
    """Read clamd's reply up to its terminating NUL (or the end of the connection) and decode it."""
    reply = b""
    while b"\0" not in reply and len(reply) < _MAX_REPLY_BYTES:
        try:
            data = sock.recv(_MAX_REPLY_BYTES)
        except ConnectionResetError:
            break
        if not data:
            break
        reply += data
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
