"""Every row lock the service takes is FOR NO KEY UPDATE, never FOR UPDATE.

A service locks a row (a tender, a specification, a contract) and then writes to the audit log, whose
chain head every writer locks in turn. Meanwhile another transaction that has already taken the chain
head may add a row referring to the locked one: PostgreSQL checks that foreign key at COMMIT (Django's
constraints are deferred) with FOR KEY SHARE, which FOR UPDATE blocks and FOR NO KEY UPDATE does not.
With FOR UPDATE each waits for the other: a deadlock, seen on bids at a deadline spike. The service never
changes a primary key, so the weaker lock loses nothing.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "needs", "commissioning", "coproduction", "procurement", "contracts", "core", "dashboard"]


def _locks_without_no_key(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "select_for_update":
            no_key = [k for k in node.keywords if k.arg == "no_key"]
            if not (no_key and isinstance(no_key[0].value, ast.Constant) and no_key[0].value.value is True):
                lines.append(node.lineno)
    return lines


def test_every_row_lock_is_for_no_key_update():
    found = []
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            text = path.read_text()
            if "select_for_update" not in text:
                continue
            found.append(path)
            offenders += [f"{path.relative_to(ROOT)}:{line}" for line in _locks_without_no_key(path)]
    assert len(found) >= 10  # the check looks where the locks are
    assert offenders == [], "select_for_update() without no_key=True: " + ", ".join(offenders)
