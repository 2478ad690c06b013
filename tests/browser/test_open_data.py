"""The open contracting data page in a real browser: a council commissioner reads what the file holds and
downloads it; a provider sees the empty state before anything is published. axe-core finds no serious or
critical problem."""

import json
from pathlib import Path

import pytest

from procurement.ocds.validation import validate_release_package
from procurement.tests.ocds import conftest as ocds_fixtures

from .conftest import check, sign_in

# The open data tests' tenders in every state, shared with procurement/tests/ocds.
sealed_bidder = ocds_fixtures.sealed_bidder
tenders = ocds_fixtures.tenders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_reads_the_page_and_downloads_a_valid_file(page, tenders, commissioner_northshire):
    sign_in(page, commissioner_northshire)
    page.goto("/procurement/open-data/")
    assert page.get_by_role("heading", name="Open contracting data").is_visible()
    assert page.get_by_text("6 tenders in the file").is_visible()
    check(page, "procurement-open-data")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the data (JSON, OCDS 1.1)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("open-contracting-northshire-")
    package = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert validate_release_package(package) == []
    assert len(package["releases"]) == 6


def test_a_provider_sees_that_nothing_is_published_yet(page, provider_oakfield):
    sign_in(page, provider_oakfield)
    page.goto("/procurement/open-data/")
    assert page.get_by_text("No tender has been published yet").is_visible()
    check(page, "procurement-open-data-empty")


def test_a_provider_chooses_one_authoritys_file(page, tenders, provider_oakfield):
    sign_in(page, provider_oakfield)
    page.goto("/procurement/open-data/")
    assert page.get_by_text("7 tenders in the file").is_visible()
    page.get_by_label("Authority").select_option(label="Southvale Council")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert page.get_by_text("1 tender in the file").is_visible()
    check(page, "procurement-open-data-one-authority")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the data (JSON, OCDS 1.1)").click()
    assert download_info.value.suggested_filename.startswith("open-contracting-southvale-")
