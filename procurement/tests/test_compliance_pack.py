import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.audit import audit_events_for
from core.documents import document_store
from core.models import AuditAction
from core.uploads import UploadRejected
from procurement.models import FinancialResult, InsuranceKind, Judgement, PolicyKind
from procurement.selectors.compliance import pack_completeness, pack_expiry_flags, profiles_for_user
from procurement.services import compliance as services

TODAY = datetime.date(2026, 6, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pack(oakfield):
    return services.provider_profile_get_or_create(organisation=oakfield)


@pytest.fixture
def riverside_pack(riverside):
    return services.provider_profile_get_or_create(organisation=riverside)


def _insurance(actor, pack, **overrides):
    values = {
        "kind": InsuranceKind.PUBLIC_LIABILITY,
        "insurer": "Zurich",
        "cover_pounds": 5_000_000,
        "expires_on": TODAY + datetime.timedelta(days=200),
        **overrides,
    }
    return services.insurance_add(actor=actor, profile=pack, **values)


def test_an_insurance_added_by_its_provider_is_audited(provider_oakfield, pack):
    """Adding an insurance stores it and writes a create event naming the provider user."""
    insurance = _insurance(provider_oakfield, pack)
    (event,) = audit_events_for(insurance)
    assert event.action == AuditAction.CREATE and event.actor_id == provider_oakfield.pk


def test_an_expired_insurance_is_allowed_and_flagged(provider_oakfield, pack):
    """An expiry date in the past is accepted; the pack flags it as expired."""
    _insurance(provider_oakfield, pack, expires_on=TODAY - datetime.timedelta(days=3))
    (flag,) = pack_expiry_flags(pack, today=TODAY)
    assert flag.expired and flag.text == "Expired"


@pytest.mark.parametrize("cover", [0, -5])
def test_cover_must_be_positive(provider_oakfield, pack, cover):
    with pytest.raises(ValidationError):
        _insurance(provider_oakfield, pack, cover_pounds=cover)


def test_a_policy_needs_a_review_date(provider_oakfield, pack):
    with pytest.raises(ValidationError):
        services.policy_add(
            actor=provider_oakfield, profile=pack, kind=PolicyKind.SAFEGUARDING, review_on=None
        )


def test_another_policy_needs_a_name(provider_oakfield, pack):
    with pytest.raises(ValidationError):
        services.policy_add(actor=provider_oakfield, profile=pack, kind=PolicyKind.OTHER, review_on=TODAY)


def test_another_provider_cannot_change_the_pack(provider_riverside, pack):
    with pytest.raises(PermissionDenied):
        _insurance(provider_riverside, pack)


def test_a_document_of_another_organisation_is_refused(
    provider_oakfield, provider_riverside, pack, riverside
):
    document = document_store(
        organisation=riverside,
        uploaded_by=provider_riverside,
        uploaded_file=SimpleUploadedFile("c.pdf", PDF),
        title="Certificate",
    )
    with pytest.raises(ValidationError):
        _insurance(provider_oakfield, pack, certificate=document)


def test_a_disguised_certificate_is_refused_by_content(oakfield, provider_oakfield):
    """A file named .pdf that is not a PDF is refused before anything is stored."""
    with pytest.raises(UploadRejected):
        document_store(
            organisation=oakfield,
            uploaded_by=provider_oakfield,
            uploaded_file=SimpleUploadedFile("c.pdf", b"MZ\x90\x00 not a pdf"),
            title="Certificate",
        )


def test_expiry_flags_at_fixed_dates(provider_oakfield, pack):
    """Items due within 60 days are flagged, soonest first; 30 days or less is urgent; later ones are not."""
    _insurance(
        provider_oakfield,
        pack,
        kind=InsuranceKind.EMPLOYERS_LIABILITY,
        expires_on=TODAY + datetime.timedelta(days=45),
    )
    _insurance(provider_oakfield, pack, expires_on=TODAY + datetime.timedelta(days=61))
    services.policy_add(
        actor=provider_oakfield,
        profile=pack,
        kind=PolicyKind.SAFEGUARDING,
        review_on=TODAY + datetime.timedelta(days=1),
    )
    flags = pack_expiry_flags(pack, today=TODAY)
    assert [(f.label, f.text, f.urgent) for f in flags] == [
        ("Safeguarding policy review", "Expires in 1 day", True),
        ("Employer's liability insurance", "Expires in 45 days", False),
    ]


def test_a_removed_item_is_no_longer_flagged_and_removal_is_audited(provider_oakfield, pack):
    insurance = _insurance(provider_oakfield, pack, expires_on=TODAY)
    services.pack_item_remove(actor=provider_oakfield, item=insurance)
    assert pack_expiry_flags(pack, today=TODAY) == []
    assert audit_events_for(insurance).first().action == AuditAction.DELETE


def test_completeness_says_what_is_missing(provider_oakfield, commissioner_northshire, pack):
    assert pack_completeness(pack).summary == "0 of 7 items in place"
    services.setting_add(
        actor=provider_oakfield,
        profile=pack,
        name="Oakfield School",
        urn="123456",
        judgement=Judgement.GOOD,
        judgement_date=TODAY,
    )
    for kind in InsuranceKind:
        _insurance(provider_oakfield, pack, kind=kind)
    services.policy_add(actor=provider_oakfield, profile=pack, kind=PolicyKind.SAFEGUARDING, review_on=TODAY)
    services.financial_check_record(
        actor=commissioner_northshire, profile=pack, result=FinancialResult.PASS, checked_on=TODAY
    )
    completeness = pack_completeness(pack)
    assert completeness.summary == "6 of 7 items in place"
    assert completeness.missing == ["A registration certificate and statement of purpose for every setting"]


def test_a_judgement_needs_its_date(provider_oakfield, pack):
    with pytest.raises(ValidationError):
        services.setting_add(
            actor=provider_oakfield, profile=pack, name="X", urn="1", judgement=Judgement.GOOD
        )


def test_only_a_council_commissioner_records_the_financial_check(
    provider_oakfield, finance_northshire, commissioner_southvale, pack
):
    for actor in (provider_oakfield, finance_northshire):
        with pytest.raises(PermissionDenied):
            services.financial_check_record(actor=actor, profile=pack, result="pass", checked_on=TODAY)
    check = services.financial_check_record(
        actor=commissioner_southvale, profile=pack, result="fail", checked_on=TODAY
    )
    assert check.council_id == commissioner_southvale.organisation_id
    assert audit_events_for(check).count() == 1


def test_scoped_packs(
    provider_oakfield, commissioner_northshire, forum_member, finance_northshire, pack, riverside_pack
):
    assert list(profiles_for_user(provider_oakfield)) == [pack]
    assert set(profiles_for_user(commissioner_northshire)) == {pack, riverside_pack}
    assert not profiles_for_user(forum_member).exists()
    assert not profiles_for_user(finance_northshire).exists()


def test_only_providers_have_a_pack(northshire):
    with pytest.raises(ValidationError):
        services.provider_profile_get_or_create(organisation=northshire)


def test_a_judgement_date_in_the_future_is_refused(provider_oakfield, pack):
    """An inspection cannot have happened yet; the error names the date field."""
    from django.utils import timezone

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.setting_add(
            actor=provider_oakfield,
            profile=pack,
            name="X",
            urn="1",
            judgement=Judgement.GOOD,
            judgement_date=tomorrow,
        )
    assert "judgement_date" in caught.value.message_dict


def test_changing_a_setting_to_a_judgement_needs_its_date(provider_oakfield, pack):
    setting = services.setting_add(actor=provider_oakfield, profile=pack, name="X", urn="1")
    with pytest.raises(ValidationError) as caught:
        services.setting_change(actor=provider_oakfield, setting=setting, judgement=Judgement.GOOD)
    assert "judgement_date" in caught.value.message_dict
    setting.refresh_from_db()
    assert setting.judgement == Judgement.NOT_YET_INSPECTED


def test_scoped_items_reach_own_items_for_a_provider_and_all_for_a_commissioner(
    provider_oakfield, provider_riverside, commissioner_northshire, forum_member, pack, riverside_pack
):
    from procurement.selectors.compliance import insurances_for_user, own_profile

    mine = _insurance(provider_oakfield, pack)
    theirs = _insurance(provider_riverside, riverside_pack)
    removed = _insurance(provider_oakfield, pack, kind=InsuranceKind.EMPLOYERS_LIABILITY)
    services.pack_item_remove(actor=provider_oakfield, item=removed)
    assert list(insurances_for_user(provider_oakfield)) == [mine]
    assert set(insurances_for_user(commissioner_northshire)) == {mine, theirs}
    assert not insurances_for_user(forum_member).exists()
    assert own_profile(provider_oakfield) == pack and own_profile(commissioner_northshire) is None


def test_own_profile_is_none_before_anything_is_added(provider_oakfield):
    from procurement.models import ProviderProfile
    from procurement.selectors.compliance import own_profile

    assert own_profile(provider_oakfield) is None and not ProviderProfile.objects.exists()
