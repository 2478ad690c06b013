"""Validate an OCDS 1.1 release package against the vendored 1.1.5 schemas, with no network.

The package schema refers to the release schema by its canonical URL; a `referencing` Registry holding
both vendored files answers that URL, and the registry has no retriever, so any other reference fails
instead of being fetched.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
PACKAGE_SCHEMA_FILE = SCHEMA_DIR / "ocds_1_1_5_release-package-schema.json"
RELEASE_SCHEMA_FILE = SCHEMA_DIR / "ocds_1_1_5_release-schema.json"


@dataclass(frozen=True)
class OcdsError:
    """One way a package breaks the schema: where (a JSON path such as `$.releases[0].ocid`) and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def schema_registry() -> Registry:
    """Both vendored schemas under their own `id` URLs; nothing is ever retrieved."""
    resources = [
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in (_load(PACKAGE_SCHEMA_FILE), _load(RELEASE_SCHEMA_FILE))
    ]
    return Registry().with_resources(resources)


@cache
def package_validator() -> Draft4Validator:
    schema = _load(PACKAGE_SCHEMA_FILE)
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, registry=schema_registry(), format_checker=Draft4Validator.FORMAT_CHECKER)


def validate_release_package(data: object) -> list[OcdsError]:
    """Every schema error in `data`, sorted by path; an empty list means it is a valid package."""
    errors = [
        OcdsError(path=error.json_path, message=error.message)
        for error in package_validator().iter_errors(data)
    ]
    return sorted(errors, key=lambda e: (e.path, e.message))
