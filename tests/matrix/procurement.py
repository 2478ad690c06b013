"""Builders for procurement's entries in the access matrix: each side's objects, made on first use.

Side A is Northshire Council with Oakfield School Ltd (and the Northshire parent carer forum, which owns
nothing here); side B is Southvale Council with Riverside Learning Trust. `make(side)` returns a
`ProcurementSide` whose attributes build their object (and what it needs) the first time an entry asks
for it, so a test builds only what its URL needs. Every object is made through the helpers the
procurement tests already use.

The personas (conftest.py) must exist before a side is built; a side's extra people (Southvale's lead
commissioner and evaluator) are made here.

`build_world(side, marker)` makes one of each main object with `marker` in its names and references,
for the test that lists, exports and searches must show only what a person may see.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cached_property

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organisation, Role, User
from accounts.services import user_create
from conftest import PASSWORD
from contracts.tests.contracts.factories import make_award
from core.documents import document_store
from core.tests.test_uploads import pdf_bytes
from procurement.models import (
    ConflictDeclaration,
    PanelMember,
    ReferralResponse,
    SubmissionDocument,
    TenderRoute,
)
from procurement.services import fps as fps_services
from procurement.services import referrals as referral_services
from procurement.services import tenders as tender_services
from procurement.tests.evaluation.conftest import make_bid, make_tender
from procurement.tests.fps.factories import admit, answer, make_referral, place
from procurement.tests.tenders.conftest import complete_draft, fill_and_submit, upload
from procurement.tests.test_compliance_pages import make_pack
from tests.access import only
from tests.matrix import Entry


@dataclass(frozen=True)
class People:
    """Who acts for one side: its council, its provider and the people of each."""

    key: str  # "A" or "B"
    prefix: str  # reference prefix, "NS" or "SV"
    council: Organisation
    provider: Organisation
    commissioner: User
    lead: User
    evaluator: User
    provider_user: User


# The personas' e-mail addresses (conftest.py) and the extra people a side needs.
_SIDES = {
    "A": {
        "prefix": "NS",
        "council": "northshire",
        "provider": "oakfield",
        "commissioner": "commissioner@northshire.test",
        "lead": "lead@northshire.test",
        "evaluator": "evaluator@northshire.test",
        "provider_user": "provider@oakfield.test",
    },
    "B": {
        "prefix": "SV",
        "council": "southvale",
        "provider": "riverside",
        "commissioner": "commissioner@southvale.test",
        "lead": "lead@southvale.test",
        "evaluator": "evaluator@southvale.test",
        "provider_user": "provider@riverside.test",
    },
}
_EXTRA = {
    "lead@southvale.test": ("Ravi Mistry", [Role.COMMISSIONER, Role.LEAD_COMMISSIONER]),
    "evaluator@southvale.test": ("Ivy Moss", [Role.EVALUATOR]),
}


def _side_key(side: str) -> str:
    key = str(side).strip().upper()
    if key in ("NORTHSHIRE", "OWN"):
        key = "A"
    if key in ("SOUTHVALE", "OTHER"):
        key = "B"
    if key not in _SIDES:
        raise ValueError(f"No side {side!r}: use 'A' (Northshire, Oakfield) or 'B' (Southvale, Riverside)")
    return key


def _user(email: str, organisation: Organisation) -> User:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    if email not in _EXTRA:
        raise LookupError(f"{email} does not exist: request the personas' fixtures before building a side")
    name, roles = _EXTRA[email]
    return user_create(email=email, full_name=name, organisation=organisation, roles=roles, password=PASSWORD)


def people(side) -> People:
    """A side's people. `side` is the matrix's `Side` (whose personas and extra users it uses) or "A"/"B"
    (the personas must exist already)."""
    if hasattr(side, "persona"):
        key = _side_key(side.name)
        spec = _SIDES[key]
        if key == "A":
            lead, evaluator = side.persona("lead_northshire"), side.persona("evaluator_northshire")
        else:
            lead = side.user(Role.COMMISSIONER, Role.LEAD_COMMISSIONER)
            evaluator = side.user(Role.EVALUATOR)
        return People(
            key=key,
            prefix=spec["prefix"],
            council=side.council,
            provider=side.provider,
            commissioner=side.commissioner,
            lead=lead,
            evaluator=evaluator,
            provider_user=side.provider_user,
        )
    key = _side_key(side)
    spec = _SIDES[key]
    council = Organisation.objects.get(slug=spec["council"])
    provider = Organisation.objects.get(slug=spec["provider"])
    return People(
        key=key,
        prefix=spec["prefix"],
        council=council,
        provider=provider,
        commissioner=_user(spec["commissioner"], council),
        lead=_user(spec["lead"], council),
        evaluator=_user(spec["evaluator"], council),
        provider_user=_user(spec["provider_user"], provider),
    )


def _pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


class ProcurementSide:
    """One side's procurement objects, each built on first use."""

    def __init__(self, side, marker: str = ""):
        self.people = people(side)
        self.marker = marker

    def _ref(self, what: str) -> str:
        """A reference (letters, numbers and hyphens) carrying the marker."""
        marker = re.sub(r"[^A-Za-z0-9]", "", self.marker)
        return f"{self.people.prefix}-{what}-{marker}" if marker else f"{self.people.prefix}-{what}"

    # Compliance pack -------------------------------------------------------------------------------

    @cached_property
    def pack(self) -> dict:
        """The provider's pack: profile, setting, insurance and policy, every document uploaded."""
        return make_pack(self.people.provider_user)

    @property
    def profile(self):
        return self.pack["profile"]

    @property
    def insurance(self):
        return self.pack["insurance"]

    @property
    def setting(self):
        return self.pack["setting"]

    @property
    def policy(self):
        return self.pack["policy"]

    # Tenders ---------------------------------------------------------------------------------------

    @cached_property
    def draft_tender(self):
        """A complete draft (publishable), with a tender document attached."""
        tender = complete_draft(self.people.commissioner, reference=self._ref("DRAFT"))
        self._attach_document(tender)
        return tender

    def _attach_document(self, tender):
        commissioner = self.people.commissioner
        document = document_store(
            organisation=commissioner.organisation,
            uploaded_by=commissioner,
            uploaded_file=upload("specification.pdf"),
            title=f"Specification{self.marker}",
        )
        return tender_services.tender_document_add(tender=tender, actor=commissioner, document=document)

    @property
    def draft_lot(self):
        return self.draft_tender.lots.get(number=1)

    @property
    def draft_document(self):
        return self.draft_tender.documents.get()

    @cached_property
    def published_tender(self):
        """Published, open for bids for three weeks more: its bids are sealed."""
        tender = complete_draft(self.people.commissioner, reference=self._ref("OPEN"))
        self._attach_document(tender)
        return tender_services.tender_publish(tender=tender, actor=self.people.commissioner)

    @property
    def published_document(self):
        return self.published_tender.documents.get()

    @cached_property
    def clarification(self):
        """The provider's question on the published tender, not answered yet."""
        return tender_services.clarification_ask(
            tender=self.published_tender,
            actor=self.people.provider_user,
            question=f"May we bid for part of the lot?{self.marker}",
        )

    @cached_property
    def _sealed(self):
        return fill_and_submit(self.published_tender, self.people.provider_user)

    @property
    def sealed_bid(self):
        """The provider's submitted bid on the published tender, before the deadline: sealed."""
        return self._sealed[0]

    @property
    def sealed_receipt(self):
        return self._sealed[1]

    @property
    def sealed_document(self):
        return self.sealed_bid.documents.get(removed_at__isnull=True)

    # Evaluation ------------------------------------------------------------------------------------

    @cached_property
    def opened_tender(self):
        """In evaluation: the provider's bid is open, the side's evaluator is on the panel and has
        declared no conflict."""
        people = self.people
        tender = make_tender(
            organisation=people.council, created_by=people.commissioner, reference=self._ref("EVAL")
        )
        PanelMember.objects.create(tender=tender, evaluator=people.evaluator, added_by=people.commissioner)
        ConflictDeclaration.objects.create(tender=tender, evaluator=people.evaluator)
        return tender

    @property
    def panel_member(self):
        return self.opened_tender.panel.get()

    @cached_property
    def opened_bid(self):
        bid = make_bid(
            tender=self.opened_tender, provider=self.people.provider, created_by=self.people.provider_user
        )
        document = document_store(
            organisation=self.people.provider,
            uploaded_by=self.people.provider_user,
            uploaded_file=_pdf("pricing-schedule.pdf"),
            title=f"Pricing schedule{self.marker}",
            sealed_until=self.opened_tender.submission_deadline,
        )
        SubmissionDocument.objects.create(submission=bid, document=document, sha256=document.sha256)
        return bid

    @property
    def opened_bid_document(self):
        return self.opened_bid.documents.get()

    @cached_property
    def letter_bid(self):
        """The provider's winning bid on an awarded tender: its award letter can be read."""
        award = make_award(
            self.people.council,
            self.people.commissioner,
            self.people.provider_user,
            reference=self._ref("AWD"),
        )
        return award.submission

    # Purchasing systems ----------------------------------------------------------------------------

    @cached_property
    def system(self):
        """A purchasing system the side's council leads (the other council is not a member)."""
        return fps_services.purchasing_system_create(
            actor=self.people.lead,
            name=f"{self.people.council.name} SEND Flexible Purchasing System{self.marker}",
            overarching_contract_title="Overarching agreement for SEND placements",
            overarching_contract_terms="1. The provider keeps its registration.\n2. It answers referrals.",
            starts_on=datetime.date(2025, 4, 1),
        )

    @cached_property
    def fps_lot(self):
        return fps_services.fps_lot_add(
            system=self.system, actor=self.people.lead, code="L1", title="0–16 day", age_from=0, age_to=16
        )

    @cached_property
    def place(self):
        """The provider's active place on the lot, overarching contract accepted."""
        return admit(self.fps_lot, self.people.provider_user, self.people.lead)

    @cached_property
    def referral(self):
        """A referral sent to the provider, who has answered that it can meet the child's needs."""
        self.place  # noqa: B018 (the provider must be on the lot to be sent it)
        commissioner = self.people.commissioner
        referral = make_referral(commissioner, self.fps_lot, case_reference=self._ref("0457"))
        referral = referral_services.referral_send(referral=referral, actor=commissioner)
        answer(referral, self.people.provider_user)
        return referral

    @property
    def referral_response(self) -> ReferralResponse:
        return self.referral.responses.get(provider=self.people.provider)

    @cached_property
    def ipa(self):
        """A child placed with the provider from a second referral."""
        self.place  # noqa: B018
        commissioner = self.people.commissioner
        referral = make_referral(commissioner, self.fps_lot, case_reference=self._ref("0458"))
        referral = referral_services.referral_send(referral=referral, actor=commissioner)
        return place(referral, commissioner, self.people.provider_user)

    @cached_property
    def round_tender(self):
        """An awarded admission round of the side's system, won by the provider."""
        award = make_award(
            self.people.council,
            self.people.commissioner,
            self.people.provider_user,
            reference=self._ref("RND"),
        )
        award.tender.route = TenderRoute.FPS_ADMISSION
        award.tender.purchasing_system = self.system
        award.tender.save(update_fields=["route", "purchasing_system"])
        return award.tender


def make(side) -> ProcurementSide:
    """Side "A" (Northshire, Oakfield) or "B" (Southvale, Riverside), or the matrix's `Side` (made once
    per Side); objects are built when first read."""
    if hasattr(side, "persona"):
        cache = side.__dict__
        if "_procurement" not in cache:
            cache["_procurement"] = ProcurementSide(side)
        return cache["_procurement"]
    return ProcurementSide(side)


def build_world(side: str, marker: str) -> ProcurementSide:
    """One of each main procurement object for `side`, with `marker` in its names and references: a
    published tender with the provider's bid and a question, a tender in evaluation with an open bid, an
    awarded tender, the provider's pack, a purchasing system with the provider's place, a referral and
    an Individual Placement Agreement."""
    world = ProcurementSide(side, marker)
    for name in (
        "pack",
        "draft_tender",
        "sealed_bid",
        "clarification",
        "opened_bid",
        "letter_bid",
        "referral",
        "ipa",
    ):
        getattr(world, name)
    return world


# Entries -------------------------------------------------------------------------------------------

# The council commissioners of either side (lead_northshire is also a commissioner), the provider users of
# either side, and both together: the people who reach contracts and what hangs off them.
COMMISSIONERS = ["commissioner_northshire", "lead_northshire", "commissioner_southvale"]
PROVIDERS = ["provider_oakfield", "provider_riverside"]
READERS = [*COMMISSIONERS, *PROVIDERS]
_each = dict.fromkeys


def _refused_post(personas) -> dict:
    """For people who reach their own object but whose empty POST is refused with the form's errors
    (400): the other side's object and a missing id still answer 404, not 400."""
    return {"other_post": _each(personas, 404), "missing_post": _each(personas, 404)}


def _refused_get(personas) -> dict:
    return {"other_get": _each(personas, 404), "missing_get": _each(personas, 404)}


def _pk(attribute: str):
    """A `make` for a URL whose only id is the side's object `attribute`."""

    def build(side) -> dict:
        return {"pk": getattr(make(side), attribute).pk}

    build.__name__ = f"make_{attribute}"
    return build


def _part_remove(side) -> dict:
    procurement = make(side)
    return {"pk": procurement.draft_tender.pk, "part": "lots", "part_pk": procurement.draft_lot.pk}


def _tender_document(side) -> dict:
    procurement = make(side)
    return {"pk": procurement.published_tender.pk, "document_pk": procurement.published_document.pk}


def _sealed_document(side) -> dict:
    procurement = make(side)
    return {"pk": procurement.sealed_bid.pk, "document_pk": procurement.sealed_document.pk}


def _receipt(side) -> dict:
    procurement = make(side)
    return {"pk": procurement.sealed_bid.pk, "number": procurement.sealed_receipt.number}


def _panel_member(side) -> dict:
    procurement = make(side)
    return {"pk": procurement.opened_tender.pk, "member_pk": procurement.panel_member.pk}


def _opened_bid(side) -> dict:
    procurement = make(side)
    return {"pk": procurement.opened_tender.pk, "bid_pk": procurement.opened_bid.pk}


def _opened_bid_document(side) -> dict:
    procurement = make(side)
    return {**_opened_bid(side), "document_pk": procurement.opened_bid_document.pk}


def _letter(side) -> dict:
    return {"bid_pk": make(side).letter_bid.pk}


def _member_remove(side) -> dict:
    procurement = make(side)
    return {"pk": procurement.system.pk, "authority_pk": procurement.people.council.pk}


def _round(side) -> dict:
    procurement = make(side)
    return {"pk": procurement.system.pk, "tender_pk": procurement.round_tender.pk}


def _list_export(side) -> dict:
    return {"pk": make(side).system.pk, "fmt": "csv"}


def _select(side) -> dict:
    procurement = make(side)
    return {"pk": procurement.referral.pk, "response_pk": procurement.referral_response.pk}


_PACK_DOC = (
    "Council commissioners of either side read every provider's pack documents; people with no business in "
    "packs get 404 from the scoped selector, like a missing document."
)
_PUBLISHED = "Every provider reads every published tender, whichever council let it: the other side's is 200."
_SEALED = (
    "Sealed: before the deadline no council persona reaches the bid, not even its own tender's commissioners "
    "(404, like a missing bid); only the bidder's users read it."
)
ENTRIES = [
    Entry(
        "procurement:insurance_change",
        make=_pk("insurance"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 200)),
    ),
    Entry(
        "procurement:insurance_remove",
        make=_pk("insurance"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 302)),
    ),
    Entry(
        "procurement:insurance_certificate",
        make=_pk("insurance"),
        get=only(_each(READERS, 200), others=404),
        other_get=_each(COMMISSIONERS, 200),
        post=only({}, others=405),
        note=_PACK_DOC,
    ),
    Entry(
        "procurement:setting_change",
        make=_pk("setting"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 200)),
    ),
    Entry(
        "procurement:setting_remove",
        make=_pk("setting"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 302)),
    ),
    Entry(
        "procurement:setting_certificate",
        make=_pk("setting"),
        get=only(_each(READERS, 200), others=404),
        other_get=_each(COMMISSIONERS, 200),
        post=only({}, others=405),
        note=_PACK_DOC,
    ),
    Entry(
        "procurement:setting_statement",
        make=_pk("setting"),
        get=only(_each(READERS, 200), others=404),
        other_get=_each(COMMISSIONERS, 200),
        post=only({}, others=405),
        note=_PACK_DOC,
    ),
    Entry(
        "procurement:policy_change",
        make=_pk("policy"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 200)),
    ),
    Entry(
        "procurement:policy_remove",
        make=_pk("policy"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 302)),
    ),
    Entry(
        "procurement:policy_document",
        make=_pk("policy"),
        get=only(_each(READERS, 200), others=404),
        other_get=_each(COMMISSIONERS, 200),
        post=only({}, others=405),
        note=_PACK_DOC,
    ),
    Entry(
        "procurement:pack_detail",
        make=_pk("profile"),
        get=only(_each(COMMISSIONERS, 200)),
        other_get=_each(COMMISSIONERS, 200),
        post=only({}, others=405),
        note="Every council's commissioners read every provider's pack, whichever council's side it is on.",
    ),
    Entry(
        "procurement:financial_check_record",
        make=_pk("profile"),
        get=only({}, others=405),
        post=only(_each(COMMISSIONERS, 400)),
        other_post=_each(COMMISSIONERS, 400),
        missing_post=_each(COMMISSIONERS, 404),
        note="Any council's commissioners record a financial check on any provider's pack (empty: 400).",
    ),
    Entry(
        "procurement:tender_conflicts",
        make=_pk("draft_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 200)),
    ),
    Entry(
        "procurement:tender_cancel",
        make=_pk("published_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 200)),
    ),
    Entry(
        "procurement:clarification_ask",
        make=_pk("published_tender"),
        get=only(_each(PROVIDERS, 200)),
        other_get=_each(PROVIDERS, 200),
        post=only(_each(PROVIDERS, 200)),
        other_post=_each(PROVIDERS, 200),
        note=_PUBLISHED,
    ),
    Entry(
        "procurement:clarification_answer",
        make=_pk("clarification"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 200)),
    ),
    Entry(
        "procurement:bid_start",
        make=_pk("published_tender"),
        get=only(_each(PROVIDERS, 200)),
        other_get=_each(PROVIDERS, 200),
        post=only(_each(PROVIDERS, 200)),
        other_post=_each(PROVIDERS, 200),
        note=_PUBLISHED,
    ),
    Entry(
        "procurement:bid_detail",
        make=_pk("sealed_bid"),
        get=only({**_each(COMMISSIONERS, 404), **_each(PROVIDERS, 200)}),
        post=only({}, others=405),
        note=_SEALED,
    ),
    Entry(
        "procurement:bid_edit",
        make=_pk("sealed_bid"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 200)),
    ),
    Entry(
        "procurement:bid_document_add",
        make=_pk("sealed_bid"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 200)),
    ),
    Entry(
        "procurement:bid_document_remove",
        make=_sealed_document,
        get=only({}, others=405),
        post=only(_each(PROVIDERS, 302)),
    ),
    Entry(
        "procurement:bid_document_download",
        make=_sealed_document,
        get=only({**_each(COMMISSIONERS, 404), **_each(PROVIDERS, 200)}),
        post=only({}, others=405),
        note=_SEALED,
    ),
    Entry(
        "procurement:bid_submit",
        make=_pk("sealed_bid"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 400)),
        **_refused_post(PROVIDERS),
    ),
    Entry(
        "procurement:bid_withdraw",
        make=_pk("sealed_bid"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 302)),
    ),
    Entry(
        "procurement:bid_receipt",
        make=_receipt,
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 405)),
    ),
    Entry(
        "procurement:evaluation_tender",
        make=_pk("opened_tender"),
        get=only({**_each(COMMISSIONERS, 200), "evaluator_northshire": 200}),
        post=only({}, others=405),
    ),
    Entry(
        "procurement:evaluation_panel",
        make=_pk("opened_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "procurement:evaluation_panel_moderator",
        make=_pk("opened_tender"),
        get=only({}, others=405),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "procurement:evaluation_panel_remove",
        make=_panel_member,
        get=only({}, others=405),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "procurement:evaluation_declaration",
        make=_pk("opened_tender"),
        get=only({"evaluator_northshire": 200}),
        post=only({"evaluator_northshire": 400}),
        **_refused_post(["evaluator_northshire"]),
    ),
    Entry(
        "procurement:evaluation_bid",
        make=_opened_bid,
        get=only({**_each(COMMISSIONERS, 200), "evaluator_northshire": 200}),
        post=only({"evaluator_northshire": 400}),
        **_refused_post([*COMMISSIONERS, "evaluator_northshire"]),
        note=(
            "After opening: the side's evaluator sits on the panel and has declared no conflict, so reads "
            "the bid and may score it (empty marks: 400); commissioners read it but never score (403)."
        ),
    ),
    Entry(
        "procurement:evaluation_bid_document",
        make=_opened_bid_document,
        get=only({**_each(COMMISSIONERS, 200), "evaluator_northshire": 200}),
        post=only({}, others=405),
        note="After opening: the panel's declared evaluator and the tender's commissioners read its files.",
    ),
    Entry(
        "procurement:evaluation_moderate",
        make=_opened_bid,
        get=only({**_each(COMMISSIONERS, 200), "evaluator_northshire": 404}),
        post=only({**_each(COMMISSIONERS, 400), "evaluator_northshire": 404}),
        **_refused_post(COMMISSIONERS),
        note="The side's evaluator is on the panel but not its moderator: 404.",
    ),
    Entry(
        "procurement:evaluation_compliance",
        make=_opened_bid,
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "procurement:evaluation_scores",
        make=_pk("opened_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "procurement:evaluation_recommend",
        make=_pk("opened_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "procurement:evaluation_withdraw",
        make=_pk("opened_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "procurement:evaluation_standstill",
        make=_pk("opened_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "procurement:evaluation_award",
        make=_pk("opened_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry("procurement:award_letter", make=_letter, get=only(_each(READERS, 200)), post=only({}, others=405)),
    Entry(
        "procurement:fps_system_detail",
        make=_pk("system"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "procurement:fps_member_add",
        make=_pk("system"),
        get=only({"lead_northshire": 200}),
        post=only({"lead_northshire": 400}),
        **_refused_post(["lead_northshire"]),
    ),
    Entry(
        "procurement:fps_member_remove",
        make=_member_remove,
        get=only({}, others=405),
        post=only({"lead_northshire": 302}),
    ),
    Entry(
        "procurement:fps_lot_add",
        make=_pk("system"),
        get=only({"lead_northshire": 200}),
        post=only({"lead_northshire": 400}),
        **_refused_post(["lead_northshire"]),
    ),
    Entry(
        "procurement:fps_membership_admit",
        make=_pk("system"),
        get=only({"lead_northshire": 200}),
        post=only({"lead_northshire": 400}),
        **_refused_post(["lead_northshire"]),
    ),
    Entry(
        "procurement:fps_admit_from_round",
        make=_round,
        get=only({}, others=405),
        post=only({"lead_northshire": 302}),
    ),
    Entry(
        "procurement:fps_list",
        make=_pk("system"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "procurement:fps_list_export",
        make=_list_export,
        get=only(_each(COMMISSIONERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "procurement:fps_membership_detail",
        make=_pk("place"),
        get=only(_each(READERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "procurement:fps_membership_accept",
        make=_pk("place"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 400)),
        **_refused_post(PROVIDERS),
    ),
    Entry(
        "procurement:fps_membership_offer",
        make=_pk("place"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 400)),
        **_refused_post(PROVIDERS),
    ),
    Entry(
        "procurement:fps_membership_suspend",
        make=_pk("place"),
        get=only({"lead_northshire": 200}),
        post=only({"lead_northshire": 200}),
    ),
    Entry(
        "procurement:fps_membership_reinstate",
        make=_pk("place"),
        get=only({"lead_northshire": 200}),
        post=only({"lead_northshire": 200}),
    ),
    Entry(
        "procurement:fps_membership_remove",
        make=_pk("place"),
        get=only({"lead_northshire": 200}),
        post=only({"lead_northshire": 200}),
    ),
    Entry(
        "procurement:fps_referral_detail",
        make=_pk("referral"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "procurement:fps_referral_send",
        make=_pk("referral"),
        get=only({}, others=405),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "procurement:fps_referral_select",
        make=_select,
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "procurement:fps_referral_direct_award",
        make=_pk("referral"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
    ),
    Entry(
        "procurement:fps_referral_cancel",
        make=_pk("referral"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 200)),
    ),
    Entry(
        "procurement:fps_ipa_create",
        make=_pk("referral"),
        get=only(_each(COMMISSIONERS, 302)),
        post=only(_each(COMMISSIONERS, 302)),
        note="The referral has no provider chosen yet: the page sends the commissioner back to it.",
    ),
    Entry(
        "procurement:fps_received_detail",
        make=_pk("referral"),
        get=only(_each(PROVIDERS, 200)),
        post=only(_each(PROVIDERS, 400)),
        **_refused_post(PROVIDERS),
    ),
    Entry(
        "procurement:fps_ipa_detail",
        make=_pk("ipa"),
        get=only(_each(READERS, 200)),
        post=only({}, others=405),
    ),
    Entry(
        "procurement:fps_ipa_pdf",
        make=_pk("ipa"),
        get=only(_each(READERS, 200)),
        post=only(_each(READERS, 405)),
    ),
    Entry(
        "procurement:tender_detail",
        make=_pk("published_tender"),
        get=only(_each(READERS, 200)),
        other_get=_each(PROVIDERS, 200),
        post=only({}, others=405),
        note=_PUBLISHED,
    ),
    Entry(
        "procurement:tender_edit",
        make=_pk("draft_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 200)),
    ),
    Entry(
        "procurement:tender_timetable",
        make=_pk("draft_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 200)),
    ),
    Entry(
        "procurement:tender_lot_add",
        make=_pk("draft_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 200)),
    ),
    Entry(
        "procurement:tender_criterion_add",
        make=_pk("draft_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 200)),
    ),
    Entry(
        "procurement:tender_required_document_add",
        make=_pk("draft_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 200)),
    ),
    Entry(
        "procurement:tender_document_add",
        make=_pk("draft_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 200)),
    ),
    Entry(
        "procurement:tender_part_remove",
        make=_part_remove,
        get=only({}, others=405),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "procurement:tender_document_download",
        make=_tender_document,
        get=only(_each(READERS, 200)),
        other_get=_each(PROVIDERS, 200),
        post=only({}, others=405),
        note=_PUBLISHED,
    ),
    Entry(
        "procurement:tender_publish",
        make=_pk("draft_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 302)),
    ),
    Entry(
        "procurement:tender_open",
        make=_pk("published_tender"),
        get=only(_each(COMMISSIONERS, 200)),
        post=only(_each(COMMISSIONERS, 400)),
        **_refused_post(COMMISSIONERS),
        note="Before the submission deadline the bids cannot be opened: the confirmation is refused (400).",
    ),
]
