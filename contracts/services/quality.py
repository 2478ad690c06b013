"""Writes for quality assurance visits and improvement plans.

A visit moves `scheduled → completed` (the report is issued) or `scheduled → cancelled` (with a reason);
both are final (`VISIT_TRANSITIONS`). Only one visit per contract waits to happen at a time (the partial
unique constraint `qa_one_scheduled_visit`). While scheduled, the council arranges it (planned date, lead
officer, announced or not) and records it (the visited date, a finding and rating per checklist area, an
overall rating and summary); issuing the report needs every area. When a report is issued the provider's
users are told and the next visit is scheduled by the contract's risk rating: high every 6 months, medium
12, low 24, from the day of the last visit (or from the contract's start if never visited), never later
than the contract's end.

An improvement action moves `open → reported_done` (the provider says it is done), `reported_done →
verified` (the council checks it) or `reported_done → open` (returned with a note); a verified action never
changes (`ACTION_TRANSITIONS`). A plan completes by itself when its last action is verified.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from core.audit import audit_record
from core.documents import document_store
from core.models import AuditAction
from core.notifications import notification_send
from core.transitions import InvalidTransition

from ..models import (
    VISIT_INTERVAL_MONTHS,
    ActionStatus,
    ActionUpdate,
    Contract,
    ContractStatus,
    ImprovementAction,
    ImprovementPlan,
    ImprovementPlanStatus,
    QAArea,
    QAFinding,
    QARating,
    QAVisit,
    QAVisitStatus,
    RiskRating,
)
from ..rules import is_council_commissioner

V = QAVisitStatus
A = ActionStatus

VISIT_TRANSITIONS: dict[str, frozenset[str]] = {
    V.SCHEDULED: frozenset({V.COMPLETED, V.CANCELLED}),
    V.COMPLETED: frozenset(),
    V.CANCELLED: frozenset(),
}
ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    A.OPEN: frozenset({A.REPORTED_DONE}),
    A.REPORTED_DONE: frozenset({A.VERIFIED, A.OPEN}),
    A.VERIFIED: frozenset(),
}

__all__ = ["InvalidTransition"]


def qa_interval_months(contract: Contract) -> int:
    """Months between visits for the contract's current risk rating."""
    return VISIT_INTERVAL_MONTHS.get(contract.risk_rating, VISIT_INTERVAL_MONTHS[RiskRating.MEDIUM])


def qa_last_visited_on(contract: Contract) -> datetime.date | None:
    """The day of the contract's last visit whose report was issued."""
    return (
        QAVisit.objects.filter(contract=contract, status=QAVisitStatus.COMPLETED, visited_on__isnull=False)
        .order_by("-visited_on", "-id")
        .values_list("visited_on", flat=True)
        .first()
    )


def qa_next_due_on(contract: Contract) -> datetime.date | None:
    """When the next visit is due: the last visit plus the interval, or the start plus the interval.

    Never later than the contract's end; None when the contract was last visited on or after its end.
    """
    last = qa_last_visited_on(contract)
    base = last or contract.starts_on
    due = min(base + relativedelta(months=qa_interval_months(contract)), contract.ends_on)
    if last is not None and due <= last:
        return None
    return due


def qa_visit_schedule_next(
    *, contract: Contract, actor=None, today: datetime.date | None = None
) -> QAVisit | None:
    """Schedule the contract's next visit unless one is already scheduled. Returns the new visit or None."""
    if contract.status != ContractStatus.LIVE:
        return None
    if QAVisit.objects.filter(contract=contract, status=QAVisitStatus.SCHEDULED).exists():
        return None
    due = qa_next_due_on(contract)
    if due is None:
        return None
    try:
        with transaction.atomic():
            visit = QAVisit.objects.create(
                contract=contract,
                status=QAVisitStatus.SCHEDULED,
                due_on=due,
                created_by=actor if actor is not None else contract.created_by,
            )
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                actor_label="" if actor is not None else "QA visit schedule",
                target=visit,
                detail={
                    "contract": contract.reference,
                    "due_on": due,
                    "risk_rating": contract.risk_rating,
                    "interval_months": qa_interval_months(contract),
                    "automatic": True,
                    "run_on": today,
                },
            )
    except IntegrityError:
        # Another run scheduled it first: the partial unique constraint holds one scheduled visit.
        return None
    return visit


def qa_visits_schedule(*, today: datetime.date) -> list[QAVisit]:
    """For every live contract with no scheduled visit, schedule the next one; returns those created.

    A second run creates nothing. `today` is the run's date, recorded in each visit's audit entry.
    """
    contracts = (
        Contract.objects.filter(status=ContractStatus.LIVE)
        .exclude(qa_visits__status=QAVisitStatus.SCHEDULED)
        .select_related("created_by")
        .order_by("pk")
    )
    created = []
    for contract in contracts:
        visit = qa_visit_schedule_next(contract=contract, today=today)
        if visit is not None:
            created.append(visit)
    return created


# -- Who -----------------------------------------------------------------------------------------------


def _require_contract_commissioner(actor, contract: Contract) -> None:
    if not is_council_commissioner(actor) or actor.organisation_id != contract.organisation_id:
        raise PermissionDenied


def _require_contract_provider(actor, contract: Contract) -> None:
    if not actor.is_authenticated or actor.organisation_id != contract.provider_id:
        raise PermissionDenied
    if not actor.role_assignments.filter(role=Role.PROVIDER_USER).exists():
        raise PermissionDenied


def _users_with_role(organisation_id: int, role: str):
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role_assignments__role=role
    ).distinct()


def authority_commissioners(contract: Contract):
    """Who may lead a visit: the commissioners of the authority that let the contract."""
    return _users_with_role(contract.organisation_id, Role.COMMISSIONER).order_by("full_name", "email")


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _notify(users, *, kind: str, subject: str, url: str, target, body: str = "", due_date=None) -> None:
    for user in users:
        notification_send(
            recipient=user, kind=kind, subject=subject, body=body, url=url, target=target, due_date=due_date
        )


def _notify_provider(contract: Contract, **kwargs) -> None:
    _notify(_users_with_role(contract.provider_id, Role.PROVIDER_USER), **kwargs)


# -- Visits --------------------------------------------------------------------------------------------


def _visit_move(*, visit: QAVisit, to: str, actor, detail: dict | None = None, **fields) -> QAVisit:
    current = visit.status
    if to not in VISIT_TRANSITIONS[current]:
        raise InvalidTransition(
            f"A visit that is {V(current).label.lower()} cannot become {V(to).label.lower()}."
        )
    with transaction.atomic():
        updated = QAVisit.objects.filter(pk=visit.pk, status=current).update(status=to, **fields)
        if not updated:
            raise InvalidTransition("Someone else has changed this visit. Reload the page to see it.")
        visit.refresh_from_db()
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=visit,
            detail={"from": current, "to": to, **(detail or {})},
        )
    return visit


def _require_scheduled(visit: QAVisit, doing: str) -> None:
    if visit.status != V.SCHEDULED:
        raise InvalidTransition(f"A visit that is {V(visit.status).label.lower()} cannot be {doing}.")


def _validate_lead_officer(contract: Contract, lead_officer) -> None:
    if lead_officer is not None and not authority_commissioners(contract).filter(pk=lead_officer.pk).exists():
        raise ValidationError({"lead_officer": "Select a commissioner of the authority to lead the visit"})


def qa_visit_add(
    *,
    contract: Contract,
    actor: User,
    due_on: datetime.date,
    planned_on: datetime.date | None = None,
    lead_officer: User | None = None,
    announced: bool = True,
) -> QAVisit:
    """An extra visit the council adds when none is scheduled (after a complaint, say)."""
    _require_contract_commissioner(actor, contract)
    if contract.status != ContractStatus.LIVE:
        raise ValidationError("Visits can only be added to a live contract.")
    _validate_lead_officer(contract, lead_officer)
    if QAVisit.objects.filter(contract=contract, status=V.SCHEDULED).exists():
        raise ValidationError("A visit is already scheduled. Change that visit or cancel it first.")
    try:
        with transaction.atomic():
            visit = QAVisit.objects.create(
                contract=contract,
                due_on=due_on,
                planned_on=planned_on,
                lead_officer=lead_officer,
                announced=announced,
                created_by=actor,
            )
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                target=visit,
                detail={"contract": contract.reference, "due_on": due_on, "automatic": False},
            )
    except IntegrityError as error:
        raise ValidationError(
            "A visit is already scheduled. Change that visit or cancel it first."
        ) from error
    return visit


def qa_visit_arrange(
    *,
    visit: QAVisit,
    actor: User,
    planned_on: datetime.date | None,
    lead_officer: User | None,
    announced: bool,
) -> QAVisit:
    """Set a scheduled visit's planned date, lead officer and whether the provider is told beforehand."""
    _require_contract_commissioner(actor, visit.contract)
    _require_scheduled(visit, "arranged")
    _validate_lead_officer(visit.contract, lead_officer)
    fields = {"planned_on": planned_on, "lead_officer": lead_officer, "announced": announced}
    with transaction.atomic():
        if not QAVisit.objects.filter(pk=visit.pk, status=V.SCHEDULED).update(**fields):
            raise InvalidTransition("Someone else has changed this visit. Reload the page to see it.")
        visit.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=visit,
            detail={
                "planned_on": planned_on,
                "lead_officer": getattr(lead_officer, "pk", None),
                "announced": announced,
            },
        )
        if announced and planned_on is not None:
            _notify_provider(
                visit.contract,
                kind="qa_visit_announced",
                subject=f"Quality assurance visit planned for {_day(planned_on)}: {visit.contract.reference}",
                url=reverse("contracts:qa_contract", args=[visit.contract_id]),
                target=visit,
                due_date=planned_on,
            )
    return visit


def qa_visit_cancel(*, visit: QAVisit, actor: User, reason: str) -> QAVisit:
    """Cancel a scheduled visit with a reason. The daily schedule then books the next one."""
    _require_contract_commissioner(actor, visit.contract)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the visit is cancelled"})
    return _visit_move(
        visit=visit, to=V.CANCELLED, actor=actor, detail={"reason": reason}, cancelled_reason=reason
    )


def qa_visit_record(
    *,
    visit: QAVisit,
    actor: User,
    visited_on: datetime.date | None,
    findings: dict[str, tuple[str, str]],
    overall_rating: str = "",
    summary: str = "",
    today: datetime.date | None = None,
) -> QAVisit:
    """Save what the visit found so far: the visited date, a (rating, finding) per area given, the overall
    rating and summary. Areas left out stay as they were; a finding cannot be emptied once written."""
    _require_contract_commissioner(actor, visit.contract)
    _require_scheduled(visit, "recorded")
    today = today or timezone.localdate()
    errors = {}
    if visited_on is not None and visited_on > today:
        errors["visited_on"] = "The date of the visit must be today or in the past"
    if visited_on is not None and visited_on < visit.contract.starts_on:
        errors["visited_on"] = "The date of the visit must be on or after the contract started"
    for area, (rating, text) in findings.items():
        if area not in QAArea.values:
            raise ValidationError(f"Unknown checklist area {area!r}.")
        if rating and rating not in QARating.values:
            errors[f"rating_{area}"] = "Select a rating"
        if bool(rating) != bool((text or "").strip()):
            if rating:
                errors[f"findings_{area}"] = f"Enter the findings for {QAArea(area).label.lower()}"
            else:
                errors[f"rating_{area}"] = f"Select a rating for {QAArea(area).label.lower()}"
    if overall_rating and overall_rating not in QARating.values:
        errors["overall_rating"] = "Select the overall rating"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = QAVisit.objects.filter(pk=visit.pk, status=V.SCHEDULED).update(
            visited_on=visited_on, overall_rating=overall_rating or "", summary=(summary or "").strip()
        )
        if not updated:
            raise InvalidTransition("Someone else has changed this visit. Reload the page to see it.")
        for area, (rating, text) in findings.items():
            if rating:
                QAFinding.objects.update_or_create(
                    visit=visit, area=area, defaults={"rating": rating, "findings": text.strip()}
                )
        visit.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=visit,
            detail={"visited_on": visited_on, "areas": sorted(a for a, (r, _) in findings.items() if r)},
        )
    return visit


def qa_visit_missing(visit: QAVisit) -> list[str]:
    """What stands between the visit and its report, in words for the page; empty when it can be issued."""
    missing = []
    if visit.visited_on is None:
        missing.append("the date of the visit")
    done = {finding.area for finding in visit.findings.all()}
    missing += [
        f"findings and a rating for {QAArea(a).label.lower()}" for a in QAArea.values if a not in done
    ]
    if not visit.overall_rating:
        missing.append("the overall rating")
    if not visit.summary.strip():
        missing.append("the summary")
    return missing


def qa_visit_complete(*, visit: QAVisit, actor: User, now: datetime.datetime | None = None) -> QAVisit:
    """Issue the report: every area rated, an overall rating and summary. Tells the provider's users and
    schedules the next visit by the contract's risk rating."""
    _require_contract_commissioner(actor, visit.contract)
    _require_scheduled(visit, "completed")
    now = now or timezone.now()
    missing = qa_visit_missing(visit)
    if missing:
        raise ValidationError("Before issuing the report, add " + ", ".join(missing) + ".")
    contract = visit.contract
    with transaction.atomic():
        visit = _visit_move(
            visit=visit,
            to=V.COMPLETED,
            actor=actor,
            detail={"overall_rating": visit.overall_rating},
            completed_by=actor,
            completed_at=now,
        )
        _notify_provider(
            contract,
            kind="qa_report_issued",
            subject=(
                f"Quality assurance report issued: {contract.reference}, "
                f"rated {visit.get_overall_rating_display().lower()}"
            ),
            url=reverse("contracts:qa_visit_detail", args=[visit.pk]),
            target=visit,
        )
        qa_visit_schedule_next(contract=contract, actor=actor, today=now.date())
    return visit


# -- Improvement plans ---------------------------------------------------------------------------------


def improvement_plan_create(
    *, contract: Contract, actor: User, title: str, visit: QAVisit | None = None
) -> ImprovementPlan:
    """A plan on a contract, from a completed visit (one plan per visit) or on its own."""
    _require_contract_commissioner(actor, contract)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Enter a title for the improvement plan"})
    if visit is not None:
        if visit.contract_id != contract.pk:
            raise PermissionDenied
        if visit.status != V.COMPLETED:
            raise InvalidTransition(
                "An improvement plan can only follow a visit whose report has been issued."
            )
        if ImprovementPlan.objects.filter(qa_visit=visit).exists():
            raise ValidationError("This visit already has an improvement plan.")
    try:
        with transaction.atomic():
            plan = ImprovementPlan.objects.create(
                contract=contract, qa_visit=visit, title=title, created_by=actor
            )
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                target=plan,
                detail={"contract": contract.reference, "visit": getattr(visit, "pk", None)},
            )
            _notify_provider(
                contract,
                kind="improvement_plan_created",
                subject=f"Improvement plan: {title} ({contract.reference})",
                url=reverse("contracts:qa_plan_detail", args=[plan.pk]),
                target=plan,
            )
    except IntegrityError as error:
        raise ValidationError("This visit already has an improvement plan.") from error
    return plan


def improvement_action_add(
    *,
    plan: ImprovementPlan,
    actor: User,
    description: str,
    owner: str,
    due_on: datetime.date,
    area: str = "",
) -> ImprovementAction:
    _require_contract_commissioner(actor, plan.contract)
    if plan.status != ImprovementPlanStatus.OPEN:
        raise InvalidTransition("Actions cannot be added to a completed improvement plan.")
    errors = {}
    if area and area not in QAArea.values:
        errors["area"] = "Select an area of the checklist"
    if not (description or "").strip():
        errors["description"] = "Enter what the provider must do"
    if not (owner or "").strip():
        errors["owner"] = "Enter the name of the person at the provider responsible"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = ImprovementAction.objects.create(
            plan=plan, area=area, description=description.strip(), owner=owner.strip(), due_on=due_on
        )
        audit_record(
            action=AuditAction.CREATE, actor=actor, target=action, detail={"plan": plan.pk, "due_on": due_on}
        )
        _notify_provider(
            plan.contract,
            kind="improvement_action_added",
            subject=f"New improvement action due {_day(due_on)}: {plan.contract.reference}",
            url=reverse("contracts:qa_action_detail", args=[action.pk]),
            target=action,
        )
    return action


def _action_commissioners(action: ImprovementAction):
    """Who hears of the provider's progress: whoever made the plan, and the visit's lead officer."""
    plan = action.plan
    ids = {plan.created_by_id}
    if plan.qa_visit_id and plan.qa_visit.lead_officer_id:
        ids.add(plan.qa_visit.lead_officer_id)
    return User.objects.filter(pk__in=ids, is_active=True, organisation_id=plan.contract.organisation_id)


def improvement_action_update_post(
    *,
    action: ImprovementAction,
    actor: User,
    text: str,
    reports_done: bool = False,
    evidence_file=None,
    evidence_title: str = "",
    now: datetime.datetime | None = None,
) -> ActionUpdate:
    """The provider's progress on an action, with optional evidence; `reports_done` reports it done."""
    contract = action.plan.contract
    _require_contract_provider(actor, contract)
    if action.status == A.VERIFIED:
        raise InvalidTransition("This action has been verified and cannot change.")
    if reports_done and action.status != A.OPEN:
        raise InvalidTransition("This action has already been reported done.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the progress made"})
    now = now or timezone.now()
    with transaction.atomic():
        evidence = None
        if evidence_file is not None:
            evidence = document_store(
                organisation=contract.provider,
                uploaded_by=actor,
                uploaded_file=evidence_file,
                title=evidence_title or f"Evidence for improvement action {action.pk}",
            )
        if reports_done:
            if not ImprovementAction.objects.filter(pk=action.pk, status=A.OPEN).update(
                status=A.REPORTED_DONE
            ):
                raise InvalidTransition("Someone else has changed this action. Reload the page to see it.")
        elif not ImprovementAction.objects.filter(pk=action.pk).exclude(status=A.VERIFIED).exists():
            raise InvalidTransition("This action has been verified and cannot change.")
        update = ActionUpdate.objects.create(
            action=action,
            text=text,
            evidence=evidence,
            reports_done=reports_done,
            posted_by=actor,
            posted_at=now,
        )
        action.refresh_from_db()
        audit_record(
            action=AuditAction.TRANSITION if reports_done else AuditAction.CREATE,
            actor=actor,
            target=action,
            detail={
                "update": update.pk,
                "evidence": getattr(evidence, "pk", None),
                "reports_done": reports_done,
            },
        )
        _notify(
            _action_commissioners(action),
            kind="improvement_action_reported_done" if reports_done else "improvement_action_progress",
            subject=(
                f"Improvement action reported done: {contract.reference}"
                if reports_done
                else f"Progress on an improvement action: {contract.reference}"
            ),
            url=reverse("contracts:qa_action_detail", args=[action.pk]),
            target=update,
        )
    return update


def _action_move(*, action: ImprovementAction, to: str, actor, detail: dict | None = None, **fields):
    current = action.status
    if to not in ACTION_TRANSITIONS[current]:
        if current == A.VERIFIED:
            raise InvalidTransition("This action has been verified and cannot change.")
        raise InvalidTransition(
            f"An action that is {A(current).label.lower()} cannot become {A(to).label.lower()}."
        )
    with transaction.atomic():
        if not ImprovementAction.objects.filter(pk=action.pk, status=current).update(status=to, **fields):
            raise InvalidTransition("Someone else has changed this action. Reload the page to see it.")
        action.refresh_from_db()
        audit_record(
            action=AuditAction.TRANSITION,
            actor=actor,
            target=action,
            detail={"from": current, "to": to, **(detail or {})},
        )
    return action


def improvement_action_verify(
    *, action: ImprovementAction, actor: User, notes: str = "", now: datetime.datetime | None = None
) -> ImprovementAction:
    """The council checks an action reported done and verifies it; the plan completes with its last one."""
    plan = action.plan
    _require_contract_commissioner(actor, plan.contract)
    now = now or timezone.now()
    with transaction.atomic():
        action = _action_move(
            action=action,
            to=A.VERIFIED,
            actor=actor,
            verified_by=actor,
            verified_at=now,
            verification_notes=(notes or "").strip(),
        )
        _notify_provider(
            plan.contract,
            kind="improvement_action_verified",
            subject=f"Improvement action verified: {plan.contract.reference}",
            url=reverse("contracts:qa_action_detail", args=[action.pk]),
            target=action,
        )
        if not plan.actions.exclude(status=A.VERIFIED).exists():
            completed = ImprovementPlan.objects.filter(pk=plan.pk, status=ImprovementPlanStatus.OPEN).update(
                status=ImprovementPlanStatus.COMPLETED, completed_at=now
            )
            if completed:
                plan.refresh_from_db()
                audit_record(
                    action=AuditAction.TRANSITION,
                    actor=actor,
                    target=plan,
                    detail={"from": ImprovementPlanStatus.OPEN, "to": ImprovementPlanStatus.COMPLETED},
                )
                _notify_provider(
                    plan.contract,
                    kind="improvement_plan_completed",
                    subject=f"Improvement plan completed: {plan.title} ({plan.contract.reference})",
                    url=reverse("contracts:qa_plan_detail", args=[plan.pk]),
                    target=plan,
                )
    return action


def improvement_action_return(*, action: ImprovementAction, actor: User, note: str) -> ImprovementAction:
    """The council returns an action reported done to open, with a note the provider reads."""
    plan = action.plan
    _require_contract_commissioner(actor, plan.contract)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Enter why the action is returned"})
    with transaction.atomic():
        action = _action_move(action=action, to=A.OPEN, actor=actor, detail={"note": note})
        update = ActionUpdate.objects.create(action=action, text=note, posted_by=actor)
        _notify_provider(
            plan.contract,
            kind="improvement_action_returned",
            subject=f"Improvement action returned to you: {plan.contract.reference}",
            body=note,
            url=reverse("contracts:qa_action_detail", args=[action.pk]),
            target=update,
        )
    return action
