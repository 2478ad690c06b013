"""The offline OCDS validator: a valid package passes, each break is named by its path, nothing is fetched."""

import copy
import socket

import pytest

from procurement.ocds.validation import validate_release_package


def _package() -> dict:
    """A small release package as the export will write it: one tender release for one council."""
    return {
        "uri": "https://commissioning.example/procurement/ocds/package.json",
        "publishedDate": "2026-12-02T09:00:00Z",
        "publisher": {"name": "Northshire Council"},
        "version": "1.1",
        "releases": [
            {
                "ocid": "ocds-xxxxxx-sendcomm-T-2026-001",
                "id": "ocds-xxxxxx-sendcomm-T-2026-001-tender-1",
                "date": "2026-12-01T12:00:00Z",
                "tag": ["tender"],
                "initiationType": "tender",
                "language": "en",
                "parties": [{"id": "GB-LAE-NSH", "name": "Northshire Council", "roles": ["buyer"]}],
                "buyer": {"id": "GB-LAE-NSH", "name": "Northshire Council"},
                "tender": {
                    "id": "T-2026-001",
                    "title": "Speech and language therapy in special schools",
                    "status": "active",
                    "procurementMethod": "open",
                    "procurementMethodDetails": "Open",
                    "value": {"amount": 450000, "currency": "GBP"},
                    "tenderPeriod": {
                        "startDate": "2026-12-01T12:00:00Z",
                        "endDate": "2027-01-15T12:00:00Z",
                    },
                },
            }
        ],
    }


def test_a_well_formed_package_has_no_errors():
    assert validate_release_package(_package()) == []


@pytest.mark.parametrize(
    ("break_it", "path"),
    [
        (lambda p: p["releases"][0].pop("ocid"), "$.releases[0]"),
        (lambda p: p["releases"][0].update(date="yesterday"), "$.releases[0].date"),
        (lambda p: p["releases"][0].update(tag=["bidding"]), "$.releases[0].tag[0]"),
        (
            lambda p: p["releases"][0]["tender"]["value"].update(amount="a lot"),
            "$.releases[0].tender.value.amount",
        ),
        (
            lambda p: p["releases"][0]["tender"]["value"].update(currency="pounds"),
            "$.releases[0].tender.value.currency",
        ),
        (lambda p: p.pop("publisher"), "$"),
    ],
    ids=[
        "missing ocid",
        "date not a date-time",
        "unknown tag",
        "amount not a number",
        "unknown currency",
        "no publisher",
    ],
)
def test_each_break_is_named_by_its_path(break_it, path):
    package = copy.deepcopy(_package())
    break_it(package)
    errors = validate_release_package(package)
    assert errors, "a broken package must not validate"
    assert path in [error.path for error in errors]
    assert all(str(error).startswith(error.path + ": ") for error in errors)


def test_the_release_schema_is_resolved_without_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the validator tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    package = _package()
    # A release-schema rule (inside the $ref'd file) still applies: the tender's status codelist.
    package["releases"][0]["tender"]["status"] = "open for bids"
    assert "$.releases[0].tender.status" in [error.path for error in validate_release_package(package)]
