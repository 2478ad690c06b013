"""The import pages work in a browser and axe-core finds no serious or critical problem on them."""

from pathlib import Path

import pytest

from .conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "dashboard" / "demo" / "data"


def test_a_commissioner_imports_a_file_through_the_pages(page, commissioner_northshire):
    sign_in(page, commissioner_northshire)
    page.goto("/needs/data/")
    assert page.get_by_role("heading", name="Needs data").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Import a data file").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.get_by_label("Data file", exact=True).set_input_files(str(DEMO / "ehcp2022_sen2_age_caseload.csv"))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check the data before importing").is_visible()
    screenshot(page, "needs-import-preview")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Import this data").click()
    page.wait_for_load_state()
    assert page.get_by_text("Imported", exact=True).first.is_visible()
    screenshot(page, "needs-import-done")
    assert axe_violations(page) == []


def test_the_upload_page_with_problems_is_accessible(page, commissioner_northshire, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Table 1: EHC plans\nSource: DfE\n\nla,plans\nNorthshire,abc\n")
    sign_in(page, commissioner_northshire)
    page.goto("/needs/data/upload/")
    page.get_by_label("Data file", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    screenshot(page, "needs-import-problems")
    assert axe_violations(page) == []


def test_the_local_template_guide_is_accessible(page, commissioner_northshire):
    sign_in(page, commissioner_northshire)
    page.goto("/needs/data/local-template/")
    assert axe_violations(page) == []
