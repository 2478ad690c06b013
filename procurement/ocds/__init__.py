"""Open Contracting Data Standard (OCDS 1.1): build releases from plain data, validate offline."""
