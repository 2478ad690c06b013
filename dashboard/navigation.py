"""The service navigation: which links each person sees. Each entry names its permission."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str


NAVIGATION = [
    NavItem("Home", "dashboard:home", "core.signed_in"),
    NavItem("Needs", "needs:profile", "needs.view_analysis"),
    NavItem("Plan", "commissioning:intention_list", "commissioning.view"),
    NavItem("Consultations", "coproduction:consultation_list", "coproduction.view"),
    NavItem("Compliance pack", "procurement:own_pack", "procurement.edit_own_pack"),
    NavItem("Provider compliance", "procurement:pack_list", "procurement.view_packs"),
    NavItem("Documents", "core:document_list", "core.view_documents"),
    NavItem("Notifications", "core:notification_list", "core.view_notifications"),
    NavItem("Audit log", "core:audit_log", "core.view_audit_log"),
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
}


def _section_of(url: str) -> str:
    """The top-level part of an address: /commissioning/intentions/ -> /commissioning/."""
    first = url.strip("/").split("/")[0]
    return f"/{first}/" if first else "/"


def _mark_current(items: list[dict], current_path: str, *, by_section: bool = False) -> list[dict]:
    """The current item is the one whose address (or, for the service navigation, whose top-level
    section) is the longest start of the page's address."""

    def key(item: dict) -> str:
        return _section_of(item["url"]) if by_section else item["url"]

    matches = [item for item in items if current_path.startswith(key(item))]
    current = max(matches, key=lambda item: len(key(item)), default=None)
    for item in items:
        item["active"] = item is current
    return items


def navigation_for(user, current_path: str, *, unread: int = 0) -> list[dict]:
    """The links a person may follow, the current one marked; the notifications link shows unread ones."""
    items = []
    for item in NAVIGATION:
        if not user.has_perm(item.permission):
            continue
        label = item.label
        if item.url_name == "core:notification_list" and unread:
            label = f"{label} ({unread} unread)"
        items.append({"label": label, "url": reverse(item.url_name)})
    return _mark_current(items, current_path, by_section=True)


def section_navigation_for(user, namespace: str, current_path: str) -> dict | None:
    """The section links of the app a page belongs to, if it has any and the person may see them."""
    if namespace not in SECTIONS:
        return None
    title, entries = SECTIONS[namespace]
    items = [{"label": e.label, "url": reverse(e.url_name)} for e in entries if user.has_perm(e.permission)]
    return {"title": title, "items": _mark_current(items, current_path)} if items else None
