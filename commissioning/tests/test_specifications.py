"""Service specifications: locked versions never change, a change to one makes a new version, the status
moves only as the transition table allows, every change is audited, and the diff is readable and escaped."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import pre_save

from commissioning.diff import specification_diff, text_diff_html
from commissioning.models import ServiceSpecification, SpecificationStatus, SpecificationVersion
from commissioning.services import specifications as services
from core.audit import audit_events_for
from core.models import AuditAction

S = SpecificationStatus


def sections_for(**overrides):
    sections = {
        "aims": "Help autistic children stay in their local school.",
        "outcomes": [
            {
                "outcome": "Attendance improves",
                "measure": "Attendance rate",
                "target": "95%",
                "frequency": "Termly",
            }
        ],
        "standards": "SEND Code of Practice.",
        "delivery_model": "In schools, by specialist teachers.",
        "eligibility": "Children with an EHC plan naming autism.",
        "kpis": [{"name": "Referrals answered in 10 days", "target": "90%", "frequency": "Monthly"}],
        "safeguarding": "Working Together to Safeguard Children.",
        "involvement": "Termly forum meetings.",
    }
    sections.update(overrides)
    return sections


def make_spec(actor, **sections):
    return services.specification_create(
        actor=actor, title="Autism outreach", sections=sections_for(**sections)
    )


@pytest.fixture
def spec(commissioner_northshire):
    return make_spec(commissioner_northshire)


def version(spec, number) -> SpecificationVersion:
    return SpecificationVersion.objects.get(specification=spec, number=number)


def set_status(spec, status):
    ServiceSpecification.objects.filter(pk=spec.pk).update(status=status)
    spec.refresh_from_db()


@pytest.fixture
def no_locked_version_saved():
    """Fails the test if anything saves a version whose stored row is locked."""
    offenders = []

    def guard(sender, instance, **kwargs):
        if (
            instance.pk
            and SpecificationVersion.objects.filter(pk=instance.pk, locked_at__isnull=False).exists()
        ):
            offenders.append(instance.pk)

    pre_save.connect(guard, sender=SpecificationVersion)
    yield offenders
    pre_save.disconnect(guard, sender=SpecificationVersion)
    assert offenders == []


# ---------------------------------------------------------------------------------------------------------
# Creating and editing


def test_create_makes_an_unlocked_version_one(spec, commissioner_northshire):
    assert spec.status == S.DRAFT
    assert spec.organisation_id == commissioner_northshire.organisation_id
    v1 = version(spec, 1)
    assert not v1.is_locked
    assert set(v1.sections) == {section.key for section in services.SECTIONS}  # jsonb keeps no key order
    assert v1.sections["outcomes"][0]["target"] == "95%"


def test_create_needs_a_title_and_aims(commissioner_northshire):
    with pytest.raises(ValidationError) as error:
        services.specification_create(actor=commissioner_northshire, title=" ", sections={})
    assert "title" in error.value.message_dict


def test_create_refuses_unknown_sections(commissioner_northshire):
    with pytest.raises(ValidationError):
        make_spec(commissioner_northshire, surprise="x")


def test_create_refuses_another_councils_business_case(commissioner_northshire, commissioner_southvale):
    from commissioning.models import BusinessCase

    case = BusinessCase.objects.create(
        organisation=commissioner_southvale.organisation, title="Theirs", author=commissioner_southvale
    )
    with pytest.raises(ValidationError) as error:
        services.specification_create(
            actor=commissioner_northshire, title="Mine", business_case=case, sections=sections_for()
        )
    assert "business_case" in error.value.message_dict


def test_blank_table_rows_are_dropped(commissioner_northshire):
    spec = make_spec(commissioner_northshire, kpis=[{"name": "", "target": "", "frequency": ""}])
    assert version(spec, 1).sections["kpis"] == []


@pytest.mark.parametrize(
    "persona", ["finance_northshire", "forum_member", "provider_oakfield", "staff_admin"]
)
def test_only_commissioners_write(request, persona, spec):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.specification_create(actor=actor, title="x", sections=sections_for())
    with pytest.raises(PermissionDenied):
        services.specification_edit(
            actor=actor, specification=spec, sections=sections_for(), change_summary=""
        )


def test_another_councils_commissioner_cannot_touch_it(spec, commissioner_southvale):
    with pytest.raises(PermissionDenied):
        services.specification_edit(
            actor=commissioner_southvale, specification=spec, sections=sections_for(aims="Theirs")
        )
    with pytest.raises(PermissionDenied):
        services.specification_approve(actor=commissioner_southvale, specification=spec)


def test_editing_the_unlocked_draft_changes_it_in_place(
    spec, commissioner_northshire, no_locked_version_saved
):
    written = services.specification_edit(
        actor=commissioner_northshire, specification=spec, sections=sections_for(aims="New aims")
    )
    assert written.number == 1
    assert spec.versions.count() == 1
    assert version(spec, 1).sections["aims"] == "New aims"


def test_a_locked_version_never_changes_and_a_change_makes_a_new_version(
    spec, commissioner_northshire, no_locked_version_saved
):
    v1 = services.specification_version_lock(version=version(spec, 1), reason="tender")
    before = dict(v1.sections)
    written = services.specification_edit(
        actor=commissioner_northshire,
        specification=spec,
        sections=sections_for(aims="Changed aims"),
        change_summary="Sharper aims",
    )
    assert written.number == 2
    assert not written.is_locked
    assert written.change_summary == "Sharper aims"
    v1.refresh_from_db()
    assert v1.sections == before
    assert v1.locked_reason == "tender"
    # Editing again changes version 2 in place, and still never version 1.
    services.specification_edit(
        actor=commissioner_northshire,
        specification=spec,
        sections=sections_for(aims="Again"),
        change_summary="x",
    )
    assert spec.versions.count() == 2
    assert version(spec, 2).sections["aims"] == "Again"
    assert version(spec, 1).sections == before


def test_a_new_version_needs_a_change_summary(spec, commissioner_northshire):
    services.specification_version_lock(version=version(spec, 1), reason="tender")
    with pytest.raises(ValidationError) as error:
        services.specification_edit(
            actor=commissioner_northshire, specification=spec, sections=sections_for()
        )
    assert "change_summary" in error.value.message_dict
    assert spec.versions.count() == 1


def test_every_path_leaves_locked_versions_alone(spec, commissioner_northshire, no_locked_version_saved):
    actor = commissioner_northshire
    services.specification_start_consultation(actor=actor, specification=spec)
    services.specification_edit(
        actor=actor, specification=spec, sections=sections_for(aims="v2"), change_summary="a"
    )
    spec.refresh_from_db()
    services.specification_approve(actor=actor, specification=spec)
    services.specification_edit(
        actor=actor, specification=spec, sections=sections_for(aims="v3"), change_summary="b"
    )
    spec.refresh_from_db()
    services.specification_version_lock(version=version(spec, 3), reason="tender")
    services.specification_version_lock(version=version(spec, 3), reason="approved")
    assert [v.sections["aims"] for v in spec.versions.order_by("number")] == [
        sections_for()["aims"],
        "v2",
        "v3",
    ]
    assert [v.locked_reason for v in spec.versions.order_by("number")] == [
        "consultation",
        "approved",
        "tender",
    ]


def test_lock_is_idempotent_and_checks_its_reason(spec):
    v1 = services.specification_version_lock(version=version(spec, 1), reason="consultation")
    first = v1.locked_at
    again = services.specification_version_lock(version=version(spec, 1), reason="approved")
    assert again.locked_at == first
    assert again.locked_reason == "consultation"
    with pytest.raises(ValidationError):
        services.specification_version_lock(version=version(spec, 1), reason="whim")


# ---------------------------------------------------------------------------------------------------------
# Transitions


@pytest.mark.parametrize(
    ("start", "name", "end", "locks"),
    [
        (S.DRAFT, "start_consultation", S.IN_CONSULTATION, "consultation"),
        (S.DRAFT, "approve", S.APPROVED, "approved"),
        (S.REVISED, "approve", S.APPROVED, "approved"),
    ],
)
def test_allowed_transitions(spec, commissioner_northshire, start, name, end, locks):
    set_status(spec, start)
    services.specification_transition(actor=commissioner_northshire, specification=spec, name=name)
    spec.refresh_from_db()
    assert spec.status == end
    assert version(spec, 1).locked_reason == locks
    event = audit_events_for(spec).filter(action=AuditAction.TRANSITION).first()
    assert event.detail["from"] == start and event.detail["to"] == end


@pytest.mark.parametrize(
    ("start", "name"),
    [
        (S.IN_CONSULTATION, "start_consultation"),
        (S.REVISED, "start_consultation"),
        (S.APPROVED, "start_consultation"),
        (S.DRAFT, "revise"),
        (S.REVISED, "revise"),
        (S.IN_CONSULTATION, "revise"),  # only by making a new version
        (S.APPROVED, "revise"),
        (S.IN_CONSULTATION, "approve"),
        (S.APPROVED, "approve"),
        (S.DRAFT, "nonsense"),
    ],
)
def test_forbidden_transitions_leave_the_status_unchanged(spec, commissioner_northshire, start, name):
    set_status(spec, start)
    with pytest.raises(services.InvalidTransition):
        services.specification_transition(actor=commissioner_northshire, specification=spec, name=name)
    spec.refresh_from_db()
    assert spec.status == start
    assert not version(spec, 1).is_locked
    assert not audit_events_for(spec).filter(action=AuditAction.TRANSITION).exists()


def test_a_stale_status_is_refused_by_the_conditional_update(spec, commissioner_northshire):
    stale = ServiceSpecification.objects.get(pk=spec.pk)
    services.specification_approve(actor=commissioner_northshire, specification=spec)
    with pytest.raises(services.InvalidTransition):
        services.specification_approve(actor=commissioner_northshire, specification=stale)
    assert ServiceSpecification.objects.get(pk=spec.pk).status == S.APPROVED


@pytest.mark.parametrize(("start", "end"), [(S.IN_CONSULTATION, S.REVISED), (S.APPROVED, S.REVISED)])
def test_a_new_version_after_consultation_or_approval_makes_it_revised(
    spec, commissioner_northshire, start, end
):
    set_status(spec, start)
    services.specification_version_lock(version=version(spec, 1), reason="consultation")
    services.specification_edit(
        actor=commissioner_northshire,
        specification=spec,
        sections=sections_for(aims="v2"),
        change_summary="x",
    )
    spec.refresh_from_db()
    assert spec.status == end
    assert spec.versions.count() == 2


@pytest.mark.parametrize("start", [S.DRAFT, S.REVISED])
def test_a_new_version_while_draft_or_revised_keeps_the_status(spec, commissioner_northshire, start):
    set_status(spec, start)
    services.specification_version_lock(version=version(spec, 1), reason="tender")
    services.specification_edit(
        actor=commissioner_northshire,
        specification=spec,
        sections=sections_for(aims="v2"),
        change_summary="x",
    )
    spec.refresh_from_db()
    assert (spec.status, spec.versions.count()) == (start, 2)


def test_the_transition_table():
    table = {t.name: (sorted(t.sources), t.target, t.lock_reason) for t in services.TRANSITIONS.values()}
    assert table == {
        "start_consultation": (["draft"], "in_consultation", "consultation"),
        "revise": (["approved", "in_consultation"], "revised", ""),
        "approve": (["draft", "revised"], "approved", "approved"),
    }


def test_audit_events(spec, commissioner_northshire):
    services.specification_edit(
        actor=commissioner_northshire, specification=spec, sections=sections_for(aims="B")
    )
    services.specification_approve(actor=commissioner_northshire, specification=spec)
    actions = list(audit_events_for(spec).order_by("sequence").values_list("action", flat=True))
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.UPDATE, AuditAction.TRANSITION]
    edit, lock = audit_events_for(spec).order_by("sequence")[1:3]
    assert edit.detail["changed_sections"] == ["aims"]
    assert edit.actor_id == commissioner_northshire.pk
    assert lock.detail == {"locked_version": 1, "reason": "approved"}


# ---------------------------------------------------------------------------------------------------------
# Diff


def diff_of(commissioner, old_sections, new_sections):
    spec = make_spec(commissioner, **old_sections)
    services.specification_version_lock(version=version(spec, 1), reason="tender")
    services.specification_edit(
        actor=commissioner, specification=spec, sections=sections_for(**new_sections), change_summary="x"
    )
    return {d.section.key: d for d in specification_diff(version(spec, 1), version(spec, 2))}


def test_text_diff_marks_words_added_and_removed(commissioner_northshire):
    diff = diff_of(
        commissioner_northshire,
        {"aims": "Help children stay local.", "standards": "", "safeguarding": "Old policy."},
        {"aims": "Help autistic children stay local.", "standards": "New standard.", "safeguarding": ""},
    )
    assert diff["aims"].state == "changed"
    assert '<ins><span class="govuk-visually-hidden">added: </span>autistic</ins>' in diff["aims"].html
    assert diff["standards"].state == "added"
    assert diff["safeguarding"].state == "removed"
    assert (
        '<del><span class="govuk-visually-hidden">removed: </span>Old policy.</del>'
        in diff["safeguarding"].html
    )
    assert diff["involvement"].state == "unchanged"
    assert "<ins>" not in diff["involvement"].html and "<del>" not in diff["involvement"].html


def test_text_diff_escapes_everything():
    html = text_diff_html("Safe & sound", "Safe <script>alert(1)</script> & sound")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;" in html


def test_row_diff(commissioner_northshire):
    row = {"name": "A", "target": "1", "frequency": "Monthly"}
    diff = diff_of(
        commissioner_northshire,
        {"kpis": [row, {"name": "B", "target": "2", "frequency": "Monthly"}], "outcomes": []},
        {
            "kpis": [row, {"name": "B", "target": "3", "frequency": "Monthly"}, {"name": "<b>C</b>"}],
            "outcomes": [{"outcome": "New"}],
        },
    )
    kpis = diff["kpis"]
    assert kpis.state == "changed"
    assert [r.state for r in kpis.rows] == ["unchanged", "changed", "added"]
    changed = kpis.rows[1]
    assert [(c.label, c.old, c.new, c.changed) for c in changed.cells][1] == ("Target", "2", "3", True)
    assert diff["outcomes"].state == "added"
    assert [r.state for r in diff["outcomes"].rows] == ["added"]


def test_row_diff_removed(commissioner_northshire):
    diff = diff_of(commissioner_northshire, {}, {"kpis": []})
    assert diff["kpis"].state == "removed"
    assert [r.state for r in diff["kpis"].rows] == ["removed"]


def test_editing_a_later_draft_keeps_its_change_summary(spec, commissioner_northshire):
    services.specification_version_lock(version=version(spec, 1), reason="approved")
    services.specification_edit(
        actor=commissioner_northshire,
        specification=spec,
        sections=sections_for(aims="v2"),
        change_summary="Why",
    )
    services.specification_edit(
        actor=commissioner_northshire, specification=spec, sections=sections_for(aims="v2b")
    )
    v2 = version(spec, 2)
    assert (v2.sections["aims"], v2.change_summary) == ("v2b", "Why")


def test_the_model_itself_refuses_to_change_a_locked_versions_content(commissioner_northshire):
    """Even outside the services (a shell, the admin), a locked version's sections cannot be saved changed."""
    from django.core.exceptions import ValidationError

    from commissioning.models import SpecificationVersion
    from commissioning.services.specifications import specification_create, specification_version_lock

    specification = specification_create(
        actor=commissioner_northshire,
        title="Speech and language therapy",
        sections={"aims": "Children talk."},
    )
    version = specification.versions.get()
    specification_version_lock(version=version, reason="approved")
    version = SpecificationVersion.objects.get(pk=version.pk)
    version.sections = {**version.sections, "aims": "Changed behind the service's back"}
    with pytest.raises(ValidationError, match="locked"):
        version.save()
    assert SpecificationVersion.objects.get(pk=version.pk).sections != version.sections
