"""The business case workflow: draft → submitted → finance_approved → legal_approved → cabinet_approved,
with `returned` (for changes, then resubmitted) and `rejected` (final) open at every approval step.

The workflow is data: `TRANSITIONS` says, for each status, where a case may go next, who may move it
(a permission) and, for a decision, at which step. Each move has one guarded function. A decision is
refused to the case's author at every step, to anyone without the step's permission, and for a case
that is not at that step; the status is written with a conditional UPDATE so, of two racing requests,
exactly one wins and the other gets `InvalidTransition`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.audit import audit_record
from core.models import AuditAction
from core.notifications import notification_send
from core.transitions import InvalidTransition

from ..models import (
    BusinessCase,
    BusinessCaseDecision,
    BusinessCaseStatus,
    BusinessCaseVersion,
    CommissioningIntention,
    DecisionOutcome,
    DecisionStep,
    FundingSource,
    IntentionStatus,
)

S = BusinessCaseStatus
AUTHOR = "commissioning.author_business_case"
MAX_OPTIONS = 4
FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


class AuthorCannotDecide(PermissionDenied):
    """The author of a case may never decide on it, at any step."""

    message = "You wrote this business case, so you cannot decide on it. Another approver must decide."


@dataclass(frozen=True)
class Transition:
    to: str
    permission: str
    step: str = ""  # a DecisionStep for approvers' decisions; "" for the author's submission


TRANSITIONS: dict[str, tuple[Transition, ...]] = {
    S.DRAFT: (Transition(S.SUBMITTED, AUTHOR),),
    S.RETURNED: (Transition(S.SUBMITTED, AUTHOR),),
    S.SUBMITTED: tuple(
        Transition(to, "commissioning.decide_finance", DecisionStep.FINANCE)
        for to in (S.FINANCE_APPROVED, S.RETURNED, S.REJECTED)
    ),
    S.FINANCE_APPROVED: tuple(
        Transition(to, "commissioning.decide_legal", DecisionStep.LEGAL)
        for to in (S.LEGAL_APPROVED, S.RETURNED, S.REJECTED)
    ),
    S.LEGAL_APPROVED: tuple(
        Transition(to, "commissioning.record_cabinet", DecisionStep.CABINET)
        for to in (S.CABINET_APPROVED, S.RETURNED, S.REJECTED)
    ),
    S.CABINET_APPROVED: (),
    S.REJECTED: (),
}

# The status a case waits at for each step's decision, and the status each outcome leads to.
STEP_STATUS = {DecisionStep.FINANCE: S.SUBMITTED, DecisionStep.LEGAL: S.FINANCE_APPROVED}
STEP_STATUS[DecisionStep.CABINET] = S.LEGAL_APPROVED
STEP_FOR_STATUS = {status: step for step, status in STEP_STATUS.items()}
APPROVED_STATUS = {
    DecisionStep.FINANCE: S.FINANCE_APPROVED,
    DecisionStep.LEGAL: S.LEGAL_APPROVED,
    DecisionStep.CABINET: S.CABINET_APPROVED,
}
STEP_PERMISSION = {
    DecisionStep.FINANCE: "commissioning.decide_finance",
    DecisionStep.LEGAL: "commissioning.decide_legal",
    DecisionStep.CABINET: "commissioning.record_cabinet",
}
EDITABLE = (S.DRAFT, S.RETURNED)
CONTENT_FIELDS = (
    "title",
    "need",
    "options",
    "recommended_option",
    "whole_life_cost",
    "funding",
    "risks",
    "outcomes",
)
REASONS_REQUIRED = {
    DecisionOutcome.RETURNED: "Enter the reasons for returning the business case",
    DecisionOutcome.REJECTED: "Enter the reasons for rejecting the business case",
}


def allowed_transition(status: str, to: str) -> Transition | None:
    return next((t for t in TRANSITIONS.get(status, ()) if t.to == to), None)


def step_for(case: BusinessCase) -> str | None:
    """The decision step the case waits at, or None."""
    return STEP_FOR_STATUS.get(case.status)


def can_decide(user, case: BusinessCase) -> bool:
    """May this person decide the case now? (At its step, with the step's permission, not its author.)"""
    step = step_for(case)
    return (
        step is not None
        and user.has_perm(STEP_PERMISSION[step])
        and case.author_id != user.pk
        and case.organisation_id == user.organisation_id
    )


def can_edit(user, case: BusinessCase) -> bool:
    return case.status in EDITABLE and user.has_perm(AUTHOR) and case.organisation_id == user.organisation_id


def _require(actor, permission: str, case: BusinessCase | None = None) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied
    if case is not None and case.organisation_id != actor.organisation_id:
        raise PermissionDenied


def _not_at_step(case: BusinessCase, wanted: str) -> InvalidTransition:
    status = BusinessCaseStatus(case.status).label
    return InvalidTransition(
        f"This business case is ‘{status}’, so it cannot be {wanted} now. "
        "Someone may have acted on it already: reload the page to see where it is."
    )


def _move(*, case: BusinessCase, actor, to: str, wanted: str) -> str:
    """Conditionally write the new status; the loser of a race, or a move not in the table, is refused."""
    old = case.status
    if allowed_transition(old, to) is None:
        raise _not_at_step(case, wanted)
    now = timezone.now()
    updated = BusinessCase.objects.filter(pk=case.pk, status=old).update(status=to, updated_at=now)
    if updated != 1:
        case.refresh_from_db(fields=["status"])
        raise _not_at_step(case, wanted)
    case.status, case.updated_at = to, now
    return old


# ---------------------------------------------------------------------------------------------------------
# Content


def _amount(value, field: str, errors: dict, message: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        errors.setdefault(field, message)
        return None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")) or not amount.is_finite():
        errors.setdefault(field, message)
        return None
    return str(amount.quantize(Decimal("0.01")))


def clean_content(
    *,
    need: str,
    options: list[dict],
    recommended_option: str,
    whole_life_cost: list[dict],
    funding: list[dict],
    risks: list[dict],
    outcomes: str,
) -> dict:
    """Normalise a case's sections; ValidationError (by section) when they do not hold together."""
    errors: dict[str, str] = {}
    kept_options = []
    for option in options:
        option = {
            key: str(option.get(key) or "").strip() for key in ("name", "description", "pros", "cons")
        } | {"cost": option.get("cost")}
        if not any(option[key] for key in ("name", "description", "pros", "cons")) and option["cost"] in (
            None,
            "",
        ):
            continue
        if not option["name"]:
            errors.setdefault("options", "Enter a name for each option you describe")
        option["cost"] = _amount(option["cost"], "options", errors, "Enter each option's cost in pounds")
        kept_options.append(option)
    if len(kept_options) > MAX_OPTIONS:
        errors["options"] = f"Describe at most {MAX_OPTIONS} options"
    names = [option["name"] for option in kept_options]
    if len(set(names)) != len(names):
        errors.setdefault("options", "Give each option a different name")
    if recommended_option and recommended_option not in names:
        errors["recommended_option"] = "Select the recommended option from the options described"
    costs = []
    for row in whole_life_cost:
        year = str(row.get("financial_year") or "").strip()
        amount = row.get("amount")
        if not year and amount in (None, ""):
            continue
        match = FINANCIAL_YEAR.match(year)
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            errors.setdefault("whole_life_cost", "Enter each financial year like 2026-27")
        cleaned = _amount(amount, "whole_life_cost", errors, "Enter each year's cost in pounds, like 125000")
        if cleaned is None:
            errors.setdefault("whole_life_cost", "Enter each year's cost in pounds, like 125000")
        costs.append({"financial_year": year, "amount": cleaned})
    years = [row["financial_year"] for row in costs]
    if len(set(years)) != len(years):
        errors.setdefault("whole_life_cost", "Enter each financial year once")
    kept_funding = []
    for row in funding:
        source = row.get("source") or ""
        amount = row.get("amount")
        if not source and amount in (None, ""):
            continue
        if source not in FundingSource.values:
            errors.setdefault("funding", "Select a funding source for each amount")
        cleaned = _amount(amount, "funding", errors, "Enter each funding amount in pounds, like 50000")
        if cleaned is None:
            errors.setdefault("funding", "Enter each funding amount in pounds, like 50000")
        kept_funding.append({"source": source, "amount": cleaned})
    kept_risks = []
    for row in risks:
        risk = {
            key: str(row.get(key) or "").strip() for key in ("risk", "likelihood", "impact", "mitigation")
        }
        if not any(risk.values()):
            continue
        if not risk["risk"]:
            errors.setdefault("risks", "Describe each risk you rate")
        kept_risks.append(risk)
    if errors:
        raise ValidationError(errors)
    return {
        "need": need.strip(),
        "options": kept_options,
        "recommended_option": recommended_option,
        "whole_life_cost": costs,
        "funding": kept_funding,
        "risks": kept_risks,
        "outcomes": outcomes.strip(),
    }


def _check_intention(actor, intention: CommissioningIntention | None) -> None:
    if intention is not None and intention.organisation_id != actor.organisation_id:
        raise PermissionDenied


def business_case_create(
    *,
    actor,
    title: str,
    intention: CommissioningIntention | None = None,
    need: str = "",
    options: list[dict] | None = None,
    recommended_option: str = "",
    whole_life_cost: list[dict] | None = None,
    funding: list[dict] | None = None,
    risks: list[dict] | None = None,
    outcomes: str = "",
) -> BusinessCase:
    """Start a draft business case for the actor's council, written by the actor."""
    _require(actor, AUTHOR)
    _check_intention(actor, intention)
    if not title.strip():
        raise ValidationError({"title": "Enter a title"})
    content = clean_content(
        need=need,
        options=options or [],
        recommended_option=recommended_option,
        whole_life_cost=whole_life_cost or [],
        funding=funding or [],
        risks=risks or [],
        outcomes=outcomes,
    )
    with transaction.atomic():
        case = BusinessCase.objects.create(
            organisation_id=actor.organisation_id,
            intention=intention,
            title=title.strip(),
            author=actor,
            **content,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            target=case,
            detail={"title": case.title, "intention": intention.pk if intention else None},
        )
    return case


def business_case_update(
    *,
    case: BusinessCase,
    actor,
    title: str,
    intention: CommissioningIntention | None = None,
    need: str = "",
    options: list[dict] | None = None,
    recommended_option: str = "",
    whole_life_cost: list[dict] | None = None,
    funding: list[dict] | None = None,
    risks: list[dict] | None = None,
    outcomes: str = "",
) -> BusinessCase:
    """Change a draft or returned case: by its author or another commissioner of the council.

    From submission the content is frozen (InvalidTransition) until a decision returns it.
    """
    _require(actor, AUTHOR, case)
    _check_intention(actor, intention)
    if case.status not in EDITABLE:
        raise _not_at_step(case, "changed")
    if not title.strip():
        raise ValidationError({"title": "Enter a title"})
    content = clean_content(
        need=need,
        options=options or [],
        recommended_option=recommended_option,
        whole_life_cost=whole_life_cost or [],
        funding=funding or [],
        risks=risks or [],
        outcomes=outcomes,
    )
    new = {"title": title.strip(), "intention": intention, **content}
    changed = [field for field, value in new.items() if getattr(case, field) != value]
    with transaction.atomic():
        # Only while still editable: a submission racing this edit wins, and the edit is refused.
        locked = (
            BusinessCase.objects.select_for_update(no_key=True)
            .filter(pk=case.pk, status__in=EDITABLE)
            .first()
        )
        if locked is None:
            case.refresh_from_db(fields=["status"])
            raise _not_at_step(case, "changed")
        for field, value in new.items():
            setattr(case, field, value)
        case.save()
        audit_record(action=AuditAction.UPDATE, actor=actor, target=case, detail={"changed": changed})
    return case


def content_of(case: BusinessCase) -> dict:
    """The sections as they stand, in the form a version stores them."""
    content = {field: getattr(case, field) for field in CONTENT_FIELDS}
    content["intention"] = (
        {"id": case.intention_id, "title": case.intention.title, "evidence": case.intention.evidence}
        if case.intention_id
        else None
    )
    return content


def latest_version(case: BusinessCase) -> BusinessCaseVersion | None:
    return case.versions.order_by("-number").first()


# ---------------------------------------------------------------------------------------------------------
# Notifications


def _council_people(case: BusinessCase, *roles: str, exclude=()):
    users = get_user_model().objects.filter(
        organisation_id=case.organisation_id, is_active=True, role_assignments__role__in=roles
    )
    return users.exclude(pk__in=[user.pk for user in exclude]).distinct()


def _notify(case: BusinessCase, recipients, *, kind: str, subject: str, body: str) -> None:
    url = reverse("commissioning:case_detail", args=[case.pk])
    for recipient in recipients:
        notification_send(recipient=recipient, kind=kind, subject=subject, body=body, url=url, target=case)


# ---------------------------------------------------------------------------------------------------------
# Transitions


def business_case_submit(*, case: BusinessCase, actor) -> BusinessCaseVersion:
    """Draft or returned → submitted: freeze the content as the next numbered version; tell Finance."""
    _require(actor, AUTHOR, case)
    if allowed_transition(case.status, S.SUBMITTED) is None:
        raise _not_at_step(case, "submitted")
    errors = {}
    if not case.need.strip():
        errors["need"] = "Enter the need before submitting the business case"
    if not case.options:
        errors["options"] = "Describe at least one option before submitting the business case"
    if not case.recommended_option:
        errors["recommended_option"] = "Select the recommended option before submitting the business case"
    if not case.whole_life_cost:
        errors["whole_life_cost"] = "Enter the whole-life cost before submitting the business case"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        old = _move(case=case, actor=actor, to=S.SUBMITTED, wanted="submitted")
        number = (case.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = BusinessCaseVersion.objects.create(
            case=case, number=number, content=content_of(case), submitted_by=actor
        )
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=case,
            detail={"from": old, "to": S.SUBMITTED, "version": number},
        )
        _notify(
            case,
            _council_people(case, Role.FINANCE_APPROVER, exclude=[case.author]),
            kind=f"business_case_finance_v{number}",
            subject=f"Business case waiting for your Finance decision: {case.title}",
            body=f"{actor} submitted version {number} of the business case ‘{case.title}’.",
        )
    return version


def _decide(
    *,
    case: BusinessCase,
    actor,
    step: str,
    outcome: str,
    comments: str,
    seen_version: int | None = None,
    cabinet_date: datetime.date | None = None,
    minute_reference: str = "",
) -> BusinessCaseDecision:
    _require(actor, STEP_PERMISSION[step], case)
    if case.author_id == actor.pk:
        raise AuthorCannotDecide(AuthorCannotDecide.message)
    if case.status != STEP_STATUS[step]:
        raise _not_at_step(case, f"decided at the {DecisionStep(step).label} step")
    errors = {}
    if outcome not in DecisionOutcome.values:
        errors["outcome"] = "Select whether you approve, return or reject the business case"
    elif outcome in REASONS_REQUIRED and not comments.strip():
        errors["comments"] = REASONS_REQUIRED[outcome]
    if step == DecisionStep.CABINET and outcome == DecisionOutcome.APPROVED:
        if cabinet_date is None:
            errors["cabinet_date"] = "Enter the date of the Cabinet meeting"
        if not minute_reference.strip():
            errors["minute_reference"] = "Enter the minute reference of Cabinet's decision"
    if errors:
        raise ValidationError(errors)
    to = {
        DecisionOutcome.APPROVED: APPROVED_STATUS[step],
        DecisionOutcome.RETURNED: S.RETURNED,
        DecisionOutcome.REJECTED: S.REJECTED,
    }[outcome]
    with transaction.atomic():
        version = latest_version(case)
        if version is None:
            raise _not_at_step(case, "decided")
        if seen_version is not None and seen_version != version.number:
            raise InvalidTransition(
                f"Version {version.number} of this business case has been submitted since you opened it. "
                "Read it before deciding."
            )
        old = _move(case=case, actor=actor, to=to, wanted=f"decided at the {DecisionStep(step).label} step")
        decision = BusinessCaseDecision.objects.create(
            case=case,
            version=version,
            step=step,
            outcome=outcome,
            comments=comments.strip(),
            decided_by=actor,
            cabinet_date=cabinet_date if step == DecisionStep.CABINET else None,
            minute_reference=minute_reference.strip() if step == DecisionStep.CABINET else "",
        )
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=case,
            detail={
                "from": old,
                "to": to,
                "step": step,
                "outcome": outcome,
                "version": version.number,
                "decision": decision.pk,
            },
        )
        if to == S.CABINET_APPROVED:
            _take_intention_forward(case, actor)
        step_label = DecisionStep(step).label
        outcome_label = DecisionOutcome(outcome).label.lower()
        _notify(
            case,
            [case.author],
            kind=f"business_case_{step}_{outcome}_v{version.number}",
            subject=f"{step_label}: {outcome_label}: {case.title}",
            body=f"{actor} recorded {step_label}'s decision on version {version.number}: {outcome_label}."
            + (f"\n\n{decision.comments}" if decision.comments else ""),
        )
        if to == S.FINANCE_APPROVED:
            _notify(
                case,
                _council_people(case, Role.LEGAL_APPROVER, exclude=[case.author]),
                kind=f"business_case_legal_v{version.number}",
                subject=f"Business case waiting for your Legal decision: {case.title}",
                body=f"Finance approved version {version.number} of the business case ‘{case.title}’.",
            )
        elif to == S.LEGAL_APPROVED:
            _notify(
                case,
                _council_people(case, Role.COMMISSIONER, Role.LEAD_COMMISSIONER, exclude=[case.author]),
                kind=f"business_case_cabinet_v{version.number}",
                subject=f"Record Cabinet's decision on the business case: {case.title}",
                body=f"Legal approved version {version.number} of ‘{case.title}’. Once Cabinet has decided, "
                "record its decision with the meeting date and minute reference.",
            )
    return decision


def _take_intention_forward(case: BusinessCase, actor) -> None:
    """Cabinet's approval takes the case's intention forward: proposed → being taken forward.

    Only a proposed intention moves (and only if no one moved it meanwhile): one a commissioner has
    already marked completed or withdrawn keeps the status they gave it.
    """
    if case.intention_id is None:
        return
    proposed = CommissioningIntention.objects.filter(pk=case.intention_id, status=IntentionStatus.PROPOSED)
    moved = proposed.update(status=IntentionStatus.ACTIVE)
    if moved:
        intention = CommissioningIntention.objects.get(pk=case.intention_id)
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=intention,
            detail={"from": IntentionStatus.PROPOSED, "to": IntentionStatus.ACTIVE, "business_case": case.pk},
        )


def business_case_finance_decide(
    *, case: BusinessCase, actor, outcome: str, comments: str = "", seen_version: int | None = None
) -> BusinessCaseDecision:
    """Submitted → finance_approved, returned or rejected."""
    return _decide(
        case=case,
        actor=actor,
        step=DecisionStep.FINANCE,
        outcome=outcome,
        comments=comments,
        seen_version=seen_version,
    )


def business_case_legal_decide(
    *, case: BusinessCase, actor, outcome: str, comments: str = "", seen_version: int | None = None
) -> BusinessCaseDecision:
    """Finance approved → legal_approved, returned or rejected."""
    return _decide(
        case=case,
        actor=actor,
        step=DecisionStep.LEGAL,
        outcome=outcome,
        comments=comments,
        seen_version=seen_version,
    )


def business_case_cabinet_decide(
    *,
    case: BusinessCase,
    actor,
    outcome: str,
    comments: str = "",
    cabinet_date: datetime.date | None = None,
    minute_reference: str = "",
    seen_version: int | None = None,
) -> BusinessCaseDecision:
    """Legal approved → cabinet_approved (with the meeting date and minute reference), returned, rejected."""
    return _decide(
        case=case,
        actor=actor,
        step=DecisionStep.CABINET,
        outcome=outcome,
        comments=comments,
        seen_version=seen_version,
        cabinet_date=cabinet_date,
        minute_reference=minute_reference,
    )


DECIDE = {
    DecisionStep.FINANCE: business_case_finance_decide,
    DecisionStep.LEGAL: business_case_legal_decide,
    DecisionStep.CABINET: business_case_cabinet_decide,
}
