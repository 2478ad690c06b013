"""The specification pages: who may reach each route, what each page says, and the PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from commissioning.models import SpecificationStatus, SpecificationVersion
from commissioning.services import specifications as services
from commissioning.tests.test_specifications import sections_for
from core.audit import audit_events_for
from core.models import AuditAction
from tests.access import ANONYMOUS, ObjectCase, assert_access, assert_object_access, client_for, only

READERS = {
    "commissioner_northshire": 200,
    "lead_northshire": 200,
    "evaluator_northshire": 200,
    "finance_northshire": 200,
    "legal_northshire": 200,
    "commissioner_southvale": 200,
}
WRITERS = {"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 200}
OWN_READERS = ["commissioner_northshire", "lead_northshire", "evaluator_northshire", "finance_northshire"]
OWN_WRITERS = ["commissioner_northshire", "lead_northshire"]


def make(actor, title="Autism outreach", **sections):
    return services.specification_create(actor=actor, title=title, sections=sections_for(**sections))


@pytest.fixture
def spec(commissioner_northshire):
    return make(commissioner_northshire)


@pytest.fixture
def two_versions(spec, commissioner_northshire):
    services.specification_approve(actor=commissioner_northshire, specification=spec)
    services.specification_edit(
        actor=commissioner_northshire,
        specification=spec,
        sections=sections_for(aims="Help <script>alert(1)</script> children", kpis=[]),
        change_summary="Tightened the aims",
    )
    spec.refresh_from_db()
    return spec


@pytest.fixture
def theirs(commissioner_southvale):
    return make(commissioner_southvale, title="Southvale outreach")


def client(request, persona):
    return client_for(request, persona)


# ---------------------------------------------------------------------------------------------------------
# Access matrix


def test_list_and_create_access(request, spec):
    assert_access(request, reverse("commissioning:spec_list"), only(READERS))
    assert_access(request, reverse("commissioning:spec_create"), only(WRITERS))


def test_create_post_is_refused_to_non_commissioners(request, spec):
    table = only({persona: 400 for persona in WRITERS})  # an empty form comes back with its errors
    assert_access(request, reverse("commissioning:spec_create"), table, method="post", data={})


READ_ROUTES = [
    ("spec_detail", lambda s: reverse("commissioning:spec_detail", args=[s.pk])),
    ("spec_version", lambda s: reverse("commissioning:spec_version", args=[s.pk, 1])),
    ("spec_diff", lambda s: reverse("commissioning:spec_diff", args=[s.pk])),
    ("spec_pdf", lambda s: reverse("commissioning:spec_pdf", args=[s.pk, 1])),
]
WRITE_ROUTES = [
    ("spec_edit", lambda s: reverse("commissioning:spec_edit", args=[s.pk])),
    ("spec_status", lambda s: reverse("commissioning:spec_status", args=[s.pk])),
]


def _own_for(spec, theirs):
    return lambda persona: theirs if persona == "commissioner_southvale" else spec


@pytest.mark.parametrize(("name", "url_for"), READ_ROUTES)
def test_read_routes(request, spec, theirs, name, url_for):
    # Council staff read; forum members, providers and the operator's staff are refused; sign-in first.
    table = {**only(READERS), ANONYMOUS: 302, "commissioner_southvale": 404}
    assert_access(request, url_for(spec), table)
    missing = url_for(type("Missing", (), {"pk": 999999})())
    assert_object_access(
        request,
        url_for=url_for,
        own_object_for=_own_for(spec, theirs),
        other_object=theirs,
        missing_url=missing,
        cases=[ObjectCase(persona, 200) for persona in OWN_READERS],
    )


@pytest.mark.parametrize(("name", "url_for"), WRITE_ROUTES)
def test_write_routes(request, spec, theirs, name, url_for):
    table = only({"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 404})
    assert_access(request, url_for(spec), table)
    assert_object_access(
        request,
        url_for=url_for,
        own_object_for=_own_for(spec, theirs),
        other_object=theirs,
        missing_url=url_for(type("Missing", (), {"pk": 999999})()),
        cases=[ObjectCase(persona, 200) for persona in OWN_WRITERS],
    )


@pytest.mark.parametrize(("name", "url_for"), WRITE_ROUTES)
def test_write_routes_post_refused(request, spec, theirs, name, url_for):
    table = only({}, others=403)
    # Commissioners of Northshire would change it; everyone else is refused before anything happens.
    for persona in ("commissioner_northshire", "lead_northshire"):
        table.pop(persona)
    table["commissioner_southvale"] = 404
    for persona, status in table.items():
        response = client(request, persona).post(url_for(spec), {})
        assert response.status_code == status, persona
    spec.refresh_from_db()
    assert spec.status == SpecificationStatus.DRAFT
    assert SpecificationVersion.objects.get(specification=spec).sections == sections_for()


# ---------------------------------------------------------------------------------------------------------
# Pages


def test_list_filters_by_status_and_has_an_empty_state(request, commissioner_northshire):
    c = client(request, "commissioner_northshire")
    assert "No service specifications have been written yet" in c.get(reverse("commissioning:spec_list")).text
    draft = make(commissioner_northshire, title="Draft one")
    approved = make(commissioner_northshire, title="Approved one")
    services.specification_approve(actor=commissioner_northshire, specification=approved)
    page = c.get(reverse("commissioning:spec_list"), {"status": "approved"}).text
    assert approved.title in page and draft.title not in page
    assert (
        "No specifications have this status"
        in c.get(reverse("commissioning:spec_list"), {"status": "revised"}).text
    )


def test_list_paginates(request, commissioner_northshire):
    for i in range(26):
        make(commissioner_northshire, title=f"Spec {i:02d}")
    c = client(request, "commissioner_northshire")
    first = c.get(reverse("commissioning:spec_list")).text
    assert "Page 1 of 2" in first
    assert "Spec 25" in c.get(reverse("commissioning:spec_list"), {"page": 2}).text


def test_create_through_the_form(request):
    c = client(request, "commissioner_northshire")
    response = c.post(
        reverse("commissioning:spec_create"),
        {
            "title": "Speech and language therapy",
            "aims": "Help children communicate.",
            "kpis-0-name": "Waiting time",
            "kpis-0-target": "18 weeks",
            "kpis-0-frequency": "Monthly",
        },
    )
    assert response.status_code == 302
    version = SpecificationVersion.objects.get(specification__title="Speech and language therapy")
    assert version.sections["kpis"] == [
        {"name": "Waiting time", "target": "18 weeks", "frequency": "Monthly"}
    ]
    assert version.sections["aims"] == "Help children communicate."


def test_create_form_shows_errors(request):
    c = client(request, "commissioner_northshire")
    response = c.post(reverse("commissioning:spec_create"), {"kpis-0-target": "90%"})
    assert response.status_code == 400
    text = response.text
    assert "Enter a title" in text
    assert "Enter the aims and objectives" in text
    assert "Enter the indicator for indicator 1" in text


def test_detail_shows_what_the_person_may_do(request, spec):
    commissioner = client(request, "commissioner_northshire").get(
        reverse("commissioning:spec_detail", args=[spec.pk])
    )
    assert "Approve version 1" in commissioner.text
    assert "Change version 1" in commissioner.text
    assert "Compare versions" not in commissioner.text
    finance = client(request, "finance_northshire").get(reverse("commissioning:spec_detail", args=[spec.pk]))
    assert "Approve version 1" not in finance.text
    assert "Change version 1" not in finance.text
    assert "Aims and objectives" in finance.text


def test_edit_says_it_edits_the_draft_or_makes_a_new_version(request, spec, commissioner_northshire):
    c = client(request, "commissioner_northshire")
    url = reverse("commissioning:spec_edit", args=[spec.pk])
    assert "You are changing the working draft, version 1" in c.get(url).text
    services.specification_approve(actor=commissioner_northshire, specification=spec)
    page = c.get(url).text
    assert "Version 1 is locked" in page and "Saving creates version 2" in page
    refused = c.post(url, {"aims": "New aims"})
    assert refused.status_code == 400 and "Say what has changed in this version" in refused.text
    response = c.post(url, {"aims": "New aims", "change_summary": "New aims"})
    assert response.status_code == 302
    spec.refresh_from_db()
    assert spec.status == SpecificationStatus.REVISED
    assert (
        SpecificationVersion.objects.get(specification=spec, number=1).sections["aims"]
        == sections_for()["aims"]
    )
    assert SpecificationVersion.objects.get(specification=spec, number=2).sections["aims"] == "New aims"


def test_status_change_confirms_then_approves(request, spec):
    c = client(request, "commissioner_northshire")
    url = reverse("commissioning:spec_status", args=[spec.pk])
    confirm = c.get(url, {"action": "approve"})
    assert confirm.status_code == 200 and "Approve version 1" in confirm.text
    # A POST must name its step: one that names none approves nothing.
    assert c.post(url).status_code == 400
    spec.refresh_from_db()
    assert spec.status == SpecificationStatus.DRAFT
    assert c.post(url, {"action": "approve"}).status_code == 302
    spec.refresh_from_db()
    assert spec.status == SpecificationStatus.APPROVED
    assert SpecificationVersion.objects.get(specification=spec).locked_reason == "approved"
    again = c.get(url, {"action": "approve"})
    assert again.status_code == 409 and "cannot be approved" in again.text
    assert c.post(url, {"action": "approve"}).status_code == 409
    assert c.get(url, {"action": "explode"}).status_code == 404


def test_version_page_shows_any_version(request, two_versions):
    c = client(request, "finance_northshire")
    v1 = c.get(reverse("commissioning:spec_version", args=[two_versions.pk, 1])).text
    assert "Locked (approved)" in v1 and sections_for()["aims"] in v1
    v2 = c.get(reverse("commissioning:spec_version", args=[two_versions.pk, 2])).text
    assert "Tightened the aims" in v2
    assert "&lt;script&gt;" in v2 and "<script>alert" not in v2
    assert c.get(reverse("commissioning:spec_version", args=[two_versions.pk, 3])).status_code == 404


def test_compare_defaults_to_the_last_two_and_escapes(request, two_versions):
    c = client(request, "commissioner_northshire")
    url = reverse("commissioning:spec_diff", args=[two_versions.pk])
    page = c.get(url).text
    assert "Compare version 1 with version 2" in page
    assert "<ins>" in page and "<del>" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "Removed" in page  # the KPI rows
    assert c.get(url, {"from": 2, "to": 1}).status_code == 200


@pytest.mark.parametrize("query", [{"from": 1, "to": 9}, {"from": "x", "to": 2}, {"from": 1}, {"to": 0}])
def test_compare_bad_numbers_are_404(request, two_versions, query):
    c = client(request, "commissioner_northshire")
    assert c.get(reverse("commissioning:spec_diff", args=[two_versions.pk]), query).status_code == 404


def test_compare_with_one_version_says_so(request, spec):
    page = client(request, "commissioner_northshire").get(reverse("commissioning:spec_diff", args=[spec.pk]))
    assert page.status_code == 200 and "only one version" in page.text


def test_pdf_renders_with_its_title_and_is_audited(request, two_versions, commissioner_northshire):
    response = client(request, "finance_northshire").get(
        reverse("commissioning:spec_pdf", args=[two_versions.pk, 1])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Autism outreach" in text
    assert "Version 1, created on" in text
    assert "Aims and objectives" in text and "Referrals answered in 10 days" in text
    assert audit_events_for(two_versions).filter(action=AuditAction.DOWNLOAD).count() == 1


def test_editing_a_later_draft_shows_its_change_summary(request, two_versions):
    page = client(request, "commissioner_northshire").get(
        reverse("commissioning:spec_edit", args=[two_versions.pk])
    )
    assert "You are changing the working draft, version 2" in page.text
    assert "Tightened the aims" in page.text
