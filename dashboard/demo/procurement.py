"""Demo compliance packs for the two demo providers: Oakfield with an insurance expiring within 30 days,
Riverside with a policy whose review date has passed. Each school's registration certificate and
statement of purpose, each insurance certificate and each policy is one demonstration PDF, rendered
once. A pack that already has items is left alone."""

import datetime
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from core.documents import document_store
from core.pdf import render_pdf
from core.uploads import UploadRejected
from procurement.models import InsuranceKind, Judgement, PolicyKind, Regulator
from procurement.services import compliance as services


@cache
def _demo_pdf() -> bytes:
    return render_pdf("procurement/compliance/demo_document.html", {})


def _document(provider: User, title: str):
    """A demonstration PDF stored for the provider, or None where the upload checks refuse it (a virus
    scanner that cannot be reached): the pack then shows the document as not uploaded."""
    try:
        return document_store(
            organisation=provider.organisation,
            uploaded_by=provider,
            uploaded_file=SimpleUploadedFile(f"{title}.pdf", _demo_pdf(), content_type="application/pdf"),
            title=title,
        )
    except UploadRejected:
        return None


def _pack(*, provider: User, school: dict, insurances: list[tuple], policies: list[tuple]) -> None:
    profile = services.provider_profile_get_or_create(organisation=provider.organisation)
    if profile.settings.exists() or profile.insurances.exists() or profile.policies.exists():
        return
    services.setting_add(
        actor=provider,
        profile=profile,
        registration_certificate=_document(provider, f"Registration certificate: {school['name']}"),
        statement_of_purpose=_document(provider, f"Statement of purpose: {school['name']}"),
        **school,
    )
    for kind, insurer, cover, expires_on in insurances:
        services.insurance_add(
            actor=provider,
            profile=profile,
            kind=kind,
            insurer=insurer,
            cover_pounds=cover,
            expires_on=expires_on,
            certificate=_document(provider, f"{kind.label} insurance certificate"),
        )
    for kind, review_on in policies:
        services.policy_add(
            actor=provider,
            profile=profile,
            kind=kind,
            review_on=review_on,
            document=_document(provider, f"{kind.label} policy"),
        )


def seed(*, commissioner: User) -> None:
    today = timezone.localdate()
    days = datetime.timedelta
    oakfield = User.objects.get(email="provider@oakfield.example")
    riverside = User.objects.get(email="provider@riverside.example")
    _pack(
        provider=oakfield,
        school={
            "name": "Oakfield School",
            "regulator": Regulator.OFSTED,
            "urn": "147832",
            "dfe_number": "931/6012",
            "judgement": Judgement.GOOD,
            "judgement_date": today - days(400),
            "services_overview": "An independent special school for 40 pupils aged 7 to 16 with autism.",
            "working_with_parents": "A key worker for each family, termly coffee mornings and a weekly call.",
            "learner_voice": "A school council, pupil passports and pupils' views at every annual review.",
        },
        insurances=[
            (InsuranceKind.EMPLOYERS_LIABILITY, "Zurich Municipal", 10_000_000, today + days(21)),
            (InsuranceKind.PUBLIC_LIABILITY, "Zurich Municipal", 5_000_000, today + days(240)),
            (InsuranceKind.PROFESSIONAL_INDEMNITY, "Hiscox", 2_000_000, today + days(300)),
        ],
        policies=[(PolicyKind.SAFEGUARDING, today + days(180)), (PolicyKind.COMPLAINTS, today + days(90))],
    )
    _pack(
        provider=riverside,
        school={
            "name": "Riverside Academy",
            "regulator": Regulator.OFSTED,
            "urn": "152409",
            "dfe_number": "931/7004",
            "judgement": Judgement.OUTSTANDING,
            "judgement_date": today - days(700),
            "services_overview": "Day and weekly residential places for young people aged 11 to 19 with SEMH needs.",
            "working_with_parents": "Family liaison officers and a parents' forum each half term.",
            "learner_voice": "Student advocates and a learner panel that interviews new staff.",
        },
        insurances=[
            (InsuranceKind.EMPLOYERS_LIABILITY, "Ecclesiastical", 10_000_000, today + days(150)),
            (InsuranceKind.PUBLIC_LIABILITY, "Ecclesiastical", 10_000_000, today + days(150)),
        ],
        policies=[
            (PolicyKind.SAFEGUARDING, today - days(12)),
            (PolicyKind.DATA_PROTECTION, today + days(200)),
        ],
    )
    riverside_profile = riverside.organisation.provider_profile
    if not riverside_profile.financial_checks.exists():
        services.financial_check_record(
            actor=commissioner, profile=riverside_profile, result="pass", checked_on=today - days(60)
        )
