"""Build an OCDS 1.1 release package of published tenders and their awards.

Every value is picked from a whitelist of fields below: no model is ever serialised wholesale. What the
package holds is public tender information only. Never in it: draft tenders (never published), anything
of a bid before the bids are opened (prices, bidders' names, answers, even how many bids there are), the
prices of bids that did not win, answers to award criteria, who asked a clarification question, any
person's name or email address, children, referrals and placements.

One release per tender, each describing the tender as it stands now:

- `ocid` is `<OCDS_OCID_PREFIX>-<authority slug>-<tender pk>`, stable for the tender's whole life;
- the release `id` is the ocid, the public stage the tender has reached and when it reached it, so it
  changes with each public stage (published, closed, opened, award, awarded, cancelled) and is the same
  in every package built while the tender stays there;
- awards (one per lot) appear from the start of standstill, when the award decision is announced.

Organisations carry an identifier from this service's own list (OCDS "local list"): the scheme is the
ocid prefix and the id the organisation's slug. No registered list fits what the service holds: the
English local authorities' register (GB-LAE) uses its own three-letter codes, not ONS codes, and
providers' Companies House or Charity Commission numbers are not recorded.

Later stages of the cycle add their own sections to a tender's release without procurement importing
them (apps import only backwards along the cycle): a `ReleaseSection` registered with
`register_release_section` (contracts registers the `contracts` section, for the contracts signed from a
tender's awards).

Lots use the OCDS lots extension (`tender.lots`, `awards[].relatedLots`), declared in the package's
`extensions`. The core schema sets no `additionalProperties`, so the vendored core schema still
validates the package; the extension's own schema is not checked offline.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ..models import (
    Award,
    CriterionKind,
    SubmissionStatus,
    Tender,
    TenderDocument,
    TenderRoute,
    TenderStatus,
)

OCDS_VERSION = "1.1"
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"
)
CURRENCY = "GBP"

# Our routes to the closed OCDS `method` codelist; the route's own name goes in procurementMethodDetails.
PROCUREMENT_METHOD = {
    TenderRoute.OPEN: "open",
    TenderRoute.LIGHT_TOUCH: "open",
    TenderRoute.COMPETITIVE_FLEXIBLE: "selective",
    TenderRoute.FPS_ADMISSION: "selective",
    TenderRoute.MINI_COMPETITION: "selective",
    # OCDS 1.1.5 "direct": awarded to a single supplier without competition.
    TenderRoute.DIRECT_AWARD: "direct",
}

# States in which the bids have certainly been opened, whatever `opened_at` says.
_OPENED_STATES = {
    TenderStatus.EVALUATION,
    TenderStatus.AWARD_RECOMMENDED,
    TenderStatus.STANDSTILL,
    TenderStatus.AWARDED,
}


@dataclass(frozen=True)
class Stage:
    """The public stage a tender has reached: what the release says about it."""

    key: str  # part of the release id
    tags: tuple[str, ...]  # releaseTag codelist
    tender_status: str  # tenderStatus codelist
    award_status: str | None  # awardStatus codelist; None while no award is public
    at: datetime.datetime  # when the tender reached the stage: the release's date


def bids_opened(tender: Tender) -> bool:
    """True once the bids have been opened; before that nothing about them is public, not even a count."""
    return tender.opened_at is not None or tender.status in _OPENED_STATES


def _latest_moment(tender: Tender) -> datetime.datetime:
    moments = [
        tender.published_at,
        tender.closed_at,
        tender.opened_at,
        tender.standstill_started_at,
        tender.awarded_at,
        tender.cancelled_at,
    ]
    return max((moment for moment in moments if moment is not None), default=tender.created_at)


def tender_stage(tender: Tender) -> Stage:
    """The stage of a published tender. A stage whose own time was not recorded is dated by the latest
    time that was, so the release always has a date."""
    fallback = _latest_moment(tender)
    status = tender.status
    if status == TenderStatus.CANCELLED:
        award_public = tender.standstill_started_at is not None
        tags = ("tenderCancellation", "awardCancellation") if award_public else ("tenderCancellation",)
        award_status = "cancelled" if award_public else None
        return Stage("cancelled", tags, "cancelled", award_status, tender.cancelled_at or fallback)
    if status == TenderStatus.AWARDED:
        tags = ("tenderUpdate", "awardUpdate")
        return Stage("awarded", tags, "complete", "active", tender.awarded_at or fallback)
    if status == TenderStatus.STANDSTILL:
        return Stage("award", ("award",), "active", "pending", tender.standstill_started_at or fallback)
    if bids_opened(tender):
        return Stage("opened", ("tenderUpdate",), "active", None, tender.opened_at or fallback)
    if status == TenderStatus.CLOSED:
        return Stage("closed", ("tenderUpdate",), "active", None, tender.closed_at or fallback)
    return Stage("tender", ("tender",), "active", None, tender.published_at or fallback)


def ocds_datetime(value: datetime.datetime) -> str:
    """An RFC 3339 date-time in UTC, to the second: `2026-12-03T09:15:00Z`."""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _compact(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _amount(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def ocds_money(value: Decimal | None) -> dict | None:
    return None if value is None else {"amount": _amount(value), "currency": CURRENCY}


def ocid_for(tender: Tender) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{tender.organisation.slug}-{tender.pk}"


def _party_id(organisation) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{organisation.slug}"


def _party(organisation, roles: list[str]) -> dict:
    return {
        "id": _party_id(organisation),
        "name": organisation.name,
        "identifier": {"scheme": settings.OCDS_OCID_PREFIX, "id": organisation.slug},
        "roles": roles,
    }


def _reference(organisation) -> dict:
    return {"id": _party_id(organisation), "name": organisation.name}


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _tender_page_url(tender: Tender) -> str | None:
    """The tender's page in the service (providers sign in to read its documents), when there is one."""
    try:
        return _site_url(reverse("procurement:tender_detail", args=[tender.pk]))
    except NoReverseMatch:
        return None


def _award_criteria(tender: Tender) -> dict:
    criteria = list(tender.criteria.all())
    if not criteria:
        return {}
    kinds = {criterion.kind for criterion in criteria}
    if kinds == {CriterionKind.PRICE}:
        code = "priceOnly"
    elif CriterionKind.PRICE not in kinds:
        code = "qualityOnly"
    else:
        code = "ratedCriteria"
    details = "; ".join(f"{_criterion_name(criterion)}: {criterion.weight}%" for criterion in criteria)
    return {"awardCriteria": code, "awardCriteriaDetails": details}


def _criterion_name(criterion) -> str:
    """`How will you staff the service? (quality question)`, or just `Price` when the title says it."""
    kind = CriterionKind(criterion.kind).label.lower()
    return criterion.title if criterion.title.lower() == kind else f"{criterion.title} ({kind})"


def _documents(tender: Tender, page_url: str | None) -> list[dict]:
    documents = []
    for tender_document in tender.documents.all():
        document = tender_document.document
        if document.removed_at is not None:
            continue
        published = max(tender_document.added_at, tender.published_at)
        entry = {
            "id": str(tender_document.pk),
            "documentType": "biddingDocuments",
            "title": document.title,
            "format": document.content_type,
            "datePublished": ocds_datetime(published),
            "language": "en",
        }
        if page_url:
            entry["url"] = page_url
        documents.append(entry)
    return documents


def _lots(tender: Tender) -> list[dict]:
    lots = []
    for lot in tender.lots.all():
        entry = {"id": str(lot.number), "title": lot.title}
        if lot.description:
            entry["description"] = lot.description
        if lot.estimated_value is not None:
            entry["value"] = ocds_money(lot.estimated_value)
        lots.append(entry)
    return lots


def _period(start: datetime.datetime | None, end: datetime.datetime | None) -> dict:
    period = {}
    if start is not None:
        period["startDate"] = ocds_datetime(start)
    if end is not None:
        period["endDate"] = ocds_datetime(end)
    return period


def _tender_section(tender: Tender, stage: Stage) -> dict:
    section = {
        "id": tender.reference,
        "title": tender.title,
        "status": stage.tender_status,
        "procuringEntity": _reference(tender.organisation),
        "mainProcurementCategory": "services",
        "procurementMethod": PROCUREMENT_METHOD[tender.route],
        "procurementMethodDetails": _method_details(tender),
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": f"Bids are sent through {settings.SERVICE_NAME}: {_site_url('/')}",
    }
    if tender.description:
        section["description"] = tender.description
    if tender.estimated_value is not None:
        section["value"] = ocds_money(tender.estimated_value)
    if tender_period := _period(tender.published_at, tender.submission_deadline):
        section["tenderPeriod"] = tender_period
    if tender.clarification_deadline is not None:
        section["enquiryPeriod"] = _period(tender.published_at, tender.clarification_deadline)
    section.update(_award_criteria(tender))
    if bids_opened(tender):
        section["numberOfTenderers"] = tender.tenderer_count
    page_url = _tender_page_url(tender)
    if documents := _documents(tender, page_url):
        section["documents"] = documents
    if lots := _lots(tender):
        section["lots"] = lots
    return section


def _method_details(tender: Tender) -> str:
    details = TenderRoute(tender.route).label
    if tender.purchasing_system_id is not None:
        details = f"{details}: {tender.purchasing_system.name}"
    return details


@dataclass(frozen=True)
class ReleaseSection:
    """A section a later stage adds to a tender's release once its awards are public.

    `prefetch` names what `build` reads, so a package of any size costs the same queries; `build` gets the
    tender and returns the section's items (an empty list leaves the section out). `tag` is the
    releaseTag the section adds, and `stamp` when its items last changed (part of the release id).
    """

    name: str
    tag: str
    prefetch: tuple
    build: Callable[[Tender], list[dict]]
    stamp: Callable[[Tender], datetime.datetime | None]


RELEASE_SECTIONS: list[ReleaseSection] = []


def register_release_section(section: ReleaseSection) -> None:
    if all(existing.name != section.name for existing in RELEASE_SECTIONS):
        RELEASE_SECTIONS.append(section)


def _awards(tender: Tender, stage: Stage) -> tuple[list[dict], list]:
    """The awards (one per lot) once announced, and the winning providers."""
    if stage.award_status is None:
        return [], []
    awards, suppliers = [], []
    for award in tender.awards.all():
        provider = award.submission.provider
        suppliers.append(provider)
        awards.append(
            {
                "id": f"lot-{award.lot.number}",
                "title": f"Lot {award.lot.number}: {award.lot.title}",
                "status": stage.award_status,
                "date": ocds_datetime(tender.standstill_started_at or stage.at),
                "value": ocds_money(award.value),
                "suppliers": [_reference(provider)],
                "relatedLots": [str(award.lot.number)],
            }
        )
    return awards, suppliers


def build_release(tender: Tender) -> dict:
    """The release for one published tender (from `tenders_for_export`, which prefetches what it reads)."""
    stage = tender_stage(tender)
    ocid = ocid_for(tender)
    awards, suppliers = _awards(tender, stage)
    parties = [_party(tender.organisation, ["buyer", "procuringEntity"])]
    seen = {tender.organisation.pk}
    for provider in suppliers:
        if provider.pk not in seen:
            seen.add(provider.pk)
            parties.append(_party(provider, ["supplier"]))
    # Sections of later stages, once the awards are public: each adds its tag, and its latest change
    # moves the release's id and date on, so a changed release never keeps an old id.
    sections, tags, moment, release_id = (
        {},
        list(stage.tags),
        stage.at,
        f"{ocid}-{stage.key}-{_compact(stage.at)}",
    )
    for section in RELEASE_SECTIONS if awards else []:
        items = section.build(tender)
        if not items:
            continue
        sections[section.name] = items
        tags.append(section.tag)
        stamp = section.stamp(tender)
        if stamp is not None:
            release_id = f"{release_id}-{section.name}-{_compact(stamp)}"
            moment = max(moment, stamp)
    release = {
        "ocid": ocid,
        "id": release_id,
        "date": ocds_datetime(moment),
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
        "buyer": _reference(tender.organisation),
        "tender": _tender_section(tender, stage),
    }
    if awards:
        release["awards"] = awards
    release.update(sections)
    return release


def tenders_for_export(*, organisation=None) -> QuerySet[Tender]:
    """Every published tender (never a draft), of one authority or all, with what the releases read."""
    tenders = (
        Tender.objects.visible_to_bidders()
        .select_related("organisation", "purchasing_system")
        .prefetch_related(
            "lots",
            "criteria",
            Prefetch("documents", queryset=TenderDocument.objects.select_related("document")),
            Prefetch(
                "awards",
                queryset=Award.objects.select_related("lot", "submission__provider").order_by("lot__number"),
            ),
        )
        .annotate(
            tenderer_count=Count(
                "submissions__provider",
                filter=Q(submissions__status=SubmissionStatus.SUBMITTED),
                distinct=True,
            )
        )
        .order_by("organisation__name", "published_at", "pk")
    )
    for section in RELEASE_SECTIONS:
        tenders = tenders.prefetch_related(*section.prefetch)
    if organisation is not None:
        tenders = tenders.filter(organisation=organisation)
    return tenders


def package_uri(organisation=None) -> str:
    path = reverse("procurement:open_data_download")
    if organisation is not None:
        path = f"{path}?organisation={organisation.slug}"
    return _site_url(path)


def build_release_package(*, organisation=None, now: datetime.datetime | None = None) -> dict:
    """The release package of every published tender of `organisation` (or of every authority).

    With no published tender the package has no releases, which OCDS does not allow: callers publish
    nothing then. `publishedDate` is the date of the latest release (the package is built on demand), or
    `now` when there is none.
    """
    releases = [build_release(tender) for tender in tenders_for_export(organisation=organisation)]
    latest = max((release["date"] for release in releases), default=None)
    package = {
        "uri": package_uri(organisation),
        "version": OCDS_VERSION,
        "extensions": [LOTS_EXTENSION],
        "publishedDate": latest or ocds_datetime(now or timezone.now()),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME},
        "license": settings.OCDS_LICENSE,
        "releases": releases,
    }
    return package
