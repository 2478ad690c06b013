"""Support admin for procurement: read-only, so every change goes through the audited services.

Bids are sealed until the deadline, for staff admins too: `Submission`, its answers, documents and
receipts, and the scores and checks made on them, are deliberately not registered here. Referrals and
placement agreements (a child's case reference and needs) are not registered either: support staff
have no need to read them.
"""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import (
    Award,
    AwardCriterion,
    Clarification,
    FinancialCheck,
    FpsLot,
    Insurance,
    Lot,
    Membership,
    PanelMember,
    Policy,
    ProviderProfile,
    ProviderSetting,
    PurchasingSystem,
    RequiredDocument,
    Tender,
)

for model in (
    ProviderProfile,
    ProviderSetting,
    Insurance,
    Policy,
    FinancialCheck,
    Tender,
    Lot,
    AwardCriterion,
    RequiredDocument,
    Clarification,
    PanelMember,
    Award,
    PurchasingSystem,
    FpsLot,
    Membership,
):
    admin.site.register(model, ReadOnlyAdmin)
