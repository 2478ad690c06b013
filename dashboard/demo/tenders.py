"""Demo tenders: filled in by the tenders part of procurement."""


def seed() -> None:
    """Create the demo data for this part, or leave what is there alone."""
