"""Procurement pages, one module per sub-domain; views stay thin and call services and selectors."""
