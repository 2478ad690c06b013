"""Commissioned capacity from contracts and placement agreements, kept in step for the gap analysis."""


def capacity_sync(*, organisation) -> int:
    """Rewrite the authority's contracted capacity from its live contracts and placements.

    Returns the number of capacity rows written. (Filled in by the capacity work; safe to call now.)
    """
    return 0
