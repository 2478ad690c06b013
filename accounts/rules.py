"""Role predicates used by every later app. A person's roles apply only within their own organisation."""

import rules

from core.rules import is_support_staff

from .models import Role


def has_role(*roles: str):
    @rules.predicate(name=f"has_role({', '.join(roles)})")
    def predicate(user) -> bool:
        return bool(
            user.is_authenticated and user.is_active and user.organisation_id and user.has_role(*roles)
        )

    return predicate


is_commissioner = has_role(Role.COMMISSIONER, Role.LEAD_COMMISSIONER)
is_lead_commissioner = has_role(Role.LEAD_COMMISSIONER)
is_evaluator = has_role(Role.EVALUATOR)
is_finance_approver = has_role(Role.FINANCE_APPROVER)
is_legal_approver = has_role(Role.LEGAL_APPROVER)
is_approver = has_role(Role.FINANCE_APPROVER, Role.LEGAL_APPROVER)
is_council_staff = has_role(
    Role.COMMISSIONER, Role.LEAD_COMMISSIONER, Role.EVALUATOR, Role.FINANCE_APPROVER, Role.LEGAL_APPROVER
)
is_forum_member = has_role(Role.FORUM_MEMBER)
is_provider_user = has_role(Role.PROVIDER_USER)
is_staff_admin = has_role(Role.STAFF_ADMIN)

rules.add_perm("accounts.change_own_password", rules.is_authenticated & rules.is_active)
# Support: a staff admin removes a person's authenticator app when they lose it.
rules.add_perm("accounts.reset_two_factor", is_staff_admin)
# Subject access: the operator's staff admins export what is held about anyone, in any organisation.
rules.add_perm("accounts.export_subject_data", is_staff_admin & is_support_staff)
