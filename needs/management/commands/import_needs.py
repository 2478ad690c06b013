"""python manage.py import_needs FILE [--source ees|population|local] [--organisation SLUG] [--dry-run]

Prints a one-line summary. On bad input it prints each problem with its row and column, imports
nothing, and exits with status 1. A `<file>.meta.csv` beside an EES file is used to tell filters from
indicators.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation

from ...importers import ImportRefused
from ...services.imports import DatasetAlreadyImported, dataset_import_file


class Command(BaseCommand):
    help = "Import a needs data file (EES CSV, ONS population, or the local data template; CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file, as published")
        parser.add_argument("--source", choices=["ees", "population", "local"], help="Default: detect")
        parser.add_argument("--organisation", help="The council's slug, for local data (which only it sees)")
        parser.add_argument("--dry-run", action="store_true", help="Check and summarise; import nothing")

    def handle(
        self, *args, file: str, source: str | None, organisation: str | None, dry_run: bool, **options
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        council = None
        if organisation:
            council = Organisation.objects.filter(slug=organisation).first()
            if council is None or not council.is_local_authority:
                raise CommandError(f"No council with the slug ‘{organisation}’.")
        meta = path.with_name(path.name.removesuffix(path.suffix) + ".meta.csv")
        meta_file = meta.open("rb") if meta.is_file() else None
        try:
            result = dataset_import_file(
                file=path,
                file_name=path.name,
                source=source,
                organisation=council,
                imported_by=None,
                meta_file=meta_file,
                dry_run=dry_run,
            )
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            count = len(refused.problems)
            raise CommandError(
                f"{path.name} was not imported: {count} problem(s). Nothing was written."
            ) from None
        except DatasetAlreadyImported as duplicate:
            raise CommandError(str(duplicate)) from None
        except ValueError as error:  # e.g. local data without --organisation
            raise CommandError(str(error)) from None
        finally:
            if meta_file is not None:
                meta_file.close()
        if dry_run:
            self.stdout.write(
                f"Dry run: {path.name} ({result.layout}) would import {len(result.observations):,} numbers "
                f"from {result.row_count:,} rows, {result.time_identifier} {_years(result.periods)}, "
                f"{len(result.areas):,} areas, {result.suppressed_count:,} suppressed cells. "
                "Nothing was written."
            )
            return
        self.stdout.write(
            f"Imported {path.name} as dataset {result.pk}: {result.observation_count:,} numbers from "
            f"{result.row_count:,} rows, {result.time_identifier} {_years(result.periods)}, "
            f"{result.suppressed_count:,} suppressed cells."
        )


def _years(periods: list[int]) -> str:
    if not periods:
        return "(no years)"
    return str(periods[0]) if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"
