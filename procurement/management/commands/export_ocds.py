"""Write the open contracting data (an OCDS 1.1 release package) of published tenders.

    python manage.py export_ocds [--output FILE] [--organisation SLUG]

The package goes to FILE (replaced whole, never left half-written) or to standard output. It is
checked against the vendored OCDS schema first: an invalid package is never written, each error is
printed with its JSON path and the command exits with status 1. With no published tender there is
nothing to publish (OCDS needs at least one release): nothing is written and the command says so.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation, OrganisationKind
from procurement.ocds.build import build_release_package
from procurement.ocds.validation import validate_release_package


class Command(BaseCommand):
    help = "Write published tenders and their awards as an OCDS 1.1 release package, validated first."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: standard output).")
        parser.add_argument("--organisation", help="Only this authority's tenders (its slug).")

    def handle(self, *args, output: str | None = None, organisation: str | None = None, **options):
        authority = None
        if organisation:
            authority = Organisation.objects.filter(
                slug=organisation, kind=OrganisationKind.LOCAL_AUTHORITY
            ).first()
            if authority is None:
                raise CommandError(f"There is no authority with the slug {organisation!r}.")
        package = build_release_package(organisation=authority)
        if not package["releases"]:
            self.stderr.write("No tender has been published yet, so there is nothing to publish.")
            return
        errors = validate_release_package(package)
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"The package breaks the OCDS schema in {_count(len(errors), 'place')}: nothing was written."
            )
        text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        _write_whole(Path(output), text)
        releases = _count(len(package["releases"]), "release")
        self.stderr.write(self.style.SUCCESS(f"Wrote {releases} to {output}; no schema errors."))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _write_whole(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`: readers see the old file or
    the new one, never part of one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
