"""Demo data for every stage of the cycle: a fictional authority, its partners and a login for each role.

Each stage adds a module with a `seed(context)` function; `seed_demo` runs them in cycle order. Every
function is idempotent: running the command again changes nothing that is already there.
"""
