"""Support admin for contracts: read-only, so every change goes through the audited services.

Only the contract itself is registered: support staff can find a contract and see its terms. Returns,
meetings and risk assessments are the council's and provider's performance records, read in the service.
Staff admins may view it (the support group's model permissions do not cover this app, so the admin
says so itself); nobody may add, change or delete.
"""

from django.contrib import admin

from accounts.rules import is_staff_admin
from core.admin import ReadOnlyAdmin

from .models import Contract


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "organisation", "provider", "status", "ends_on")
    list_filter = ("status", "origin")
    search_fields = ("reference", "title")
    list_select_related = ("organisation", "provider")

    def has_view_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_staff and is_staff_admin(request.user))

    def has_module_permission(self, request):
        return self.has_view_permission(request)
