"""Writes for procurement, one module per sub-domain: keyword-only functions named object first."""
