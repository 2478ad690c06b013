"""Writes for organisations and people."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import audit_record
from core.models import AuditAction

from .models import ROLES_BY_KIND, Organisation, Role, RoleAssignment, User


def organisation_create(*, name: str, slug: str, kind: str, ons_code: str = "", actor=None) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, slug=slug, kind=kind, ons_code=ons_code)
        audit_record(action=AuditAction.CREATE, actor=actor, actor_label="system", target=organisation)
    return organisation


def user_roles_validate(*, organisation: Organisation, roles: list[str]) -> None:
    """A role must fit the organisation: no forum member in a council, no commissioner at a provider."""
    allowed = ROLES_BY_KIND.get(organisation.kind, frozenset())
    wrong = sorted(set(roles) - allowed)
    if wrong:
        names = ", ".join(Role(role).label for role in wrong)
        raise ValidationError(f"{organisation.get_kind_display()} staff cannot hold these roles: {names}.")


def user_create(
    *,
    email: str,
    full_name: str,
    organisation: Organisation,
    roles: list[str],
    password: str | None,
    actor=None,
) -> User:
    """Create a person in an organisation with the roles given (checked against the organisation's kind)."""
    user_roles_validate(organisation=organisation, roles=roles)
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            organisation=organisation,
        )
        RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=role) for role in roles])
        user_sync_support_access(user=user)
        audit_record(
            action=AuditAction.CREATE, actor=actor, actor_label="system", target=user, detail={"roles": roles}
        )
    return user


def user_set_roles(*, user: User, roles: list[str], actor) -> User:
    """Replace a person's roles; staff admin also opens the support admin."""
    user_roles_validate(organisation=user.organisation, roles=roles)
    with transaction.atomic():
        before = sorted(user.role_assignments.values_list("role", flat=True))
        user.role_assignments.exclude(role__in=roles).delete()
        for role in roles:
            RoleAssignment.objects.get_or_create(user=user, role=role)
        user_sync_support_access(user=user)
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            target=user,
            detail={"roles": {"from": before, "to": sorted(roles)}},
        )
    user.refresh_from_db()
    user.__dict__.pop("roles", None)
    return user


SUPPORT_GROUP = "Support staff"
# What the support admin may do, by app and model permission codename prefix. Staff admins are never
# superusers: a superuser passes every permission check, and deny-by-default must hold for them too.
SUPPORT_PERMISSIONS = {
    "accounts": ("view", "add", "change"),
    "core": ("view",),
    "django_celery_beat": ("view", "add", "change", "delete"),
}
# The cycle's apps whose records the support admin shows read-only (changes go through the audited
# services): support staff may view only the models those apps register there. A model left out on
# purpose, such as a sealed bid or a child's referral, so gets no permission at all.
SUPPORT_READ_ONLY_APPS = ("coproduction", "procurement", "contracts")


def _support_permission_wanted(permission: Permission) -> bool:
    from django.contrib import admin

    app_label = permission.content_type.app_label
    action = permission.codename.split("_", 1)[0]
    if app_label in SUPPORT_PERMISSIONS:
        return action in SUPPORT_PERMISSIONS[app_label]
    model = permission.content_type.model_class()
    return action == "view" and model is not None and admin.site.is_registered(model)


def support_group() -> Group:
    """The group that gives staff admins the support admin's permissions (kept up to date on each call)."""
    group, _ = Group.objects.get_or_create(name=SUPPORT_GROUP)
    candidates = Permission.objects.select_related("content_type").filter(
        content_type__app_label__in=[*SUPPORT_PERMISSIONS, *SUPPORT_READ_ONLY_APPS]
    )
    group.permissions.set([permission for permission in candidates if _support_permission_wanted(permission)])
    return group


def user_sync_support_access(*, user: User) -> None:
    """Support admin access follows the staff admin role: is_staff and the support group, never superuser."""
    is_staff_admin = user.role_assignments.filter(role=Role.STAFF_ADMIN).exists()
    User.objects.filter(pk=user.pk).update(is_staff=is_staff_admin, is_superuser=False)
    user.is_staff, user.is_superuser = is_staff_admin, False
    if is_staff_admin:
        user.groups.add(support_group())
    else:
        user.groups.remove(*Group.objects.filter(name=SUPPORT_GROUP))
    user.__dict__.pop("roles", None)
