"""Importing needs data: the command, the upload pages, releases, duplicates, failures, access."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from core.models import AuditAction, AuditEvent
from needs.importers import ImportRefused
from needs.models import Area, Dataset, DatasetStatus, Observation
from needs.services.imports import DatasetAlreadyImported, dataset_import_file
from tests.access import ObjectCase, assert_access, assert_object_access, only

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "dashboard" / "demo" / "data"
NEEDS_2025 = DEMO / "ehcp2025_sen_needs_all_plans.csv"
AGES_2022 = DEMO / "ehcp2022_sen2_age_caseload.csv"
POPULATION = DEMO / "northshire_mid-2024_population_estimates_syoa.csv"
LOCAL = DEMO / "northshire_local_ehc_plans_by_ward.csv"

COUNCIL_STAFF = {
    "commissioner_northshire": 200,
    "lead_northshire": 200,
    "evaluator_northshire": 200,
    "finance_northshire": 200,
    "legal_northshire": 200,
    "commissioner_southvale": 200,
}
COMMISSIONERS = {"commissioner_northshire": 200, "lead_northshire": 200, "commissioner_southvale": 200}

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "new_la_code,old_la_code,la_name,breakdown_topic,breakdown,ehc_plans,number_asd"
)


def ees(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


ENGLAND_2024 = (
    "202425,Academic year,National,E92000001,England,,,,,,All EHC plans,All EHC plans,{total},{asd}"
)


def import_path(path: Path, *, source=None, organisation=None, user=None) -> Dataset:
    return dataset_import_file(
        file=path, file_name=path.name, source=source, organisation=organisation, imported_by=user
    )


def value(area_code: str, measure: str, year: int, **filters):
    return Observation.objects.get(area__code=area_code, measure=measure, year=year, **filters).value


def test_the_command_imports_a_published_file_and_prints_one_line(capsys):
    call_command("import_needs", str(NEEDS_2025))
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0
    assert out.startswith("Imported ehcp2025_sen_needs_all_plans.csv as dataset ")
    dataset = Dataset.objects.get()
    assert dataset.status == DatasetStatus.COMPLETE
    assert dataset.is_public
    assert dataset.periods == [2024]
    assert (
        value("E92000001", "ehc_plans", 2024, primary_need="", age_min=None, setting="", breakdown_topic="")
        == 638745
    )
    assert (
        value(
            "E92000001", "ehc_plans", 2024, primary_need="ASD", age_min=None, setting="", breakdown_topic=""
        )
        == 201183
    )
    assert Observation.objects.count() == dataset.observation_count
    assert Area.objects.get(code="E06000998").parent.code == "E12000004"


def test_a_dry_run_summarises_and_writes_nothing(capsys):
    call_command("import_needs", str(AGES_2022), "--dry-run")
    out = capsys.readouterr().out
    assert out.startswith("Dry run: ehcp2022_sen2_age_caseload.csv")
    assert "Nothing was written." in out
    assert not Dataset.objects.exists()
    assert not Observation.objects.exists()


def test_a_bad_file_is_refused_with_row_and_column_and_nothing_is_written(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(ees(ENGLAND_2024.format(total="638745", asd="lots")))
    with pytest.raises(CommandError, match="was not imported"):
        call_command("import_needs", str(bad))
    err = capsys.readouterr().err
    assert "Row 2" in err and "number_asd" in err and "lots" in err
    assert not Dataset.objects.exists()
    assert not Observation.objects.exists()
    assert not Area.objects.exists()


def test_importing_the_same_file_twice_doubles_nothing():
    import_path(NEEDS_2025)
    count = Observation.objects.count()
    with pytest.raises(DatasetAlreadyImported, match="already been imported"):
        import_path(NEEDS_2025)
    with pytest.raises(CommandError, match="already been imported"):
        call_command("import_needs", str(NEEDS_2025))
    assert Observation.objects.count() == count
    assert Dataset.objects.count() == 1


def test_a_newer_release_replaces_the_older_ones_overlapping_years(tmp_path):
    """Both releases cover 2024; the newer one's figure wins, and both datasets' histories say so."""
    old = tmp_path / "sen_needs_all_plans.csv"
    old.write_bytes(ees(ENGLAND_2024.format(total="600000", asd="190000")))
    first = import_path(old)
    new = tmp_path / "ehcp2026_sen_needs_all_plans.csv"
    new.write_bytes(
        ees(
            ENGLAND_2024.format(total="638745", asd="201183"),
            ENGLAND_2024.replace("202425", "202526").format(total="670000", asd="215000"),
        )
    )
    second = import_path(new)
    assert second.series == first.series == "sen_needs_all_plans"
    assert value("E92000001", "ehc_plans", 2024, primary_need="") == 638745
    assert Observation.objects.filter(dataset=first).count() == 0
    first.refresh_from_db()
    assert first.periods == []
    assert "2024 replaced by the newer release" in first.notes
    assert "Replaced 2024 of the older release" in second.notes
    assert second.replaces == first
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, target_id=str(first.pk)).exists()


def test_local_data_belongs_to_its_council_and_needs_one(northshire, commissioner_northshire):
    with pytest.raises(ValueError, match="must belong to a council"):
        import_path(LOCAL, source="local")
    dataset = import_path(LOCAL, source="local", organisation=northshire, user=commissioner_northshire)
    assert dataset.organisation == northshire
    assert dataset.scope == f"org:{northshire.pk}"
    assert Observation.objects.filter(dataset=dataset, area__level="ward").exists()
    assert Observation.objects.filter(dataset=dataset, marker="c", value__isnull=True).exists()


def test_suppressed_cells_are_kept_as_markers_never_zero():
    dataset = import_path(AGES_2022)
    suppressed = Observation.objects.filter(dataset=dataset, marker="z")
    assert suppressed.exists()
    assert not suppressed.filter(value__isnull=False).exists()
    assert dataset.suppressed_count == suppressed.count()


def test_a_failed_load_leaves_nothing_behind_and_says_why(monkeypatch):
    from needs.services import imports

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_replace_older_releases", broken)
    with pytest.raises(RuntimeError):
        import_path(NEEDS_2025)
    dataset = Dataset.objects.get()
    assert dataset.status == DatasetStatus.FAILED
    assert "disk full" in dataset.error
    assert not Observation.objects.exists()
    monkeypatch.undo()
    retried = import_path(NEEDS_2025)  # a failed import of the same file may be tried again
    assert retried.status == DatasetStatus.COMPLETE
    assert Dataset.objects.count() == 1


def test_on_postgresql_each_import_is_copied_into_its_own_attached_partition(monkeypatch):
    """COPY, not INSERT; the rows live in the dataset's own partition, attached once complete; a failed
    load leaves no table behind."""
    if connection.vendor != "postgresql":
        pytest.skip("partitions and COPY are PostgreSQL's")
    from django.test.utils import CaptureQueriesContext

    from needs.services import imports

    with CaptureQueriesContext(connection) as queries:
        dataset = import_path(AGES_2022)
    assert not any('INSERT INTO "needs_observation"' in query["sql"] for query in queries.captured_queries)

    def partitions() -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'needs_observation'::regclass"
            )
            names = [row[0] for row in cursor.fetchall()]
        return names

    assert f"needs_observation_d{dataset.pk}" in partitions()
    assert Observation.objects.filter(dataset=dataset).count() == dataset.observation_count > 1000

    monkeypatch.setattr(imports, "_replace_older_releases", lambda dataset: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        import_path(NEEDS_2025)
    failed = Dataset.objects.get(status=DatasetStatus.FAILED)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"needs_observation_d{failed.pk}"])
        assert cursor.fetchone()[0] is None
    assert not Observation.objects.filter(dataset=failed).exists()


# The pages


def upload(client, path: Path, source="auto", name=None):
    return client.post(
        reverse("needs:dataset_upload"),
        {"file": SimpleUploadedFile(name or path.name, path.read_bytes()), "source": source},
    )


def test_a_commissioner_uploads_previews_and_imports_a_file(
    client, commissioner_northshire, django_capture_on_commit_callbacks
):
    client.force_login(commissioner_northshire)
    response = upload(client, NEEDS_2025)
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "Check the data before importing" in preview.text
    assert "Academic year: 2024" in preview.text
    assert "number_asd" in preview.text
    assert "Every council using the service" in preview.text
    assert "Local authority: 2 areas" in preview.text
    assert not Dataset.objects.exists()  # nothing imported before confirming
    with django_capture_on_commit_callbacks(execute=True):  # the import task is queued after commit
        done = client.post(response["Location"], {"confirm": ""}, follow=True)
    assert "Imported" in done.text
    dataset = Dataset.objects.get()
    assert dataset.status == DatasetStatus.COMPLETE
    assert dataset.imported_by == commissioner_northshire
    assert dataset.stored_name
    listing = client.get(reverse("needs:dataset_list")).text
    assert dataset.title in listing


def test_cancelling_a_preview_imports_nothing(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    preview_url = upload(client, NEEDS_2025)["Location"]
    response = client.post(preview_url, {"cancel": ""}, follow=True)
    assert "Nothing was imported" in response.text
    assert not Dataset.objects.exists()
    assert client.get(preview_url).status_code == 404


def test_a_refused_upload_lists_each_problem_by_row_and_column(client, commissioner_northshire, tmp_path):
    client.force_login(commissioner_northshire)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(ees(ENGLAND_2024.format(total="abc", asd="201183")))
    response = upload(client, bad)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Nothing has been imported" in response.text
    assert "Row 2" in response.text and "ehc_plans" in response.text
    assert not Dataset.objects.exists()


def test_an_upload_that_is_not_data_is_refused(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    response = client.post(
        reverse("needs:dataset_upload"),
        {"file": SimpleUploadedFile("figures.csv", b"%PDF-1.4 not a table"), "source": "auto"},
    )
    assert response.status_code == 400
    assert not Dataset.objects.exists()


def test_uploading_a_file_already_imported_says_so(client, commissioner_northshire):
    import_path(NEEDS_2025)
    client.force_login(commissioner_northshire)
    preview_url = upload(client, NEEDS_2025)["Location"]
    response = client.post(preview_url, {"confirm": ""}, follow=True)
    assert "This file has already been imported" in response.text
    assert Dataset.objects.count() == 1


def test_the_local_template_is_documented_and_downloadable(client, commissioner_northshire):
    client.force_login(commissioner_northshire)
    guide = client.get(reverse("needs:local_template_guide"))
    assert "primary_need" in guide.text
    download = client.get(reverse("needs:local_template_download"))
    assert download["Content-Disposition"] == 'attachment; filename="local-needs-data-template.csv"'
    assert download.content.decode().splitlines()[0].startswith("time_period,time_identifier")


def test_who_may_see_and_import_needs_data(request):
    for url in (reverse("needs:dataset_list"), reverse("needs:local_template_guide")):
        assert_access(request, url, only(COUNCIL_STAFF))
    assert_access(request, reverse("needs:dataset_upload"), only(COMMISSIONERS))


def test_another_councils_local_dataset_answers_404(request, northshire, southvale, commissioner_northshire):
    northshire_data = import_path(
        LOCAL, source="local", organisation=northshire, user=commissioner_northshire
    )
    public = import_path(AGES_2022)
    assert_object_access(
        request,
        url_for=lambda dataset: reverse("needs:dataset_detail", args=[dataset.pk]),
        own_object_for=lambda persona: public,
        other_object=northshire_data,
        missing_url=reverse("needs:dataset_detail", args=[999999]),
        cases=[ObjectCase("commissioner_southvale", 200)],
    )


def test_the_progress_of_an_import_can_be_asked_for(client, commissioner_northshire):
    dataset = import_path(AGES_2022)
    client.force_login(commissioner_northshire)
    response = client.get(reverse("needs:dataset_detail", args=[dataset.pk]), {"format": "json"})
    assert response.json() == {"status": "complete", "progress": 100}


def test_the_import_task_loads_a_prepared_dataset_and_is_safe_to_repeat(commissioner_northshire):
    from django.core.files.storage import storages

    from needs.importers import parse_file
    from needs.services.imports import dataset_prepare, file_checksum, parsed_summary
    from needs.tasks import import_dataset

    stored = storages["private"].save("imports/test.csv", io.BytesIO(AGES_2022.read_bytes()))
    parsed = parse_file(AGES_2022, file_name=AGES_2022.name)
    dataset = dataset_prepare(
        summary=parsed_summary(parsed),
        file_name=AGES_2022.name,
        checksum=file_checksum(AGES_2022),
        organisation=None,
        imported_by=commissioner_northshire,
        stored_name=stored,
    )
    assert import_dataset.delay(dataset.pk).get() == "complete"
    count = Observation.objects.count()
    assert import_dataset.delay(dataset.pk).get() == "nothing to do"
    assert Observation.objects.count() == count


def test_refusal_is_raised_for_an_empty_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportRefused):
        import_path(empty)
    assert not Dataset.objects.exists()


def test_awkward_text_survives_the_load_exactly(tmp_path, northshire, commissioner_northshire):
    """Quotes, commas, a tab and a backslash in a label are stored as written (COPY escapes them)."""
    label = 'Unit "A", East\\West\tannexe'
    local = tmp_path / "local.csv"
    quoted = label.replace('"', '""')
    local.write_text(
        "time_period,time_identifier,geographic_level,area_code,area_name,primary_need,age_band,setting,"
        "measure,value\n"
        f'202425,Academic year,Local authority,E06000998,Northshire,ASD,5-10,"{quoted}",ehc_plans,12\n'
    )
    dataset = import_path(local, source="local", organisation=northshire, user=commissioner_northshire)
    row = Observation.objects.get(dataset=dataset)
    assert row.setting == label
    assert row.value == 12
    assert (row.age_min, row.age_max) == (5, 10)
    assert row.breakdown == "" and row.marker == ""
