"""Evidence a provider sends, for the annual checks' tests."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.services import checks as services
from core.tests.test_uploads import pdf_bytes

CHECK_DAY = datetime.date(2026, 4, 1)
DUE_DAY = datetime.date(2026, 5, 13)


def evidence_values(**overrides) -> dict:
    values = {
        "registration_statement": "Ofsted URN 123456, DfE 931/6012; no change this year.",
        "ofsted_judgement": "good",
        "ofsted_judgement_on": datetime.date(2025, 11, 4),
        "insurance_cover_pounds": 5_000_000,
        "insurance_expires_on": datetime.date(2027, 6, 30),
        "financial_statement": "Accounts to 31 August 2025: turnover £4.2m, surplus £180k; no change.",
    }
    values.update(overrides)
    return values


def evidence_files() -> dict:
    return {
        field: SimpleUploadedFile(f"{field}.pdf", pdf_bytes(), content_type="application/pdf")
        for field in services.FILE_FIELDS.values()
    }


def submit(check, user, **overrides):
    return services.provider_check_submit(
        check=check, actor=user, values=evidence_values(**overrides), files=evidence_files()
    )
