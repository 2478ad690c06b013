"""Review's entries in the access matrix: contracts, returns, meetings, QA, decommissioning, annual checks.

Side A is Northshire Council's contract with Oakfield; side B is Southvale Council's with Riverside.
`make(side)` returns a `ContractsSide` whose attributes build their object (and what it needs) on first
use, through the helpers Review's own tests use. The purchasing system behind the annual checks is the
procurement side's (`tests.matrix.procurement`).

`build_world(side, marker)` makes one of each main object with `marker` in its references and titles,
for the test that lists, exports and searches must show only what a person may see.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from conftest import PASSWORD
from contracts.models import ContractCapacity, ProviderCheck
from contracts.services import checks as check_services
from contracts.services import decommissioning as decommissioning_services
from contracts.tests.checks.helpers import CHECK_DAY
from contracts.tests.checks.helpers import submit as submit_evidence
from contracts.tests.contracts.conftest import record_meeting, submit_return
from contracts.tests.decommissioning import helpers as decommissioning
from contracts.tests.factories import add_kpi, make_contract
from contracts.tests.quality.conftest import _qa_set
from contracts.tests.quality.factories import recorded_visit
from tests.access import only
from tests.matrix import Entry

from . import procurement
from .procurement import COMMISSIONERS, PROVIDERS, READERS, _each, _refused_post


class ContractsSide:
    """One side's Review objects, each built on first use."""

    def __init__(self, side, marker: str = ""):
        self.source = side
        self.procurement = procurement.make(side) if not marker else procurement.ProcurementSide(side, marker)
        self.people = self.procurement.people
        self.marker = marker

    def _ref(self, what: str) -> str:
        return self.procurement._ref(what)

    @cached_property
    def second_commissioner(self):
        """Another commissioner of the side's council: approves what the first proposes."""
        if hasattr(self.source, "user"):
            return self.source.user(Role.COMMISSIONER)
        email = f"second@{self.people.council.slug}.matrix.test"
        return User.objects.filter(email=email).first() or user_create(
            email=email,
            full_name="Ruth Osei",
            organisation=self.people.council,
            roles=[Role.COMMISSIONER],
            password=PASSWORD,
        )

    # Contract, KPIs, capacity, returns, meetings ----------------------------------------------------

    @cached_property
    def contract(self):
        """A live spot contract that started two years ago and runs two more, with one KPI."""
        today = timezone.localdate()
        contract = make_contract(
            organisation=self.people.council,
            provider=self.people.provider,
            created_by=self.people.commissioner,
            reference=self._ref("C-001"),
            title=f"Short breaks for disabled children{self.marker}",
            starts_on=today - datetime.timedelta(days=730),
            ends_on=today + datetime.timedelta(days=730),
        )
        add_kpi(contract)
        return contract

    @property
    def kpi(self):
        return self.contract.kpis.get()

    @cached_property
    def capacity(self) -> ContractCapacity:
        return ContractCapacity.objects.create(
            contract=self.contract,
            primary_need="ASD",
            age_band="11-15",
            setting="independent_special",
            places=4,
        )

    @cached_property
    def performance_return(self):
        """The provider's return for the first quarter of this year of the contract, waiting for review."""
        start = self.contract.starts_on
        return submit_return(
            self.contract, self.people.provider_user, start=start, end=start + datetime.timedelta(days=90)
        )

    @cached_property
    def meeting_action(self):
        """An action on the provider from a monitoring meeting."""
        return record_meeting(self.contract, self.people.commissioner).actions.get()

    # Quality assurance ------------------------------------------------------------------------------

    @cached_property
    def qa(self):
        """A visit whose report is issued (which books the next, scheduled), an improvement plan from it
        with one open action, and the provider's update on it carrying evidence."""
        return _qa_set(self.contract, self.people.commissioner, self.people.provider_user)

    @cached_property
    def recorded_visit(self):
        """A visit with its findings recorded, its report not yet issued."""
        return recorded_visit(self.contract, self.people.commissioner)

    # Decommissioning --------------------------------------------------------------------------------

    @cached_property
    def decommissioning(self):
        """Proposed, approved by a second commissioner, notice served (so the provider reads it), with one
        child in the exit plan."""
        proposed = decommissioning.propose(self.contract, self.people.commissioner)
        approved = decommissioning.approve(proposed, self.second_commissioner)
        served = decommissioning.serve(approved, self.people.commissioner)
        decommissioning_services.exit_row_add(
            decommissioning=served, actor=self.people.commissioner, case_reference=self._ref("0457")
        )
        return served

    @property
    def exit_row(self):
        return self.decommissioning.exit_rows.get()

    # Annual checks ----------------------------------------------------------------------------------

    @cached_property
    def check(self) -> ProviderCheck:
        """The provider's annual check on the side's purchasing system, evidence sent."""
        place = self.procurement.place
        check_services.annual_checks_run(today=CHECK_DAY, system=place.lot.system)
        check = ProviderCheck.objects.get(system=place.lot.system, provider=self.people.provider)
        return submit_evidence(check, self.people.provider_user) or check

    @property
    def check_evidence(self):
        return self.check.evidence.order_by("pk").first()


def make(side) -> ContractsSide:
    """Side "A" (Northshire, Oakfield) or "B" (Southvale, Riverside), or the matrix's `Side` (made once
    per Side); objects are built when first read."""
    if hasattr(side, "persona"):
        cache = side.__dict__
        if "_contracts" not in cache:
            cache["_contracts"] = ContractsSide(side)
        return cache["_contracts"]
    return ContractsSide(side)


def build_world(side, marker: str) -> ContractsSide:
    """One of each main Review object for `side`, with `marker` in references and titles: a contract
    with a return and a meeting, a completed QA visit with an improvement plan, a decommissioning, and the
    provider's annual check."""
    world = ContractsSide(side, marker)
    for name in ("performance_return", "meeting_action", "qa", "decommissioning", "check"):
        getattr(world, name)
    return world


# Entries -------------------------------------------------------------------------------------------


def _pk(attribute: str, key: str = "pk"):
    """A `make` for a URL whose only id is the side's object `attribute`."""

    def build(side) -> dict:
        value = make(side)
        for part in attribute.split("."):
            value = getattr(value, part)
        return {key: value.pk}

    build.__name__ = f"make_{attribute.replace('.', '_')}"
    return build


def _kpi(side) -> dict:
    review = make(side)
    return {"pk": review.contract.pk, "kpi_pk": review.kpi.pk}


def _capacity(side) -> dict:
    review = make(side)
    return {"pk": review.contract.pk, "row_pk": review.capacity.pk}


def _exit_row(side) -> dict:
    review = make(side)
    return {"pk": review.decommissioning.pk, "row_pk": review.exit_row.pk}


ENTRIES = [
    Entry(
        "contracts:contract_detail",
        make=_pk("contract"),
        get=only(_each(READERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:contract_edit",
        make=_pk("contract"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:kpi_add",
        make=_pk("contract"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:kpi_edit",
        make=_kpi,
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry("contracts:kpi_remove", make=_kpi, get=only({}, others=405), post=only(_each(COMMISSIONERS, 302))),
    Entry(
        "contracts:capacity_add",
        make=_pk("contract"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:capacity_remove",
        make=_capacity,
        get=only({}, others=405),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "contracts:risk_assess",
        make=_pk("contract"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:review_decide",
        make=_pk("contract"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:return_submit",
        make=_pk("contract"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 400)),
        **_refused_post(PROVIDERS),
    ),
    Entry(
        "contracts:meeting_add",
        make=_pk("contract"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:return_detail",
        make=_pk("performance_return"),
        get=only(_each(READERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:return_review",
        make=_pk("performance_return"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:return_resubmit",
        make=_pk("performance_return"),
        get=only(_each(PROVIDERS, 302)),
        post=only(_each(PROVIDERS, 302)),
    ),
    Entry(
        "contracts:meeting_action_done",
        make=_pk("meeting_action"),
        get=only({}, others=405),
        post=only(_each(READERS, 302)),
    ),
    Entry(
        "contracts:qa_contract",
        make=_pk("contract"),
        get=only(_each(READERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:qa_visit_add",
        make=_pk("contract"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:qa_plan_create",
        make=_pk("contract"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:qa_visit_detail",
        make=_pk("qa.completed"),
        get=only(_each(READERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:qa_visit_arrange",
        make=_pk("qa.scheduled"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:qa_visit_cancel",
        make=_pk("qa.scheduled"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:qa_visit_record",
        make=_pk("qa.scheduled"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "contracts:qa_visit_complete",
        make=_pk("recorded_visit"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "contracts:qa_visit_pdf",
        make=_pk("qa.completed"),
        get=only(_each(READERS, 200)),
        post=only(_each(READERS, 405)),
    ),
    Entry(
        "contracts:qa_plan_create_for_visit",
        make=_pk("qa.completed"),
        get=only(_each(COMMISSIONERS, 302)),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "contracts:qa_plan_detail",
        make=_pk("qa.plan"),
        get=only(_each(READERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:qa_action_add",
        make=_pk("qa.plan"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:qa_action_detail",
        make=_pk("qa.action"),
        get=only(_each(READERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:qa_action_update",
        make=_pk("qa.action"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 400)),
        **_refused_post(PROVIDERS),
    ),
    Entry(
        "contracts:qa_action_verify",
        make=_pk("qa.action"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:qa_action_return",
        make=_pk("qa.action"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:qa_evidence_download",
        make=_pk("qa.update"),
        get=only(_each(READERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:decommissioning_start",
        make=_pk("contract", "contract_pk"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:decommissioning_detail",
        make=_pk("decommissioning"),
        get=only(_each(READERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:decommissioning_approve",
        make=_pk("decommissioning"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:decommissioning_notice",
        make=_pk("decommissioning"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:decommissioning_row_add",
        make=_pk("decommissioning"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:decommissioning_row_edit",
        make=_exit_row,
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "contracts:decommissioning_row_remove",
        make=_exit_row,
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 302)),
        note="The row was added by hand, so the confirmation's POST removes it.",
    ),
    Entry(
        "contracts:decommissioning_communication_add",
        make=_pk("decommissioning"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:decommissioning_complete",
        make=_pk("decommissioning"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:decommissioning_cancel",
        make=_pk("decommissioning"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "contracts:check_detail",
        make=_pk("check"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:check_verify",
        make=_pk("check"),
        get=only({"lead_northshire": 200}),
        post=only({"lead_northshire": 302}),
    ),
    Entry(
        "contracts:check_fail",
        make=_pk("check"),
        get=only({"lead_northshire": 200}),
        post=only({"lead_northshire": 400}),
        **_refused_post(["lead_northshire"]),
    ),
    Entry(
        "contracts:check_evidence_download",
        make=_pk("check_evidence"),
        get=only({**_each(PROVIDERS, 200), "lead_northshire": 200}),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:my_check_detail",
        make=_pk("check"),
        get=only(_each(PROVIDERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "contracts:my_check_submit",
        make=_pk("check"),
        get=only(_each(PROVIDERS, 302)),
        post=only(_each(PROVIDERS, 302)),
    ),
]
