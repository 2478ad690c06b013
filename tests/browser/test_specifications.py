"""The specification pages in a real browser: axe-core finds no serious or critical problem on the list,
the form with errors, the detail page and the comparison, and a commissioner can approve and re-version."""

import pytest

from commissioning.services import specifications as services
from commissioning.tests.test_specifications import sections_for

from .conftest import check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def spec(commissioner_northshire):
    spec = services.specification_create(
        actor=commissioner_northshire, title="Autism outreach", sections=sections_for()
    )
    services.specification_approve(actor=commissioner_northshire, specification=spec)
    services.specification_edit(
        actor=commissioner_northshire,
        specification=spec,
        sections=sections_for(
            aims="Help autistic children <script>alert(1)</script> stay in their local school.",
            kpis=[{"name": "Referrals answered in 5 days", "target": "90%", "frequency": "Monthly"}],
        ),
        change_summary="Faster referrals",
    )
    spec.refresh_from_db()
    return spec


def test_specification_pages_are_accessible(page, commissioner_northshire, spec):
    sign_in(page, commissioner_northshire)
    page.goto("/commissioning/specifications/")
    assert page.get_by_role("heading", name="Service specifications").is_visible()
    check(page, "spec-list")

    page.get_by_role("button", name="Create a specification").click()
    page.get_by_role("button", name="Create specification").click()  # submit the empty form
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Enter a title").is_visible()
    check(page, "spec-form-errors")

    page.goto(f"/commissioning/specifications/{spec.pk}/")
    assert page.get_by_role("heading", name="Autism outreach").is_visible()
    assert page.get_by_role("button", name="Approve version 2").is_visible()
    check(page, "spec-detail")

    page.get_by_role("link", name="Compare versions").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Compare version 1 with version 2").is_visible()
    check(page, "spec-compare")


def test_approving_then_changing_makes_a_new_version(page, commissioner_northshire, spec):
    sign_in(page, commissioner_northshire)
    page.goto(f"/commissioning/specifications/{spec.pk}/")
    page.get_by_role("button", name="Approve version 2").click()
    page.get_by_role("button", name="Approve version 2").click()
    page.wait_for_load_state()
    assert page.get_by_text("Version 2 has been approved and locked.").is_visible()
    page.get_by_role("button", name="Create version 3").click()
    assert page.get_by_text("Saving creates version 3").is_visible()
    page.get_by_label("What has changed in this version").fill("Safeguarding lead named")
    page.get_by_label("Safeguarding").fill("Named safeguarding lead in every team.")
    page.get_by_role("button", name="Create version 3").click()
    page.wait_for_load_state()
    assert page.get_by_text("Version 3 has been created.").is_visible()
    check(page, "spec-detail-version-3")
