"""The whole cycle for one authority, made directly: gap -> intention -> business case -> specification
version -> tender -> award -> contract; a purchasing system with a membership and an admission contract;
a referral and its placement agreement. Deterministic values; states set explicitly."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from commissioning.models import (
    BusinessCase,
    BusinessCaseStatus,
    CommissioningIntention,
    ServiceSpecification,
    SpecificationVersion,
)
from contracts.models import Contract, ContractCapacity, ContractOrigin
from procurement.models import (
    Award,
    FpsLot,
    IndividualPlacementAgreement,
    Lot,
    Membership,
    PurchasingSystem,
    Referral,
    ReferralStatus,
    Submission,
    SubmissionStatus,
    Tender,
    TenderRoute,
    TenderStatus,
)


@dataclass
class Chain:
    intention: CommissioningIntention
    business_case: BusinessCase
    specification: ServiceSpecification
    version: SpecificationVersion
    tender: Tender
    award: Award
    contract: Contract


def make_chain(commissioner, provider, *, tag: str = "A", gap: str = "5-10/ASD") -> Chain:
    """An awarded tender from a gap, ending in a live contract with the provider."""
    organisation = commissioner.organisation
    band, need = gap.split("/")
    intention = CommissioningIntention.objects.create(
        organisation=organisation,
        title=f"More local autism places {tag}",
        summary="Children travel too far for specialist places.",
        priority="high",
        status="active",
        service_area="Specialist places",
        primary_need=need if need != "all" else "",
        age_band=band,
        target_date=datetime.date(2027, 9, 1),
        owner=commissioner,
        gap_reference=gap,
        created_by=commissioner,
    )
    case = BusinessCase.objects.create(
        organisation=organisation,
        intention=intention,
        title=f"Autism places business case {tag}",
        status=BusinessCaseStatus.CABINET_APPROVED,
        author=commissioner,
    )
    specification = ServiceSpecification.objects.create(
        organisation=organisation,
        intention=intention,
        business_case=case,
        title=f"Autism day places {tag}",
        status="approved",
        created_by=commissioner,
    )
    version = SpecificationVersion.objects.create(
        specification=specification,
        number=1,
        sections={"aims": "Good local places."},
        locked_at=timezone.now(),
        locked_reason="approved",
        created_by=commissioner,
    )
    tender = Tender.objects.create(
        organisation=organisation,
        reference=f"{organisation.slug[:2].upper()}-T-{tag}",
        title=f"Autism day places {tag}",
        route=TenderRoute.OPEN,
        status=TenderStatus.AWARDED,
        business_case=case,
        specification_version=version,
        created_by=commissioner,
        published_at=timezone.now(),
    )
    lot = Lot.objects.create(tender=tender, number=1, title="Day places")
    submission = Submission.objects.create(
        tender=tender,
        lot=lot,
        provider=provider,
        status=SubmissionStatus.SUBMITTED,
        price=Decimal("500000"),
        created_by=commissioner,
    )
    award = Award.objects.create(
        tender=tender,
        lot=lot,
        submission=submission,
        total_score=Decimal("81.50"),
        value=Decimal("500000"),
        recommended_by=commissioner,
    )
    contract = Contract.objects.create(
        organisation=organisation,
        provider=provider,
        reference=f"{organisation.slug[:2].upper()}-C-{tag}",
        title=f"Autism day places {tag}",
        origin=ContractOrigin.AWARD,
        award=award,
        value=Decimal("500000"),
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
        created_by=commissioner,
    )
    return Chain(intention, case, specification, version, tender, award, contract)


def add_places(contract, places, *, need="ASD", band="5-10", setting="state_special") -> ContractCapacity:
    return ContractCapacity.objects.create(
        contract=contract, primary_need=need, age_band=band, setting=setting, places=places
    )


def make_system(lead, *, name="North West SEND FPS") -> tuple[PurchasingSystem, FpsLot]:
    system = PurchasingSystem.objects.create(
        name=name,
        lead_authority=lead.organisation,
        overarching_contract_title="Overarching agreement",
        overarching_contract_terms="Terms.",
        starts_on=datetime.date(2026, 4, 1),
    )
    system.member_authorities.add(lead.organisation)
    lot = FpsLot.objects.create(system=system, code="L1", title="0–16 day", age_from=0, age_to=16)
    return system, lot


def make_membership(lot, provider, lead, *, admission_tender=None) -> Membership:
    return Membership.objects.create(
        lot=lot, provider=provider, admitted_by=lead, admission_tender=admission_tender
    )


def make_admission_contract(commissioner, membership, *, reference="FPS-C-1") -> Contract:
    return Contract.objects.create(
        organisation=commissioner.organisation,
        provider=membership.provider,
        reference=reference,
        title="Overarching agreement",
        origin=ContractOrigin.FPS_ADMISSION,
        membership=membership,
        value=Decimal("0"),
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2030, 3, 31),
        created_by=commissioner,
    )


def make_ipa(
    commissioner,
    lot,
    provider,
    *,
    reference="IPA-1",
    year_of_birth=2016,
    need="ASD",
    start_on=datetime.date(2026, 9, 1),
    end_on=datetime.date(2029, 7, 31),
) -> IndividualPlacementAgreement:
    referral = Referral.objects.create(
        authority=commissioner.organisation,
        lot=lot,
        status=ReferralStatus.PLACED,
        case_reference=f"CASE-{reference}",
        year_of_birth=year_of_birth,
        primary_need=need,
        key_requirements="A quiet space.",
        wanted_start_on=start_on,
        respond_by=timezone.now(),
        created_by=commissioner,
    )
    return IndividualPlacementAgreement.objects.create(
        referral=referral,
        reference=reference,
        authority=commissioner.organisation,
        provider=provider,
        lot=lot,
        case_reference=referral.case_reference,
        start_on=start_on,
        end_on=end_on,
        weekly_fee=Decimal("3250"),
        created_by=commissioner,
    )
