"""The watches' page: provider documents and insurances expiring within 60 days, for commissioners.

A council commissioner sees the items of the providers on a purchasing system their authority leads or
belongs to, and of the providers under contract to it (`contracts.selectors.watches`); the providers
themselves are reminded by the daily expiry watch.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.permissions import requires

from ..selectors.watches import EXPIRY_WINDOW_DAYS, expiring_documents_for_user
from ..services.watches import expiry_threshold

EXPIRY_VIEW = "contracts.expiry_view"
PER_PAGE = 25


@require_GET
@requires(EXPIRY_VIEW)
def expiring_documents(request):
    today = timezone.localdate()
    items = expiring_documents_for_user(request.user, today=today)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "provider": entry.provider,
            "profile_id": entry.item.profile_id,
            "what": entry.what,
            "kind": "Insurance expires" if entry.kind == "insurance" else "Policy review due",
            "expires_on": entry.expires_on,
            "days_left": (entry.expires_on - today).days,
            "urgent": expiry_threshold(expires_on=entry.expires_on, today=today) == 30,
        }
        for entry in page.object_list
    ]
    return render(
        request,
        "contracts/watches/expiring_documents.html",
        {"page": page, "rows": rows, "window_days": EXPIRY_WINDOW_DAYS, "today": today},
    )
