"""Who may download the open contracting data."""
