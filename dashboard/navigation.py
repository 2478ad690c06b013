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
    NavItem("Documents", "core:document_list", "core.view_documents"),
    NavItem("Notifications", "core:notification_list", "core.view_notifications"),
    NavItem("Audit log", "core:audit_log", "core.view_audit_log"),
]


def navigation_for(user, current_path: str, *, unread: int = 0) -> list[dict]:
    """The links a person may follow, the current one marked; the notifications link shows unread ones."""
    items = []
    for item in NAVIGATION:
        if not user.has_perm(item.permission):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        label = item.label
        if item.url_name == "core:notification_list" and unread:
            label = f"{label} ({unread} unread)"
        items.append({"label": label, "url": url, "active": active})
    return items
