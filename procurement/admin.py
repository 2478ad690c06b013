"""Support admin for compliance packs: read-only, so every change goes through the audited services."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import FinancialCheck, Insurance, Policy, ProviderProfile, ProviderSetting

for model in (ProviderProfile, ProviderSetting, Insurance, Policy, FinancialCheck):
    admin.site.register(model, ReadOnlyAdmin)
