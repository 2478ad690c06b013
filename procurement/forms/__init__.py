"""Procurement forms, one module per sub-domain, on core's GOV.UK form base."""
