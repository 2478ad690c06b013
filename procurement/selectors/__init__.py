"""Reads for procurement, one module per sub-domain: one scoped queryset per model and a get-or-404 on it."""
