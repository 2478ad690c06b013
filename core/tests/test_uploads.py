"""The checks every upload passes: size, type by content, zip structure, names, and the virus verdict.

Sample files are built here from their parts (a hand-written PDF, images from Pillow, an XLSX from
openpyxl, DOCX and OpenDocument files from zipfile) so each test shows what makes a file real or fake.
"""

import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image

from core import clamav, uploads
from core.uploads import ALLOWED_TYPES, CheckedUpload, UploadRejected, check_upload, safe_filename

WRONG_TYPE = "The selected file must be a PDF, DOCX, XLSX, ODT, ODS, CSV, PNG or JPEG"


@pytest.fixture(autouse=True)
def no_scanner(settings):
    """Run without clamd unless a test says otherwise; the scanner has its own tests in test_clamav.py."""
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    settings.DOCUMENT_MAX_BYTES = 25 * 1024 * 1024


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def rejection(content: bytes, name: str, **kwargs) -> str:
    """The message check_upload refuses the file with (failing the test if it accepts it)."""
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload(content, name), **kwargs)
    return caught.value.message


def pdf_bytes() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 112, 60)).save(buffer, format=image_format)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Provider", "Places"])
    workbook.active.append(["Oak Tree School", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="%s"/></Types>'
)
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def docx_entries(main_type: bytes = DOCX_MAIN) -> dict[str, bytes]:
    """The three parts Word needs to open a document that says "Hello"."""
    return {
        "[Content_Types].xml": DOCX_CONTENT_TYPES % main_type,
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/officeDocument"/></Relationships>'
        ),
        "word/document.xml": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>"
        ),
    }


def docx_bytes() -> bytes:
    return zip_bytes(docx_entries())


def odf_bytes(kind: str) -> bytes:
    """An OpenDocument file: `mimetype` first and stored, then the manifest and the content."""
    mime = ALLOWED_TYPES[kind][0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mime, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{mime}"/><manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2">'
            "<office:body/></office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


REAL_FILES = {
    "pdf": ("Annual report.pdf", pdf_bytes),
    "docx": ("Letter to parents.docx", docx_bytes),
    "xlsx": ("Places 2025.xlsx", xlsx_bytes),
    "odt": ("Minutes.odt", lambda: odf_bytes("odt")),
    "ods": ("Budget.ods", lambda: odf_bytes("ods")),
    "csv": ("providers.csv", lambda: b"name,places\r\nOak Tree School,12\r\n"),
    "png": ("Map.png", lambda: image_bytes("PNG")),
    "jpg": ("Photo.jpg", lambda: image_bytes("JPEG")),
}


@pytest.mark.parametrize("extension", REAL_FILES)
def test_real_file_of_each_allowed_type_is_accepted(extension):
    """A genuine file of every allowed type passes, with its type, size and digest taken from the content."""
    name, build = REAL_FILES[extension]
    content = build()
    uploaded = upload(content, name)

    checked = check_upload(uploaded)

    assert checked == CheckedUpload(
        safe_name=name,
        content_type=ALLOWED_TYPES[extension][0],
        extension=extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    assert uploaded.tell() == 0


def test_docx_written_to_a_temporary_file_is_accepted():
    """A large upload that Django spooled to disk (TemporaryUploadedFile) is checked just the same."""
    content = docx_bytes()
    uploaded = TemporaryUploadedFile("Letter.docx", "application/octet-stream", len(content), None)
    uploaded.write(content)
    try:
        assert check_upload(uploaded).extension == "docx"
        assert uploaded.tell() == 0
    finally:
        uploaded.close()


def test_csv_in_utf8_with_byte_order_mark_is_accepted():
    """Excel's "CSV UTF-8" starts with a byte order mark; that is still a CSV."""
    content = "\ufeffname,town\r\nÉcole Saint-Éloi,Nîmes\r\n".encode()
    assert check_upload(upload(content, "schools.csv")).content_type == "text/csv"


def test_csv_in_windows_1252_is_accepted():
    """Older Excel saves CSV in Windows-1252 (here a pound sign and curly quotes); that is accepted."""
    content = "item,cost\r\n“Speech therapy”,£1,200\r\n".encode("cp1252")
    assert check_upload(upload(content, "costs.csv")).extension == "csv"


def test_text_with_any_name_is_a_csv_when_the_caller_allows_csv():
    """A data import that allows CSV treats plain text as CSV whatever it is called, and names it .csv."""
    checked = check_upload(upload(b"a,b\n1,2\n", "export.txt"), allowed={"csv", "xlsx"})
    assert (checked.extension, checked.safe_name) == ("csv", "export.csv")


def test_plain_text_not_named_csv_is_refused_as_an_unknown_type():
    """Plain text has no magic number, so unless it is named .csv it is an unknown type."""
    assert rejection(b"a,b\n1,2\n", "notes.txt") == WRONG_TYPE


def test_jpeg_named_jpeg_is_stored_with_the_jpg_extension():
    """.jpeg and .jpg are the same type; the stored name uses the one canonical extension."""
    checked = check_upload(upload(image_bytes("JPEG"), "Photo.JPEG"))
    assert (checked.safe_name, checked.content_type) == ("Photo.jpg", "image/jpeg")


def test_empty_file_is_refused():
    """An empty file is refused, whatever its name."""
    assert rejection(b"", "report.pdf") == "The selected file is empty"


def test_file_larger_than_the_setting_is_refused_before_it_is_read():
    """An honest size over DOCUMENT_MAX_BYTES is refused from `.size`, without reading the content."""
    uploaded = upload(pdf_bytes(), "huge.pdf")
    uploaded.size = 25 * 1024 * 1024 + 1
    uploaded.chunks = None  # reading would fail
    with pytest.raises(UploadRejected) as caught:
        check_upload(uploaded)
    assert caught.value.message == "The selected file must be smaller than 25 MB"


def test_file_larger_than_max_bytes_is_refused(settings):
    """`max_bytes` overrides the setting, and the message names the limit in the right unit."""
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    content = b"a,b\n" * (1024 * 1024 // 4 + 1)
    assert rejection(content, "big.csv") == "The selected file must be smaller than 1 MB"
    assert (
        rejection(pdf_bytes(), "x.pdf", max_bytes=100) == "The selected file must be smaller than 100 bytes"
    )


def test_file_that_understates_its_size_is_refused_while_reading():
    """The bytes are counted as they are read, so a file object claiming to be small cannot slip past."""
    uploaded = upload(b"a,b\n" * 1000, "data.csv")
    uploaded.size = 10
    with pytest.raises(UploadRejected) as caught:
        check_upload(uploaded, max_bytes=2048)
    assert caught.value.message == "The selected file must be smaller than 2 KB"
    assert uploaded.tell() == 0


def test_html_named_pdf_is_refused():
    """A web page renamed report.pdf is not a PDF."""
    content = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    assert (
        rejection(content, "report.pdf")
        == "The selected file is not a real PDF. Save it as a PDF and try again."
    )


def test_svg_named_png_is_refused():
    """An SVG (XML that can carry script) named photo.png is not a PNG."""
    content = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="4" height="4"/></svg>'
    assert (
        rejection(content, "photo.png")
        == "The selected file is not a real PNG. Save it as a PNG and try again."
    )


def test_png_named_jpg_is_refused():
    """A real image of a different type than its name says is refused too, naming the claimed type."""
    assert rejection(image_bytes("PNG"), "photo.jpg").startswith("The selected file is not a real JPEG.")


def test_exe_named_docx_is_refused():
    """A Windows program (MZ header) named file.docx is not a DOCX."""
    content = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
    assert rejection(content, "file.docx") == (
        "The selected file is not a real DOCX. Save it as a DOCX and try again."
    )


def test_zip_that_is_not_a_docx_named_docx_is_refused():
    """An ordinary zip archive named .docx lacks the parts a Word document must have."""
    content = zip_bytes({"readme.txt": b"hello", "word/notes.txt": b"hi"})
    assert rejection(content, "letter.docx").startswith("The selected file is not a real DOCX.")


def test_macro_enabled_document_named_docx_is_refused():
    """A DOCM (macros) renamed .docx declares a macro-enabled main part, so it is not a DOCX."""
    content = zip_bytes(docx_entries(main_type=b"application/vnd.ms-word.document.macroEnabled.main+xml"))
    assert rejection(content, "letter.docx").startswith("The selected file is not a real DOCX.")


def test_damaged_docx_is_refused():
    """A DOCX whose content no longer matches its checksum is damaged and refused."""
    content = zip_bytes(docx_entries(), compression=zipfile.ZIP_STORED).replace(b"Hello", b"Hallo")
    assert rejection(content, "letter.docx").startswith("The selected file is not a real DOCX.")


def test_odf_without_mimetype_first_is_refused():
    """An OpenDocument file must start with its `mimetype` entry."""
    content = zip_bytes({"content.xml": b"<x/>", "mimetype": ALLOWED_TYPES["odt"][0].encode()})
    assert rejection(content, "minutes.odt").startswith("The selected file is not a real ODT.")


def test_zip_bomb_named_xlsx_is_refused():
    """A small zip that unpacks to far more than it weighs (50 MB of zeros) is refused before unzipping."""
    content = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": bytes(50 * 1024 * 1024)})
    assert len(content) < 100_000
    assert rejection(content, "figures.xlsx") == (
        "The selected file is too large to open safely. Upload a smaller file."
    )


def test_zip_with_too_many_entries_is_refused(monkeypatch):
    """An archive with more entries than any real document is refused as a bomb too."""
    monkeypatch.setattr(uploads, "ZIP_MAX_ENTRIES", 10)
    entries = docx_entries() | {f"word/media/{number}.txt": b"x" for number in range(10)}
    assert rejection(zip_bytes(entries), "letter.docx") == uploads.ZIP_TOO_BIG


@pytest.mark.parametrize("entry", ["../evil", "word/../../evil", "/etc/cron.d/evil", "..\\evil", "C:/evil"])
def test_zip_with_an_entry_outside_the_archive_is_refused(entry):
    """Entries with absolute paths or `..` could write outside a folder when unzipped: refused."""
    content = zip_bytes(docx_entries() | {entry: b"evil"})
    assert rejection(content, "letter.docx") == (
        "The selected file cannot be opened safely. Save it again and upload the new copy."
    )


@pytest.mark.parametrize("content", [b"<script>alert(1)</script>,a\n", b"\r\n  <html><body>x</body></html>"])
def test_csv_starting_with_markup_is_refused(content):
    """HTML, XML, SVG or script named .csv (first non-blank character `<`) is not a CSV."""
    assert (
        rejection(content, "data.csv")
        == "The selected file is not a real CSV. Save it as a CSV and try again."
    )


def test_csv_with_nul_bytes_is_refused():
    """Binary content named .csv is not a CSV."""
    assert rejection(b"a,b\n\x00\x01\x02", "data.csv").startswith("The selected file is not a real CSV.")


def test_csv_in_another_encoding_is_refused():
    """Text that is neither UTF-8 nor Windows-1252 (here UTF-16) is refused."""
    assert rejection("a,b\n1,2\n".encode("utf-16"), "data.csv").startswith(
        "The selected file is not a real CSV."
    )


def test_double_extension_is_judged_by_content_and_renamed():
    """invoice.pdf.exe holding a PDF is a PDF: stored as invoice.pdf, never with .exe."""
    checked = check_upload(upload(pdf_bytes(), "invoice.pdf.exe"))
    assert (checked.safe_name, checked.extension) == ("invoice.pdf", "pdf")


def test_file_without_extension_gets_the_detected_one():
    """A name with no extension, or an unknown one, gets the extension of what the file really is."""
    assert check_upload(upload(docx_bytes(), "Letter")).safe_name == "Letter.docx"
    assert check_upload(upload(docx_bytes(), "Letter.tmp")).safe_name == "Letter.docx"
    assert check_upload(upload(image_bytes("PNG"), "scan version 1.2")).safe_name == "scan version 1.2.png"


def test_allowed_subset_refuses_other_types():
    """A data import that allows only CSV and XLSX refuses a real PDF, listing what it accepts."""
    message = rejection(pdf_bytes(), "report.pdf", allowed={"csv", "xlsx"})
    assert message == "The selected file must be an XLSX or CSV"


def test_allowed_subset_accepts_its_types():
    """`allowed` accepts other spellings (".JPEG") of the types it names."""
    assert check_upload(upload(image_bytes("JPEG"), "a.jpg"), allowed=[".JPEG"]).extension == "jpg"
    assert rejection(pdf_bytes(), "a.pdf", allowed=["jpeg"]) == "The selected file must be a JPEG"


def test_unknown_allowed_extension_is_a_programming_error():
    """Asking for a type this module does not support is a mistake in the calling code, not the user's."""
    with pytest.raises(ValueError, match="exe"):
        check_upload(upload(pdf_bytes(), "a.pdf"), allowed={"pdf", "exe"})


def test_virus_found_by_the_scanner_is_refused(monkeypatch):
    """When clamd finds a signature the user is told the file contains a virus."""

    def found(uploaded_file):
        raise clamav.MalwareFound("Eicar-Test-Signature")

    monkeypatch.setattr(clamav, "scan_upload", found)
    assert rejection(pdf_bytes(), "report.pdf") == "The selected file contains a virus"


def test_unavailable_scanner_refuses_the_file(monkeypatch):
    """When a configured scanner cannot scan the file, the file is refused (fail closed)."""

    def unavailable(uploaded_file):
        raise clamav.ScannerUnavailable("connection refused")

    monkeypatch.setattr(clamav, "scan_upload", unavailable)
    assert rejection(pdf_bytes(), "report.pdf") == (
        "The selected file could not be checked for viruses. Try again later."
    )


def test_scanner_sees_only_files_that_passed_the_type_checks(monkeypatch):
    """The virus scan comes last, so a fake file is refused for its type without reaching clamd."""
    scanned = []
    monkeypatch.setattr(clamav, "scan_upload", scanned.append)
    rejection(b"<html></html>", "report.pdf")
    check_upload(upload(pdf_bytes(), "report.pdf"))
    assert len(scanned) == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Windows\\evil.pdf", "evil.pdf"),
        (".htaccess", "htaccess"),
        ("...hidden.pdf", "hidden.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("nul", "_nul"),
        ("com1.tar.gz", "_com1.tar.gz"),
        ("Lpt9 .txt", "_Lpt9.txt"),
        ("console.pdf", "console.pdf"),
        ("re\x00po\x07rt\r\n.pdf", "report.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("  Many   spaces\there .docx", "Many spaces here.docx"),
        ("report<script>|&;$`'\".pdf", "reportscript.pdf"),
        ("Budget (draft)_v2-final.xlsx", "Budget (draft)_v2-final.xlsx"),
        ("Évaluation été.pdf", "Évaluation été.pdf"),
        ("E\u0301valuation e\u0301te\u0301.pdf", "Évaluation été.pdf"),
        ("Отчёт 2025.pdf", "Отчёт 2025.pdf"),
        ("", "document"),
        ("../", "document"),
        ("\x00\x01", "document"),
        ("-rf.pdf", "rf.pdf"),
        ("trailing dots...", "trailing dots"),
    ],
)
def test_safe_filename(name, expected):
    """Directory parts, control and unsafe characters, leading dots and reserved names are dealt with."""
    assert safe_filename(name) == expected


def test_safe_filename_shortens_long_names_keeping_the_extension():
    """A 500-character name is cut to 120 characters, and the extension survives."""
    name = safe_filename("a" * 500 + ".pdf")
    assert len(name) == 120
    assert name.endswith("a.pdf")
    assert safe_filename("b" * 50 + ".docx", max_length=20) == "b" * 15 + ".docx"


def test_safe_filename_keeps_long_unicode_names_within_file_system_limits():
    """Characters outside ASCII take several bytes; the name stays within MAX_NAME_BYTES of UTF-8."""
    name = safe_filename("報告書" * 100 + ".xlsx")
    assert name.endswith(".xlsx")
    assert len(name.encode()) <= uploads.MAX_NAME_BYTES


@pytest.mark.parametrize("name", ["../../etc/passwd", "CON.pdf", "x" * 300 + ".csv", " .. a  b .pdf", "???"])
def test_safe_filename_is_idempotent(name):
    """Cleaning a clean name changes nothing, so names can be checked again safely."""
    assert safe_filename(safe_filename(name)) == safe_filename(name)
