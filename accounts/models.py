"""Organisations, the people in them and the roles they hold."""

from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PROVIDER = "provider", "Provider"
    PARENT_CARER_FORUM = "parent_carer_forum", "Parent carer forum"
    HEALTH_PARTNER = "health_partner", "Health partner"
    OPERATOR = "operator", "Service operator"


class Organisation(models.Model):
    """A council, a provider, a parent carer forum, a health partner, or the service's operator."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    # ONS code (e.g. E08000009) for local authorities: it ties the council to published statistics.
    ons_code = models.CharField("ONS code", max_length=9, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ons_code"],
                condition=~models.Q(ons_code=""),
                name="organisation_ons_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_local_authority(self) -> bool:
        return self.kind == OrganisationKind.LOCAL_AUTHORITY


class Role(models.TextChoices):
    COMMISSIONER = "commissioner", "Commissioner"
    LEAD_COMMISSIONER = "lead_commissioner", "Lead commissioner"
    EVALUATOR = "evaluator", "Evaluator"
    FINANCE_APPROVER = "finance_approver", "Finance approver"
    LEGAL_APPROVER = "legal_approver", "Legal approver"
    FORUM_MEMBER = "forum_member", "Forum member"
    PROVIDER_USER = "provider_user", "Provider user"
    STAFF_ADMIN = "staff_admin", "Staff admin"


# Which roles a person may hold in each kind of organisation.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.LOCAL_AUTHORITY: frozenset(
        {
            Role.COMMISSIONER,
            Role.LEAD_COMMISSIONER,
            Role.EVALUATOR,
            Role.FINANCE_APPROVER,
            Role.LEGAL_APPROVER,
        }
    ),
    OrganisationKind.PROVIDER: frozenset({Role.PROVIDER_USER}),
    OrganisationKind.PARENT_CARER_FORUM: frozenset({Role.FORUM_MEMBER}),
    OrganisationKind.HEALTH_PARTNER: frozenset({Role.COMMISSIONER, Role.EVALUATOR}),
    OrganisationKind.OPERATOR: frozenset({Role.STAFF_ADMIN}),
}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address. Every person belongs to one organisation."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the support admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def roles(self) -> frozenset[str]:
        """The roles this person holds, loaded once per request."""
        if not self.is_active or self.pk is None:
            return frozenset()
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class RoleAssignment(models.Model):
    """One role held by one person, in their own organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    def clean(self) -> None:
        """A role must fit the person's organisation (checked in the support admin's forms too)."""
        organisation = getattr(self.user, "organisation", None) if self.user_id else None
        if organisation is not None and self.role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
            kind, role = organisation.get_kind_display(), self.get_role_display()
            raise ValidationError({"role": f"{kind} staff cannot hold the role {role}."})
