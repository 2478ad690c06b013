"""The service navigation: which links each person sees. Each entry names its permission."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str
    # Left out for people who hold this permission too (they reach the page another way).
    unless: str = ""

    def shown_to(self, user) -> bool:
        return user.has_perm(self.permission) and not (self.unless and user.has_perm(self.unless))


NAVIGATION = [
    NavItem("Home", "dashboard:home", "core.signed_in"),
    NavItem("Needs", "needs:profile", "needs.view_analysis"),
    NavItem("Plan", "commissioning:intention_list", "commissioning.view"),
    NavItem("Consultations", "coproduction:consultation_list", "coproduction.view"),
    # Do: the first entry of the section is marked on its pages that no entry names more closely.
    NavItem("Tenders", "procurement:tender_list", "procurement.view_tenders"),
    NavItem("Tender evaluation", "procurement:evaluation_list", "procurement.score_bids"),
    NavItem("Purchasing systems", "procurement:fps_system_list", "procurement.fps_view"),
    NavItem("Referrals", "procurement:fps_received_list", "procurement.fps_respond"),
    NavItem("Compliance pack", "procurement:own_pack", "procurement.edit_own_pack"),
    NavItem("Provider compliance", "procurement:pack_list", "procurement.view_packs"),
    # Review: a council's contracts, or a provider's own.
    NavItem("Contracts", "contracts:contract_list", "contracts.contract_view"),
    NavItem(
        "Open data",
        "procurement:open_data",
        "procurement.download_open_data",
        unless="procurement.view_tenders",
    ),
    NavItem("Documents", "core:document_list", "core.view_documents"),
    NavItem("Notifications", "core:notification_list", "core.view_notifications"),
    NavItem("Audit log", "core:audit_log", "core.view_audit_log"),
    NavItem("Subject access", "accounts:subject_access", "accounts.export_subject_data"),
]

# Each stage's own pages, shown under the service navigation on every page of that app.
SECTIONS: dict[str, tuple[str, list[NavItem]]] = {
    "needs": (
        "Understand: needs analysis",
        [
            NavItem("Needs profile", "needs:profile", "needs.view_analysis"),
            NavItem("Data", "needs:dataset_list", "needs.view_analysis"),
            NavItem("Commissioned capacity", "needs:capacity_list", "needs.view_analysis"),
            NavItem("Projections", "needs:projection_list", "needs.view_analysis"),
            NavItem("Gaps", "needs:gap_list", "needs.view_analysis"),
            NavItem("Feedback", "needs:feedback_list", "needs.view_analysis"),
            NavItem("What Review has learnt", "dashboard:review_lessons", "dashboard.view_evidence"),
        ],
    ),
    "commissioning": (
        "Plan: intentions, business cases and specifications",
        [
            NavItem("Commissioning intentions", "commissioning:intention_list", "commissioning.view"),
            NavItem("Business cases", "commissioning:case_list", "commissioning.view"),
            NavItem("Waiting for my decision", "commissioning:approval_queue", "commissioning.view"),
            NavItem("Service specifications", "commissioning:spec_list", "commissioning.view"),
        ],
    ),
    "procurement": (
        "Do: tenders, the purchasing system and placements",
        [
            NavItem("Tenders", "procurement:tender_list", "procurement.view_tenders"),
            NavItem("Your bids", "procurement:bid_list", "procurement.bid"),
            NavItem("Your bids' outcomes", "procurement:my_outcomes", "procurement.view_own_outcomes"),
            NavItem("Tender evaluation", "procurement:evaluation_list", "procurement.view_evaluation"),
            NavItem("Purchasing systems", "procurement:fps_system_list", "procurement.fps_view"),
            NavItem("Referrals", "procurement:fps_referral_list", "procurement.fps_refer"),
            NavItem("Referrals sent to you", "procurement:fps_received_list", "procurement.fps_respond"),
            NavItem("Your places", "procurement:fps_my_memberships", "procurement.fps_membership_own"),
            NavItem("Placement agreements", "procurement:fps_ipa_list", "procurement.fps_ipa_view"),
            NavItem("Compliance pack", "procurement:own_pack", "procurement.edit_own_pack"),
            NavItem("Provider compliance", "procurement:pack_list", "procurement.view_packs"),
            NavItem("Open data", "procurement:open_data", "procurement.download_open_data"),
        ],
    ),
    "contracts": (
        "Review: contracts, quality and checks",
        [
            NavItem("Contracts", "contracts:contract_list", "contracts.contract_view"),
            NavItem("QA visits", "contracts:qa_visit_list", "contracts.qa_view"),
            NavItem("Overdue improvement actions", "contracts:qa_overdue_actions", "contracts.qa_manage"),
            NavItem("Decommissioning", "contracts:decommissioning_list", "contracts.decommissioning_view"),
            NavItem("Annual checks", "contracts:check_list", "contracts.checks_view"),
            NavItem("Your annual checks", "contracts:my_check_list", "contracts.checks_own"),
            NavItem("Documents expiring soon", "contracts:expiring_documents", "contracts.expiry_view"),
            NavItem("What Review has learnt", "dashboard:review_lessons", "dashboard.view_evidence"),
        ],
    ),
}


@cache
def _address(url_name: str, prefix: str, urlconf) -> str:
    return reverse(url_name, urlconf=urlconf)


def _url(url_name: str) -> str:
    """The entry's address, worked out once per URL configuration (every page shows some 30 links)."""
    return _address(url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def _section_of(url: str) -> str:
    """The top-level part of an address: /commissioning/intentions/ -> /commissioning/."""
    first = url.strip("/").split("/")[0]
    return f"/{first}/" if first else "/"


def _under(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


def _mark_current(items: list[dict], current_path: str, *, by_section: bool = False) -> list[dict]:
    """The current item is the one whose address is the longest start of the page's address; Home ("/")
    only on the home page itself. For the service navigation, where several entries share a section
    (/procurement/), a page no entry's address starts marks the section's first entry, and a page of
    no entry's section (the evidence chain, /evidence/) marks none."""
    current = max(
        (item for item in items if _under(current_path, item["url"])),
        key=lambda item: len(item["url"]),
        default=None,
    )
    if by_section and current is None:
        section = _section_of(current_path)
        current = next((item for item in items if _section_of(item["url"]) == section), None)
    for item in items:
        item["active"] = item is current
    return items


def navigation_for(user, current_path: str, *, unread: int = 0) -> list[dict]:
    """The links a person may follow, the current one marked; the notifications link shows unread ones."""
    items = []
    for item in NAVIGATION:
        if not item.shown_to(user):
            continue
        label = item.label
        if item.url_name == "core:notification_list" and unread:
            label = f"{label} ({unread} unread)"
        items.append({"label": label, "url": _url(item.url_name)})
    return _mark_current(items, current_path, by_section=True)


def section_navigation_for(user, namespace: str, current_path: str) -> dict | None:
    """The section links of the app a page belongs to, if it has any and the person may see them."""
    if namespace not in SECTIONS:
        return None
    title, entries = SECTIONS[namespace]
    items = [{"label": e.label, "url": _url(e.url_name)} for e in entries if e.shown_to(user)]
    return {"title": title, "items": _mark_current(items, current_path)} if items else None
