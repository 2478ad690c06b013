"""A small world for the fuzz tests: one council's whole cycle, a draft tender, a purchasing system, an
open consultation and a contract with KPIs, so every form can be built and every sampled page renders.

Each Hypothesis example runs inside `support.rolled_back()`, so what one example writes never leaks into the
next.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from commissioning.models import ServiceSpecification, SpecificationVersion
from contracts.tests.factories import add_kpi
from coproduction.services import consultation_open
from core.tests.conftest import real_clamd  # noqa: F401 - the real clamd, for the EICAR upload tests
from dashboard.tests.factories import make_chain, make_membership, make_system
from procurement.models import CriterionKind
from procurement.tests.tenders.conftest import complete_draft


@dataclass
class World:
    commissioner: object
    lead: object
    forum_member: object
    provider: object
    chain: object
    draft_tender: object
    system: object
    fps_lot: object
    membership: object
    consultation: object
    kpi: object


@pytest.fixture
def world(
    commissioner_northshire, lead_northshire, forum_member, provider_oakfield, northshire_pcf, oakfield
) -> World:
    chain = make_chain(commissioner_northshire, oakfield)
    kpi = add_kpi(chain.contract, "Sessions attended: 90% or more")
    draft = complete_draft(commissioner_northshire, reference="NS-FUZZ-1")
    # Text that council staff type can hold a per cent sign, which Django's messages treat as a format.
    draft.criteria.filter(kind=CriterionKind.QUALITY).update(
        title="How will you get attendance to 95% or more?"
    )
    system, fps_lot = make_system(lead_northshire)
    membership = make_membership(fps_lot, oakfield, lead_northshire)
    specification = ServiceSpecification.objects.create(
        organisation=commissioner_northshire.organisation,
        title="Short breaks",
        status="draft",
        created_by=commissioner_northshire,
    )
    SpecificationVersion.objects.create(
        specification=specification,
        number=1,
        sections={"aims": "Give families a break.", "eligibility": "Children aged 5 to 18."},
        created_by=commissioner_northshire,
    )
    today = timezone.localdate()
    consultation = consultation_open(
        actor=commissioner_northshire,
        specification=specification,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=28),
        forums=[northshire_pcf],
    )
    return World(
        commissioner=commissioner_northshire,
        lead=lead_northshire,
        forum_member=forum_member,
        provider=provider_oakfield,
        chain=chain,
        draft_tender=draft,
        system=system,
        fps_lot=fps_lot,
        membership=membership,
        consultation=consultation,
        kpi=kpi,
    )
