"""Accounts: no page here has an object id today.

Signing in and out, password changes and resets, two-factor set-up and verification and the subject
access export all act on the signed-in person (or a reset token), so they are covered by
tests/test_every_url.py and the accounts tests. A future accounts URL with an int, uuid or slug in its
path needs an entry here (see tests/matrix/__init__.py).
"""

ENTRIES = []
