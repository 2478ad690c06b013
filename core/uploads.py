"""The checks every uploaded file passes before it is stored: size, type by content, structure, viruses.

`check_upload` is the one entry point. It refuses a file by raising `UploadRejected`, whose message is
written to be shown as it is in a GOV.UK error message ("The selected file ..."), and otherwise returns a
`CheckedUpload` saying what the file really is and the safe name to store it under.

What it checks, in order:

1. Size: an honest `.size` over the limit is refused before anything is read; the bytes are counted
   while hashing, so a file object that understates its size is refused too. Empty files are refused.
2. Type, from the content and never from the name: PDF by its `%PDF-` header; PNG and JPEG by their
   magic numbers (through the `filetype` library); DOCX, XLSX, ODT and ODS are zip archives whose
   structure is checked, after guarding against zip bombs (too many entries, or too much data once
   unzipped) and against entries with absolute or `..` paths. CSV has no magic number, so a file is
   treated as CSV only when its name ends in .csv or the caller explicitly allows CSV; it must then
   decode as UTF-8 (with or without a byte order mark) or Windows-1252, contain no NUL bytes and not
   start with `<` (HTML, XML, SVG or a script dressed up as a spreadsheet).
3. The name must not claim a different type: HTML named report.pdf is refused as "not a real PDF".
   An extension this module does not know (invoice.pdf.exe) is not a claim: such a file is judged by
   its content, and the stored name gets the detected extension (invoice.pdf).
4. Viruses: the file is streamed to clamd (see core.clamav) when a scanner is configured. A configured
   scanner that cannot be reached refuses the file (fail closed).

No signature is hard-coded here. Without clamd, the EICAR anti-virus test string is simply text: it is
refused as an unsupported type under any name except one ending in .csv, where it passes as a CSV. Virus
detection is clamd's job, and production and CI run it.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.conf import settings

from core import clamav

logger = logging.getLogger(__name__)

ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "odt": ("application/vnd.oasis.opendocument.text", "ODT"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ODS"),
    "csv": ("text/csv", "CSV"),
    "png": ("image/png", "PNG"),
    "jpg": ("image/jpeg", "JPEG"),
}
# Other spellings of the same types, accepted in names and in `allowed`; stored names use the key above.
EXTENSION_ALIASES = {"jpeg": "jpg", "jpe": "jpg"}

MIB = 1024 * 1024
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNPACKED_BYTES = 200 * MIB
ZIP_MAX_RATIO = 100  # unzipped data may be this many times the upload ...
ZIP_RATIO_FLOOR = 1 * MIB  # ... except that a few unzipped megabytes never count as a bomb
ZIP_MAX_XML_BYTES = 1 * MIB  # for [Content_Types].xml, read to tell a DOCX from a DOCM
MAX_NAME_BYTES = 200  # stored names stay well under the usual 255-byte file-system limit

EMPTY = "The selected file is empty"
VIRUS = "The selected file contains a virus"
UNSCANNABLE = "The selected file could not be checked for viruses. Try again later."
ZIP_TOO_BIG = "The selected file is too large to open safely. Upload a smaller file."
ZIP_UNSAFE = "The selected file cannot be opened safely. Save it again and upload the new copy."

_CHUNK = 64 * 1024
_HEAD_BYTES = 8192  # as much as `filetype` ever looks at
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZIP_SIGNATURE = b"PK\x03\x04"
_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_ODF_MIMETYPES = {ALLOWED_TYPES["odt"][0].encode(): "odt", ALLOWED_TYPES["ods"][0].encode(): "ods"}
_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, ValueError, NotImplementedError)
_RESERVED_NAMES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])", re.IGNORECASE)
_EXTENSION = re.compile(r"(.+)\.([^\W_]*[^\W\d_][^\W_]*)", re.DOTALL)  # ends in ".<letters and digits>"


class UploadRejected(Exception):
    """A file refused with a message fit to show the user in a GOV.UK error message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    """What a file that passed every check really is, and the name to store it under."""

    safe_name: str  # sanitised original filename, extension normalised to the detected type
    content_type: str  # detected MIME type, e.g. "application/pdf"
    extension: str  # e.g. "pdf"
    size: int
    sha256: str  # hex digest of the content


def check_upload(
    uploaded_file, *, allowed: Iterable[str] | None = None, max_bytes: int | None = None
) -> CheckedUpload:
    """Check a Django UploadedFile before it is stored; raise UploadRejected with the reason if it fails.

    `allowed` narrows the accepted types to some keys of ALLOWED_TYPES (for example {"csv", "xlsx"} for
    a data import); `max_bytes` defaults to settings.DOCUMENT_MAX_BYTES. The file is left at position 0.
    """
    accepted = _normalise_allowed(allowed)
    limit = settings.DOCUMENT_MAX_BYTES if max_bytes is None else max_bytes
    name = uploaded_file.name or ""
    try:
        size, sha256, head = _measure(uploaded_file, limit)
        wants_csv = _claimed_type(name) == "csv" or (allowed is not None and "csv" in accepted)
        detected = _detect(uploaded_file, head, size=size, wants_csv=wants_csv)
        extension = _judge(name, detected, accepted)
        _scan(uploaded_file)
    finally:
        uploaded_file.seek(0)
    return CheckedUpload(
        safe_name=_stored_name(name, extension),
        content_type=ALLOWED_TYPES[extension][0],
        extension=extension,
        size=size,
        sha256=sha256,
    )


def safe_filename(name: str, *, max_length: int = 120) -> str:
    """A file name safe to store and to offer for download, kept as close to the user's as possible.

    Drops directory parts (`/` and `\\`), control and formatting characters (including right-to-left
    overrides) and anything but letters (any script), digits, spaces and `-_.()`; collapses whitespace;
    strips leading dots, spaces and hyphens and trailing dots and spaces; prefixes Windows reserved
    names (CON, NUL, COM1 ...) with `_`; shortens it to `max_length` characters (and MAX_NAME_BYTES
    bytes of UTF-8) keeping the extension. Never returns an empty string: the fallback is "document".
    """
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", name or ""))[-1]
    name = " ".join("".join(_keep_char(char) for char in name).split())
    name = name.lstrip(". -").rstrip(". ")
    if _RESERVED_NAMES.fullmatch(name.split(".", 1)[0].rstrip()):
        name = f"_{name}"
    return _shorten(name, max_length) or "document"


def _keep_char(char: str) -> str:
    """The character itself if it may appear in a stored name, a space for whitespace, else nothing."""
    if char.isspace():
        return " "
    category = unicodedata.category(char)
    if category[0] in "LM" or category == "Nd" or char in "-_.()":
        return char
    return ""


def _shorten(name: str, max_length: int) -> str:
    """Cut the part before the extension until the name fits in max_length characters and bytes."""
    stem, extension = _split_extension(name)
    suffix = f".{extension}" if extension else ""
    if max_length <= len(suffix):
        return name[:max_length].rstrip(". ")
    stem = stem[: max_length - len(suffix)]
    while len(f"{stem}{suffix}".encode()) > MAX_NAME_BYTES and len(stem) > 1:
        stem = stem[:-1]
    return f"{stem.rstrip('. ')}{suffix}"


def _split_extension(name: str) -> tuple[str, str]:
    """("report", "pdf") for "report.pdf"; ("report v1.2", "") when what follows the dot is no extension."""
    match = _EXTENSION.fullmatch(name)
    if match and len(match.group(2)) <= 10:
        return match.group(1), match.group(2)
    return name, ""


def _canonical(extension: str) -> str:
    """The ALLOWED_TYPES key for an extension written in any case or spelling ("JPEG" -> "jpg")."""
    extension = extension.lower().lstrip(".")
    return EXTENSION_ALIASES.get(extension, extension)


def _claimed_type(name: str) -> str:
    """The extension the file's name claims, canonicalised; "" when it has none."""
    return _canonical(_split_extension(safe_filename(name))[1])


def _stored_name(name: str, extension: str) -> str:
    """The safe name with its extension replaced by the detected one: "invoice.pdf.exe" -> "invoice.pdf"."""
    stem = _split_extension(safe_filename(name))[0]
    inner_stem, inner_extension = _split_extension(stem)
    if _canonical(inner_extension) == extension:
        stem = inner_stem
    return safe_filename(f"{stem}.{extension}")


def _normalise_allowed(allowed: Iterable[str] | None) -> list[str]:
    """The accepted extensions in ALLOWED_TYPES order; an unknown one is a programming error."""
    if allowed is None:
        return list(ALLOWED_TYPES)
    wanted = {_canonical(extension) for extension in allowed}
    unknown = wanted - ALLOWED_TYPES.keys()
    if unknown or not wanted:
        raise ValueError(f"allowed must name some of {sorted(ALLOWED_TYPES)}, not {sorted(unknown)}")
    return [extension for extension in ALLOWED_TYPES if extension in wanted]


def _measure(uploaded_file, limit: int) -> tuple[int, str, bytes]:
    """Read the file once: its real size, its SHA-256 and its first bytes; refuse it if empty or too big."""
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise UploadRejected(_too_big(limit))
    digest = hashlib.sha256()
    size = 0
    head = b""
    for chunk in uploaded_file.chunks(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise UploadRejected(_too_big(limit))
        digest.update(chunk)
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
    if size == 0:
        raise UploadRejected(EMPTY)
    return size, digest.hexdigest(), head


def human_size(size: int) -> str:
    """A size as people read it: '25 MB', '2 KB', '100 bytes' (the largest unit that fits)."""
    for unit, scale in (("MB", MIB), ("KB", 1024)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} bytes"


def _too_big(limit: int) -> str:
    """'The selected file must be smaller than 25 MB'."""
    return f"The selected file must be smaller than {human_size(limit)}"


def _detect(uploaded_file, head: bytes, *, size: int, wants_csv: bool) -> str | None:
    """The ALLOWED_TYPES key the content really is, or None. Refuses unsafe zip archives outright."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    image = filetype.image_match(head)
    if image is not None and image.mime in ("image/png", "image/apng") and head.startswith(_PNG_SIGNATURE):
        return "png"
    if image is not None and image.mime == "image/jpeg":
        return "jpg"
    if head.startswith(_ZIP_SIGNATURE):
        return _detect_zip(uploaded_file, size)
    if wants_csv and _is_csv_text(uploaded_file):
        return "csv"
    return None


def _judge(name: str, detected: str | None, accepted: list[str]) -> str:
    """Compare what the name claims with what the content is; return the type or refuse the file."""
    claimed = _claimed_type(name)
    if claimed in ALLOWED_TYPES and claimed != detected:
        if claimed not in accepted:
            raise UploadRejected(_wrong_type(accepted))
        human = ALLOWED_TYPES[claimed][1]
        raise UploadRejected(
            f"The selected file is not a real {human}. Save it as {_article(human)} {human} and try again."
        )
    if detected is None or detected not in accepted:
        raise UploadRejected(_wrong_type(accepted))
    return detected


def _wrong_type(accepted: list[str]) -> str:
    """'The selected file must be a PDF, DOCX ... or JPEG' for the accepted types."""
    names = [ALLOWED_TYPES[extension][1] for extension in accepted]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"The selected file must be {_article(names[0])} {listed}"


def _article(acronym: str) -> str:
    """ "an" before an acronym read letter by letter that starts with a vowel sound (an XLSX), else "a"."""
    return "an" if acronym[0] in "AEFHILMNORSX" else "a"


def _detect_zip(uploaded_file, size: int) -> str | None:
    """DOCX, XLSX, ODT or ODS when the archive has that structure, else None; refuses unsafe archives."""
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            entries = archive.infolist()
            _refuse_unsafe_zip(entries, size)
            if any(entry.compress_type not in _ZIP_METHODS for entry in entries):
                return None  # office suites write stored or deflated entries only
            kind = _office_kind(archive, entries)
            if kind is not None:
                _read_every_entry(archive, entries)
            return kind
    except _ZIP_ERRORS:
        return None


def _refuse_unsafe_zip(entries: list[zipfile.ZipInfo], size: int) -> None:
    """Refuse zip bombs (too many entries or too much unzipped data) and absolute or `..` entry paths."""
    unpacked = sum(entry.file_size for entry in entries)
    limit = min(ZIP_MAX_UNPACKED_BYTES, max(ZIP_MAX_RATIO * size, ZIP_RATIO_FLOOR))
    if len(entries) > ZIP_MAX_ENTRIES or unpacked > limit:
        raise UploadRejected(ZIP_TOO_BIG)
    for entry in entries:
        parts = re.split(r"[/\\]", entry.filename)
        if parts[0] == "" or ".." in parts or re.match(r"[A-Za-z]:", entry.filename):
            raise UploadRejected(ZIP_UNSAFE)


def _office_kind(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> str | None:
    """Tell the office formats apart by their required parts; None for any other zip archive.

    ODF: the first entry is `mimetype`, holding the format's MIME type. OOXML: `[Content_Types].xml`
    declares the main part of a document or workbook (macro-enabled and template variants declare
    other types and are refused), and `word/document.xml` or `xl/workbook.xml` is there.
    """
    names = {entry.filename for entry in entries}
    if entries and entries[0].filename == "mimetype":
        return _ODF_MIMETYPES.get(_read_entry(archive, entries[0], 100).strip())
    if "[Content_Types].xml" not in names:
        return None
    content_types = _read_entry(archive, archive.getinfo("[Content_Types].xml"), ZIP_MAX_XML_BYTES)
    if "word/document.xml" in names and _DOCX_MAIN in content_types:
        return "docx"
    if "xl/workbook.xml" in names and _XLSX_MAIN in content_types:
        return "xlsx"
    return None


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int) -> bytes:
    """At most `limit` bytes of one entry."""
    with archive.open(entry) as handle:
        return handle.read(limit)


def _read_every_entry(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Unzip everything once, so a damaged archive (bad CRC, truncated, encrypted) is refused now.

    zipfile stops at each entry's declared size, which _refuse_unsafe_zip has already bounded.
    """
    for entry in entries:
        with archive.open(entry) as handle:
            while handle.read(_CHUNK):
                pass


def _is_csv_text(uploaded_file) -> bool:
    """True for text in UTF-8 (with or without BOM) or Windows-1252 that does not start with `<`."""
    for encoding in ("utf-8-sig", "cp1252"):
        first = _first_character(uploaded_file, encoding)
        if first is not None:
            return first not in ("", "<")
    return False


def _first_character(uploaded_file, encoding: str) -> str | None:
    """Decode the whole file: its first non-blank character, "" if blank, None if binary or undecodable."""
    decoder = codecs.getincrementaldecoder(encoding)()
    first = ""
    try:
        for chunk in uploaded_file.chunks(_CHUNK):
            if b"\0" in chunk:
                return None
            text = decoder.decode(chunk)
            first = first or text.lstrip()[:1]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return first


def _scan(uploaded_file) -> None:
    """Have clamd scan the file (when one is configured) and turn its verdict into a message."""
    try:
        clamav.scan_upload(uploaded_file)
    except clamav.MalwareFound as exc:
        logger.warning("Upload refused: clamd found %s", exc.signature)
        raise UploadRejected(VIRUS) from exc
    except clamav.ScannerUnavailable as exc:
        logger.error("Upload refused: the virus scanner is unavailable: %s", exc.reason)
        raise UploadRejected(UNSCANNABLE) from exc
