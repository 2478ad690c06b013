import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from accounts.models import Role
from accounts.services import user_create
from commissioning.models import SpecificationStatus
from commissioning.services.specifications import specification_edit
from coproduction import services
from coproduction.models import Consultation, ConsultationStatus, Outcome
from coproduction.services import (
    InvalidTransition,
    comment_add,
    consultation_close,
    consultation_close_due,
    consultation_complete,
    consultation_open,
    response_record,
)
from coproduction.tasks import close_due_consultations
from core.models import Notification

from .conftest import TODAY

S = ConsultationStatus
DAY = datetime.timedelta(days=1)


def _set_status(consultation, status):
    Consultation.objects.filter(pk=consultation.pk).update(status=status)
    consultation.refresh_from_db()
    return consultation


def _answer(actor, comment, outcome=Outcome.NOT_ACCEPTED, **kwargs):
    return response_record(actor=actor, comment=comment, outcome=outcome, explanation="Because.", **kwargs)


def test_open_locks_version_moves_specification_and_notifies_members_once(
    consultation, specification, forum_member
):
    specification.refresh_from_db()
    assert specification.status == SpecificationStatus.IN_CONSULTATION
    assert consultation.version.is_locked and consultation.version.locked_reason == "consultation"
    assert consultation.status == S.OPEN and consultation.opened_at is not None
    notes = Notification.objects.filter(recipient=forum_member, kind="consultation_opened")
    assert notes.count() == 1
    # Asking to notify again sends nothing more.
    assert services._notify_opened(consultation) == 0
    assert notes.count() == 1


def test_open_in_future_is_scheduled_and_notifies_nobody(
    commissioner_northshire, specification, northshire_pcf, forum_member
):
    consultation = consultation_open(
        actor=commissioner_northshire,
        specification=specification,
        opens_on=TODAY + 3 * DAY,
        closes_on=TODAY + 30 * DAY,
        forums=[northshire_pcf],
    )
    assert consultation.status == S.SCHEDULED
    assert not Notification.objects.filter(recipient=forum_member).exists()


def test_open_on_a_revised_specification_locks_latest_version(
    commissioner_northshire, specification, northshire_pcf, consultation
):
    consultation_close(consultation=consultation, actor=commissioner_northshire)
    version2 = specification_edit(
        actor=commissioner_northshire,
        specification=specification,
        sections={"aims": "Changed aims."},
        change_summary="After the forum",
    )
    assert not version2.is_locked
    second = consultation_open(
        actor=commissioner_northshire,
        specification=specification,
        opens_on=TODAY,
        closes_on=TODAY + 10 * DAY,
        forums=[northshire_pcf],
    )
    version2.refresh_from_db()
    assert second.version == version2 and version2.is_locked


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"opens_on": TODAY - DAY}, "opens_on"),
        ({"closes_on": TODAY}, "closes_on"),
        ({"forums": []}, "forums"),
    ],
)
def test_open_validation(commissioner_northshire, specification, northshire_pcf, kwargs, field):
    data = {"opens_on": TODAY, "closes_on": TODAY + 7 * DAY, "forums": [northshire_pcf], **kwargs}
    with pytest.raises(ValidationError) as error:
        consultation_open(actor=commissioner_northshire, specification=specification, **data)
    assert field in error.value.message_dict
    assert not Consultation.objects.exists()


def test_open_refuses_other_council_and_non_provider_forums(
    commissioner_southvale, forum_member, specification, northshire_pcf, oakfield, commissioner_northshire
):
    data = {"opens_on": TODAY, "closes_on": TODAY + 7 * DAY}
    for actor in (commissioner_southvale, forum_member):
        with pytest.raises(PermissionDenied):
            consultation_open(actor=actor, specification=specification, forums=[northshire_pcf], **data)
    with pytest.raises(ValidationError):
        consultation_open(
            actor=commissioner_northshire, specification=specification, forums=[oakfield], **data
        )


# Every (status, move) pair: allowed ones succeed, the rest raise InvalidTransition, status unchanged.
MOVES = {
    "close": lambda c, actor: consultation_close(consultation=c, actor=actor),
    "complete": lambda c, actor: consultation_complete(consultation=c, actor=actor),
    "open": lambda c, actor: services._start(actor=actor, consultation=c),
}
EXPECTED = {("scheduled", "open"): "open", ("open", "close"): "closed", ("closed", "complete"): "complete"}


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("move", sorted(MOVES))
def test_transitions(consultation, commissioner_northshire, status, move):
    consultation = _set_status(consultation, status)
    target = EXPECTED.get((status, move))
    if target:
        MOVES[move](consultation, commissioner_northshire)
        consultation.refresh_from_db()
        assert consultation.status == target
    else:
        with pytest.raises(InvalidTransition):
            MOVES[move](consultation, commissioner_northshire)
        consultation.refresh_from_db()
        assert consultation.status == status


def test_stale_object_cannot_move_twice(consultation, commissioner_northshire):
    stale = Consultation.objects.get(pk=consultation.pk)
    consultation_close(consultation=consultation, actor=commissioner_northshire)
    with pytest.raises(InvalidTransition):
        consultation_close(consultation=stale, actor=commissioner_northshire)
    stale.refresh_from_db()
    assert stale.status == S.CLOSED


def test_complete_refused_with_count_while_unanswered(
    consultation, comment, forum_member, commissioner_northshire
):
    comment_add(actor=forum_member, consultation=consultation, section="eligibility", text="Age 0 to 25?")
    consultation_close(consultation=consultation, actor=commissioner_northshire)
    with pytest.raises(ValidationError) as error:
        consultation_complete(actor=commissioner_northshire, consultation=consultation)
    assert "2 comments have not been answered" in error.value.messages[0]
    _answer(commissioner_northshire, comment)
    with pytest.raises(ValidationError) as error:
        consultation_complete(actor=commissioner_northshire, consultation=consultation)
    assert "1 comment has not been answered" in error.value.messages[0]
    consultation.refresh_from_db()
    assert consultation.status == S.CLOSED


def test_close_and_complete_refused_for_others(consultation, commissioner_southvale, forum_member):
    for actor in (commissioner_southvale, forum_member):
        with pytest.raises(PermissionDenied):
            consultation_close(consultation=consultation, actor=actor)
    consultation.refresh_from_db()
    assert consultation.status == S.OPEN


@pytest.mark.parametrize("status", [S.SCHEDULED, S.CLOSED, S.COMPLETE])
def test_comment_refused_unless_open(consultation, forum_member, status):
    _set_status(consultation, status)
    with pytest.raises(ValidationError):
        comment_add(actor=forum_member, consultation=consultation, section="aims", text="Hello")
    assert not consultation.comments.exists()


def test_comment_refused_for_uninvited_forum_and_non_members(
    consultation, southvale_pcf, commissioner_northshire, provider_oakfield
):
    other = user_create(
        email="forum@southvale-pcf.test",
        full_name="Ann Other",
        organisation=southvale_pcf,
        roles=[Role.FORUM_MEMBER],
        password="x-long-password-1",
    )
    for actor in (other, commissioner_northshire, provider_oakfield):
        with pytest.raises(PermissionDenied):
            comment_add(actor=actor, consultation=consultation, section="aims", text="Hello")


@pytest.mark.parametrize(
    "section, text, field",
    [("aims", "   ", "text"), ("aims", "x" * 2001, "text"), ("prices", "Hello", "section")],
)
def test_comment_validation(consultation, forum_member, section, text, field):
    with pytest.raises(ValidationError) as error:
        comment_add(actor=forum_member, consultation=consultation, section=section, text=text)
    assert field in error.value.message_dict


def test_response_notifies_author_once_and_only_once_per_comment(
    comment, commissioner_northshire, forum_member
):
    _answer(commissioner_northshire, comment)
    assert (
        Notification.objects.filter(recipient=forum_member, kind="consultation_comment_answered").count() == 1
    )
    with pytest.raises(ValidationError):
        _answer(commissioner_northshire, comment)


@pytest.mark.parametrize("outcome", [Outcome.ACCEPTED, Outcome.PARTLY])
def test_accepted_response_needs_changed_section(comment, commissioner_northshire, outcome):
    with pytest.raises(ValidationError) as error:
        _answer(commissioner_northshire, comment, outcome)
    assert "changed_section" in error.value.message_dict
    response = _answer(commissioner_northshire, comment, outcome, changed_section="aims")
    assert response.changed_section == "aims"


def test_response_version_must_be_later_version_of_same_spec(comment, commissioner_northshire, specification):
    with pytest.raises(ValidationError) as error:
        _answer(
            commissioner_northshire,
            comment,
            Outcome.ACCEPTED,
            changed_section="aims",
            changed_in_version=comment.consultation.version,
        )
    assert "changed_in_version" in error.value.message_dict
    version2 = specification_edit(
        actor=commissioner_northshire,
        specification=specification,
        sections={"aims": "Weekends included."},
        change_summary="Weekends",
    )
    response = _answer(
        commissioner_northshire,
        comment,
        Outcome.ACCEPTED,
        changed_section="aims",
        changed_in_version=version2,
    )
    assert response.changed_in_version == version2


def test_response_refused_for_other_council_and_explanation_required(
    comment, commissioner_southvale, commissioner_northshire, evaluator_northshire
):
    for actor in (commissioner_southvale, evaluator_northshire):
        with pytest.raises(PermissionDenied):
            _answer(actor, comment)
    with pytest.raises(ValidationError) as error:
        response_record(
            actor=commissioner_northshire, comment=comment, outcome="not_accepted", explanation=" "
        )
    assert "explanation" in error.value.message_dict


def test_due_consultations_open_and_close_idempotently(
    commissioner_northshire, specification, northshire_pcf, forum_member
):
    scheduled = consultation_open(
        actor=commissioner_northshire,
        specification=specification,
        opens_on=TODAY + DAY,
        closes_on=TODAY + 5 * DAY,
        forums=[northshire_pcf],
    )
    assert consultation_close_due(today=TODAY) == {"opened": 0, "closed": 0}
    assert consultation_close_due(today=TODAY + DAY) == {"opened": 1, "closed": 0}
    assert consultation_close_due(today=TODAY + DAY) == {"opened": 0, "closed": 0}
    assert Notification.objects.filter(recipient=forum_member, kind="consultation_opened").count() == 1
    assert list(services.consultations_due_to_close(TODAY + 5 * DAY)) == [scheduled]
    assert consultation_close_due(today=TODAY + 5 * DAY) == {"opened": 0, "closed": 1}
    assert consultation_close_due(today=TODAY + 5 * DAY) == {"opened": 0, "closed": 0}
    scheduled.refresh_from_db()
    assert scheduled.status == S.CLOSED


def test_task_and_command(consultation, capsys):
    Consultation.objects.filter(pk=consultation.pk).update(closes_on=TODAY)
    assert close_due_consultations.delay().get() == {"opened": 0, "closed": 1}
    assert close_due_consultations.delay().get() == {"opened": 0, "closed": 0}
    call_command("close_consultations")
    assert capsys.readouterr().out.strip() == f"Consultations on {TODAY.isoformat()}: 0 opened, 0 closed."
    consultation.refresh_from_db()
    assert consultation.status == S.CLOSED


def test_command_with_date(consultation, capsys):
    call_command("close_consultations", today=(TODAY + 28 * DAY).isoformat())
    assert "0 opened, 1 closed" in capsys.readouterr().out


def test_second_live_consultation_on_same_specification_refused(
    consultation, commissioner_northshire, specification, northshire_pcf
):
    with pytest.raises(ValidationError) as error:
        consultation_open(
            actor=commissioner_northshire,
            specification=specification,
            opens_on=TODAY,
            closes_on=TODAY + 7 * DAY,
            forums=[northshire_pcf],
        )
    assert "already has a consultation" in error.value.message_dict["specification"][0]
    assert Consultation.objects.count() == 1


def test_history_is_kept(comment, commissioner_northshire):
    consultation_close(actor=commissioner_northshire, consultation=comment.consultation)
    assert comment.history.count() == 1
    statuses = [h.status for h in comment.consultation.history.order_by("history_id")]
    assert statuses[0] == "scheduled" and statuses[-2:] == ["open", "closed"]


def test_comment_refused_on_close_date_before_the_nightly_run(consultation, forum_member):
    Consultation.objects.filter(pk=consultation.pk).update(closes_on=TODAY)
    consultation.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        comment_add(actor=forum_member, consultation=consultation, section="aims", text="Just in time?")
    assert "has closed" in error.value.messages[0]
