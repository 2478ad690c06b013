"""The business case workflow: the transition table both ways, the author never approving, no skipped
steps, frozen content, versions, racing decisions, notifications and audit events."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from commissioning.models import (
    BusinessCase,
    BusinessCaseDecision,
    BusinessCaseStatus,
    DecisionOutcome,
    DecisionStep,
)
from commissioning.services import business_cases as services
from commissioning.services.business_cases import TRANSITIONS, AuthorCannotDecide, InvalidTransition
from core.models import AuditAction, AuditEvent, Notification

S = BusinessCaseStatus
CABINET_DATE = datetime.date(2026, 3, 12)

CONTENT = {
    "need": "Forty more children with autism will need a specialist place by 2027.",
    "options": [
        {
            "name": "Do nothing",
            "description": "Spot purchase",
            "pros": "",
            "cons": "Costly",
            "cost": "900000",
        },
        {
            "name": "New resource base",
            "description": "Two bases",
            "pros": "Local",
            "cons": "",
            "cost": "650000",
        },
    ],
    "recommended_option": "New resource base",
    "whole_life_cost": [
        {"financial_year": "2026-27", "amount": "250000"},
        {"financial_year": "2027-28", "amount": "400000.50"},
    ],
    "funding": [{"source": "high_needs_block", "amount": "650000.50"}],
    "risks": [{"risk": "Staff recruitment", "likelihood": "Medium", "impact": "High", "mitigation": "Early"}],
    "outcomes": "Children educated nearer home.",
}


def case_for(author, *, title="Autism resource bases", **fields) -> BusinessCase:
    return services.business_case_create(actor=author, title=title, **(CONTENT | fields))


@pytest.fixture
def people(commissioner_northshire, lead_northshire, finance_northshire, legal_northshire):
    return {
        "author": commissioner_northshire,
        "cabinet": lead_northshire,
        "finance": finance_northshire,
        "legal": legal_northshire,
    }


def decide(case, people, step, outcome, **extra):
    actor = {DecisionStep.FINANCE: people["finance"], DecisionStep.LEGAL: people["legal"]}.get(
        step, people["cabinet"]
    )
    if step == DecisionStep.CABINET and outcome == DecisionOutcome.APPROVED:
        extra.setdefault("cabinet_date", CABINET_DATE)
        extra.setdefault("minute_reference", "CAB/2026/41")
    if outcome != DecisionOutcome.APPROVED:
        extra.setdefault("comments", "Please reconsider the costs.")
    return services.DECIDE[step](case=case, actor=actor, outcome=outcome, **extra)


# How to reach each status from a new draft.
ROUTES = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.FINANCE_APPROVED: ["submit", (DecisionStep.FINANCE, "approved")],
    S.LEGAL_APPROVED: ["submit", (DecisionStep.FINANCE, "approved"), (DecisionStep.LEGAL, "approved")],
    S.CABINET_APPROVED: [
        "submit",
        (DecisionStep.FINANCE, "approved"),
        (DecisionStep.LEGAL, "approved"),
        (DecisionStep.CABINET, "approved"),
    ],
    S.RETURNED: ["submit", (DecisionStep.FINANCE, "returned")],
    S.REJECTED: ["submit", (DecisionStep.FINANCE, "rejected")],
}


def case_at(status, people) -> BusinessCase:
    case = case_for(people["author"])
    for move in ROUTES[status]:
        if move == "submit":
            services.business_case_submit(case=case, actor=people["author"])
        else:
            decide(case, people, *move)
    case.refresh_from_db()
    assert case.status == status
    return case


def attempt(case, people, to):
    """Try to move `case` to `to` by whichever function makes that move."""
    if to == S.SUBMITTED:
        return services.business_case_submit(case=case, actor=people["author"])
    step = services.STEP_FOR_STATUS.get(case.status) or DecisionStep.FINANCE
    outcome = {S.RETURNED: "returned", S.REJECTED: "rejected"}.get(to, "approved")
    if outcome == "approved":
        step = {v: k for k, v in services.APPROVED_STATUS.items()}[to]
    return decide(case, people, step, outcome)


ALLOWED = [(old, t.to) for old, moves in TRANSITIONS.items() for t in moves]
# Every other pair, except back to draft: no function makes that move (checked below), so none to call.
FORBIDDEN = [
    (old, to) for old in S.values for to in S.values if (old, to) not in ALLOWED and to not in (old, S.DRAFT)
]


def test_the_table_covers_every_status_and_ends_at_cabinet_approval_or_rejection():
    assert set(TRANSITIONS) == set(S.values)
    assert TRANSITIONS[S.CABINET_APPROVED] == () and TRANSITIONS[S.REJECTED] == ()


@pytest.mark.parametrize(("old", "to"), ALLOWED)
def test_every_allowed_move_works(people, old, to):
    case = case_at(old, people)
    attempt(case, people, to)
    case.refresh_from_db()
    assert case.status == to


@pytest.mark.parametrize(("old", "to"), FORBIDDEN)
def test_every_forbidden_move_is_refused_and_leaves_the_status(people, old, to):
    case = case_at(old, people)
    with pytest.raises(InvalidTransition) as refused:
        attempt(case, people, to)
    assert "cannot be" in refused.value.message
    case.refresh_from_db()
    assert case.status == old


def test_no_function_returns_a_case_to_draft():
    assert not [t for moves in TRANSITIONS.values() for t in moves if t.to == S.DRAFT]


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.SUBMITTED, DecisionStep.FINANCE),
        (S.FINANCE_APPROVED, DecisionStep.LEGAL),
        (S.LEGAL_APPROVED, "cabinet"),
    ],
)
@pytest.mark.parametrize("outcome", DecisionOutcome.values)
def test_the_author_can_never_decide_at_any_step(people, status, step, outcome, finance_northshire):
    # The author holds every approver's role too: still refused, because they wrote it.
    author = people["author"]
    from accounts.models import RoleAssignment

    for role in ("finance_approver", "legal_approver"):
        RoleAssignment.objects.create(user=author, role=role)
    author.__dict__.pop("roles", None)
    case = case_at(status, people)
    decisions_before = case.decisions.count()
    extra = (
        {"cabinet_date": CABINET_DATE, "minute_reference": "CAB/1"} if step == DecisionStep.CABINET else {}
    )
    with pytest.raises(AuthorCannotDecide):
        services.DECIDE[step](case=case, actor=author, outcome=outcome, comments="Mine", **extra)
    case.refresh_from_db()
    assert case.status == status
    assert case.decisions.count() == decisions_before


@pytest.mark.parametrize(
    ("status", "step"),
    [(S.SUBMITTED, DecisionStep.LEGAL), (S.SUBMITTED, DecisionStep.CABINET), (S.FINANCE_APPROVED, "cabinet")],
)
def test_a_case_cannot_skip_a_step(people, status, step):
    case = case_at(status, people)
    with pytest.raises(InvalidTransition):
        decide(case, people, step, DecisionOutcome.APPROVED)
    case.refresh_from_db()
    assert case.status == status


@pytest.mark.parametrize(
    ("step", "wrong_person"),
    [(DecisionStep.FINANCE, "legal"), (DecisionStep.LEGAL, "finance"), (DecisionStep.CABINET, "finance")],
)
def test_an_approver_without_the_step_permission_is_refused(people, step, wrong_person):
    status = services.STEP_STATUS[step]
    case = case_at(status, people)
    with pytest.raises(PermissionDenied):
        services.DECIDE[step](case=case, actor=people[wrong_person], outcome="returned", comments="No")
    case.refresh_from_db()
    assert case.status == status


def test_another_councils_approver_is_refused(people, commissioner_southvale):
    case = case_at(S.LEGAL_APPROVED, people)
    with pytest.raises(PermissionDenied):
        services.business_case_cabinet_decide(case=case, actor=commissioner_southvale, outcome="returned")


@pytest.mark.parametrize("outcome", ["returned", "rejected"])
def test_returning_or_rejecting_needs_reasons(people, outcome):
    case = case_at(S.SUBMITTED, people)
    with pytest.raises(ValidationError) as error:
        services.business_case_finance_decide(
            case=case, actor=people["finance"], outcome=outcome, comments=" "
        )
    assert error.value.message_dict["comments"][0].startswith("Enter the reasons for")
    case.refresh_from_db()
    assert case.status == S.SUBMITTED


def test_cabinet_approval_needs_the_date_and_minute_reference(people):
    case = case_at(S.LEGAL_APPROVED, people)
    with pytest.raises(ValidationError) as error:
        services.business_case_cabinet_decide(case=case, actor=people["cabinet"], outcome="approved")
    assert set(error.value.message_dict) == {"cabinet_date", "minute_reference"}
    decision = decide(case, people, DecisionStep.CABINET, "approved")
    assert (decision.cabinet_date, decision.minute_reference) == (CABINET_DATE, "CAB/2026/41")


@pytest.mark.parametrize("status", [S.SUBMITTED, S.FINANCE_APPROVED, S.LEGAL_APPROVED, S.CABINET_APPROVED])
def test_content_is_frozen_after_submission(people, status):
    case = case_at(status, people)
    with pytest.raises(InvalidTransition):
        services.business_case_update(case=case, actor=people["author"], title="Changed", **CONTENT)
    case.refresh_from_db()
    assert case.title == "Autism resource bases"


def test_another_commissioner_may_edit_a_draft(people):
    case = case_for(people["author"])
    services.business_case_update(case=case, actor=people["cabinet"], title="Renamed", **CONTENT)
    case.refresh_from_db()
    assert case.title == "Renamed"


def test_submission_freezes_the_content_in_a_numbered_version(people):
    case = case_for(people["author"])
    version = services.business_case_submit(case=case, actor=people["author"])
    assert version.number == 1
    assert version.content["options"][1]["name"] == "New resource base"
    assert version.content["whole_life_cost"][1]["amount"] == "400000.50"


def test_an_incomplete_case_cannot_be_submitted(people):
    case = services.business_case_create(actor=people["author"], title="Empty")
    with pytest.raises(ValidationError) as error:
        services.business_case_submit(case=case, actor=people["author"])
    assert "need" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == S.DRAFT


def test_returned_case_is_edited_and_resubmitted_as_version_2_and_decisions_refer_to_the_version_seen(people):
    case = case_at(S.SUBMITTED, people)
    first = decide(case, people, DecisionStep.FINANCE, "returned")
    assert first.version.number == 1
    services.business_case_update(
        case=case,
        actor=people["author"],
        title="Autism resource bases",
        **(CONTENT | {"outcomes": "Better."}),
    )
    version = services.business_case_submit(case=case, actor=people["author"])
    assert version.number == 2 and version.content["outcomes"] == "Better."
    with pytest.raises(InvalidTransition):
        services.business_case_finance_decide(
            case=case, actor=people["finance"], outcome="approved", seen_version=1
        )
    second = decide(case, people, DecisionStep.FINANCE, "approved", seen_version=2)
    assert second.version == version
    assert first.version.content["outcomes"] == "Children educated nearer home."


def test_the_second_of_two_racing_approvals_loses(people):
    case = case_at(S.SUBMITTED, people)
    stale = BusinessCase.objects.get(pk=case.pk)  # the second request loaded the case at the same moment
    decide(case, people, DecisionStep.FINANCE, "approved")
    with pytest.raises(InvalidTransition):
        decide(stale, people, DecisionStep.FINANCE, "rejected")
    case.refresh_from_db()
    assert case.status == S.FINANCE_APPROVED
    assert BusinessCaseDecision.objects.filter(case=case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_racing_approvals_in_two_threads_only_one_wins(people):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL; SQLite serialises them")
    case = case_at(S.SUBMITTED, people)
    results = []

    def run(outcome):
        try:
            decide(BusinessCase.objects.get(pk=case.pk), people, DecisionStep.FINANCE, outcome)
            results.append("won")
        except InvalidTransition:
            results.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(o,)) for o in ("approved", "rejected")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["lost", "won"]
    assert BusinessCaseDecision.objects.filter(case=case).count() == 1


def test_notifications_go_to_the_next_approvers_and_the_author(people, django_capture_on_commit_callbacks):
    case = case_for(people["author"])
    services.business_case_submit(case=case, actor=people["author"])
    assert Notification.objects.filter(recipient=people["finance"], target_id=str(case.pk)).count() == 1
    decide(case, people, DecisionStep.FINANCE, "approved")
    assert Notification.objects.filter(recipient=people["legal"]).count() == 1
    decide(case, people, DecisionStep.LEGAL, "approved")
    # Commissioners are asked to record Cabinet's decision; the author cannot, so is not asked.
    assert Notification.objects.filter(
        recipient=people["cabinet"], kind__startswith="business_case_cabinet"
    ).exists()
    assert not Notification.objects.filter(
        recipient=people["author"], kind__startswith="business_case_cabinet_v"
    )
    decide(case, people, DecisionStep.CABINET, "approved")
    author_kinds = set(Notification.objects.filter(recipient=people["author"]).values_list("kind", flat=True))
    assert author_kinds == {
        "business_case_finance_approved_v1",
        "business_case_legal_approved_v1",
        "business_case_cabinet_approved_v1",
    }


def test_a_resubmission_notifies_finance_again(people):
    case = case_at(S.RETURNED, people)
    services.business_case_submit(case=case, actor=people["author"])
    assert Notification.objects.filter(recipient=people["finance"]).count() == 2
    assert Notification.objects.filter(recipient=people["author"], kind="business_case_finance_returned_v1")


def test_every_move_writes_an_audit_event(people):
    case = case_at(S.CABINET_APPROVED, people)
    events = AuditEvent.objects.filter(target_type="commissioning.businesscase", target_id=str(case.pk))
    transitions = [e.detail for e in events.filter(action=AuditAction.TRANSITION).order_by("sequence")]
    assert [(d["from"], d["to"]) for d in transitions] == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.FINANCE_APPROVED),
        (S.FINANCE_APPROVED, S.LEGAL_APPROVED),
        (S.LEGAL_APPROVED, S.CABINET_APPROVED),
    ]
    assert events.filter(action=AuditAction.CREATE).count() == 1


def test_content_is_checked(people):
    with pytest.raises(ValidationError) as error:
        case_for(
            people["author"],
            recommended_option="Not described",
            whole_life_cost=[{"financial_year": "2026-28", "amount": "lots"}],
            funding=[{"source": "lottery", "amount": "10"}],
        )
    assert set(error.value.message_dict) == {"recommended_option", "whole_life_cost", "funding"}


def test_a_case_cannot_link_another_councils_intention(people, commissioner_southvale):
    from commissioning.tests.test_intentions import intention_for

    other = intention_for(commissioner_southvale)
    with pytest.raises(PermissionDenied):
        case_for(people["author"], intention=other)


def test_can_decide_matches_the_services(people):
    case = case_at(S.SUBMITTED, people)
    assert services.can_decide(people["finance"], case)
    assert not services.can_decide(people["legal"], case)
    assert not services.can_decide(people["author"], case)


@pytest.mark.parametrize(
    ("status", "after"),
    [("proposed", "active"), ("withdrawn", "withdrawn"), ("completed", "completed")],
)
def test_cabinet_approval_takes_a_proposed_intention_forward(people, status, after):
    from commissioning.services.intentions import intention_set_status
    from commissioning.tests.test_intentions import intention_for

    intention = intention_for(people["author"])
    intention_set_status(intention=intention, actor=people["author"], status=status)
    case = case_for(people["author"], intention=intention)
    for move in ROUTES[S.LEGAL_APPROVED]:
        if move == "submit":
            services.business_case_submit(case=case, actor=people["author"])
        else:
            decide(case, people, *move)
        intention.refresh_from_db()
        assert intention.status == status  # Finance's and Legal's approvals leave it alone
    decide(case, people, DecisionStep.CABINET, "approved")
    intention.refresh_from_db()
    assert intention.status == after
    moves = AuditEvent.objects.filter(action=AuditAction.TRANSITION, target_id=str(intention.pk))
    assert moves.filter(detail__business_case=case.pk).count() == (1 if status == "proposed" else 0)
