"""`manage.py export_ocds`: writes a valid package, and never writes an invalid one."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from accounts.models import User
from procurement.models import Clarification, SubmissionAnswer, Tender
from procurement.ocds.validation import validate_release_package

pytestmark = pytest.mark.django_db

COMMAND = "procurement.management.commands.export_ocds"


def test_the_command_writes_a_valid_package_to_a_file_and_succeeds(tenders, tmp_path):
    output = tmp_path / "ocds.json"
    err = io.StringIO()
    call_command("export_ocds", "--output", str(output), stderr=err)
    package = json.loads(output.read_text(encoding="utf-8"))
    assert validate_release_package(package) == []
    assert len(package["releases"]) == 7
    assert "Wrote 7 releases" in err.getvalue()
    assert list(tmp_path.iterdir()) == [output]  # no temporary file left behind


def test_without_an_output_file_the_package_goes_to_standard_output(tenders):
    out = io.StringIO()
    call_command("export_ocds", "--organisation", "southvale", stdout=out)
    package = json.loads(out.getvalue())
    titles = [release["tender"]["title"] for release in package["releases"]]
    assert titles == ["Southvale's occupational therapy"]


def test_an_unknown_authority_is_refused(tenders):
    with pytest.raises(CommandError, match="no authority with the slug 'oakfield'"):
        call_command("export_ocds", "--organisation", "oakfield")


def test_an_invalid_package_is_never_written_and_the_command_exits_1(tenders, tmp_path, monkeypatch, capsys):
    """Each error is printed with its path; the file is not created."""
    import procurement.management.commands.export_ocds as command

    real = command.build_release_package

    def broken(**kwargs):
        package = real(**kwargs)
        package["releases"][0]["date"] = "yesterday"
        package["releases"][1]["tag"] = ["bidding"]
        return package

    monkeypatch.setattr(command, "build_release_package", broken)
    output = tmp_path / "ocds.json"
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "export_ocds", "--output", str(output)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "$.releases[0].date: 'yesterday' is not a 'date-time'" in err
    assert "$.releases[1].tag[0]:" in err
    assert "breaks the OCDS schema in 2 places: nothing was written" in err
    assert not output.exists()


def test_an_invalid_package_does_not_replace_an_earlier_file(tenders, tmp_path, monkeypatch):
    import procurement.management.commands.export_ocds as command

    output = tmp_path / "ocds.json"
    output.write_text("earlier\n")
    monkeypatch.setattr(command, "build_release_package", lambda **kwargs: {"releases": [{}]})
    with pytest.raises(CommandError) as error:
        call_command("export_ocds", "--output", str(output), stderr=io.StringIO())
    assert error.value.returncode == 1
    assert output.read_text() == "earlier\n"


def test_with_no_published_tender_nothing_is_written(db, tmp_path):
    output = tmp_path / "ocds.json"
    err = io.StringIO()
    call_command("export_ocds", "--output", str(output), stderr=err)
    assert "nothing to publish" in err.getvalue()
    assert not output.exists()


def test_the_export_of_the_demo_data_validates_with_no_errors(tmp_path):
    """Whatever tenders the demo holds: each published one is a release, and the package is valid."""
    call_command("seed_demo", "--quiet")
    published = Tender.objects.visible_to_bidders().count()
    output = tmp_path / "demo.json"
    err = io.StringIO()
    call_command("export_ocds", "--output", str(output), stderr=err)
    if published == 0:
        assert "nothing to publish" in err.getvalue() and not output.exists()
        return
    package = json.loads(output.read_text(encoding="utf-8"))
    assert validate_release_package(package) == []
    assert len(package["releases"]) == published
    _assert_only_public_facts(package)


def _amounts(value) -> list:
    if isinstance(value, dict):
        return ([value["amount"]] if "amount" in value else []) + [
            amount for item in value.values() for amount in _amounts(item)
        ]
    if isinstance(value, list):
        return [amount for item in value for amount in _amounts(item)]
    return []


def _assert_only_public_facts(package: dict) -> None:
    """Whatever the demo holds: every money amount is an estimate or a winning bid; before opening there
    is no count of bids, no award and no party but the buyer; no answer, person or question appears."""
    text = json.dumps(package, ensure_ascii=False)
    for release in package["releases"]:
        tender = Tender.objects.get(pk=int(release["ocid"].rsplit("-", 1)[1]))
        public = {tender.estimated_value, *tender.lots.values_list("estimated_value", flat=True)}
        public |= set(tender.awards.values_list("value", flat=True))
        assert {Decimal(str(amount)) for amount in _amounts(release)} <= public
        if tender.opened_at is None:
            assert "numberOfTenderers" not in release["tender"] and "awards" not in release
            assert [party["roles"] for party in release["parties"]] == [["buyer", "procuringEntity"]]
    for answer in SubmissionAnswer.objects.exclude(text=""):
        assert answer.text not in text
    for user in User.objects.all():
        assert user.email not in text and user.full_name not in text
    for clarification in Clarification.objects.all():
        assert clarification.question not in text
