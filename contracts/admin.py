"""Support admin for contracts: read-only, so every change goes through the audited services.

Only the contract itself is registered: support staff can find a contract and see its terms. Returns,
meetings and risk assessments are the council's and provider's performance records, read in the service.
Staff admins may view it (the support group's view permission); nobody may add, change or delete.
"""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Contract


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "organisation", "provider", "status", "ends_on")
    list_filter = ("status", "origin")
    search_fields = ("reference", "title")
    list_select_related = ("organisation", "provider")
