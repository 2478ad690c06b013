"""Helpers for the fuzz tests: a rolled-back example, and the rows and files a refusal must not change."""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from django.core.files.storage import storages
from django.db import connection, transaction


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# Tables whose rows change on a refused request without anything being saved: sign-in sessions.
_NOT_COUNTED = {"sessions.session"}


def row_counts() -> dict[str, int]:
    """Rows in every table of the service, counted in one query."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in _NOT_COUNTED and model._meta.managed
    ]
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in models)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    return {model._meta.label_lower: count for model, count in zip(models, row, strict=True)}


def changed_counts(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {label: (before[label], after[label]) for label in before if before[label] != after[label]}


def private_files() -> set[str]:
    """Every file in private storage (documents, pending imports), as paths relative to its root."""
    storage = storages["private"]

    def walk(directory: str):
        try:
            folders, files = storage.listdir(directory)
        except FileNotFoundError:
            return
        for name in files:
            yield f"{directory}/{name}".lstrip("/")
        for folder in folders:
            yield from walk(f"{directory}/{folder}".lstrip("/"))

    return set(walk(""))
