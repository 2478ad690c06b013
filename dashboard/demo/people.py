"""The demo organisations and a login for every role."""

import base64
from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.services import organisation_create, user_create
from accounts.two_factor import DEVICE_NAME, TWO_FACTOR_ROLES

# The one published authenticator key of every demo council and operator login (README, "Run it"): add it
# to an authenticator app by hand, or print the current code with `manage.py demo_code EMAIL`. It is
# public, so a demo database must never hold real data.
DEMO_TOTP_KEY = "SENDDEMOSENDDEMOSENDDEMOSENDDEMO"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    ons_code: str = ""


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    organisation: str  # slug
    roles: tuple[str, ...]
    description: str


# Fictional authorities: the ONS-style codes are made up (E06 is a unitary authority's prefix; 999 is unused).
ORGANISATIONS = [
    DemoOrganisation("northshire", "Northshire Council", OrganisationKind.LOCAL_AUTHORITY, "E06000998"),
    DemoOrganisation("southvale", "Southvale Council", OrganisationKind.LOCAL_AUTHORITY, "E06000999"),
    DemoOrganisation("northshire-pcf", "Northshire Parent Carer Forum", OrganisationKind.PARENT_CARER_FORUM),
    DemoOrganisation("oakfield", "Oakfield School Ltd", OrganisationKind.PROVIDER),
    DemoOrganisation("riverside", "Riverside Learning Trust", OrganisationKind.PROVIDER),
    DemoOrganisation("operator", "SEND Commissioning service team", OrganisationKind.OPERATOR),
]

LOGINS = [
    DemoLogin(
        "commissioner@northshire.example",
        "Priya Shah",
        "northshire",
        (Role.COMMISSIONER,),
        "Commissioner, Northshire Council (FPS lead authority)",
    ),
    DemoLogin(
        "lead@northshire.example",
        "Tom Adeyemi",
        "northshire",
        (Role.COMMISSIONER, Role.LEAD_COMMISSIONER),
        "Lead commissioner for the Flexible Purchasing System, Northshire Council",
    ),
    DemoLogin(
        "evaluator@northshire.example",
        "Grace Kowalski",
        "northshire",
        (Role.EVALUATOR,),
        "Evaluator on tender panels, Northshire Council",
    ),
    DemoLogin(
        "finance@northshire.example",
        "Martin Ellis",
        "northshire",
        (Role.FINANCE_APPROVER,),
        "Finance approver, Northshire Council",
    ),
    DemoLogin(
        "legal@northshire.example",
        "Aisha Rahman",
        "northshire",
        (Role.LEGAL_APPROVER,),
        "Legal approver, Northshire Council",
    ),
    DemoLogin(
        "commissioner@southvale.example",
        "Owen Price",
        "southvale",
        (Role.COMMISSIONER,),
        "Commissioner, Southvale Council (FPS member authority)",
    ),
    DemoLogin(
        "forum@northshire-pcf.example",
        "Helen Murray",
        "northshire-pcf",
        (Role.FORUM_MEMBER,),
        "Member of Northshire Parent Carer Forum",
    ),
    DemoLogin(
        "provider@oakfield.example",
        "Daniel Okafor",
        "oakfield",
        (Role.PROVIDER_USER,),
        "Provider user, Oakfield School Ltd",
    ),
    DemoLogin(
        "provider@riverside.example",
        "Sophie Turner",
        "riverside",
        (Role.PROVIDER_USER,),
        "Provider user, Riverside Learning Trust",
    ),
    DemoLogin(
        "admin@example.org",
        "Sam Patel",
        "operator",
        (Role.STAFF_ADMIN,),
        "Staff admin for the service operator (support admin, audit log)",
    ),
]


def seed(*, password: str) -> dict[str, Organisation]:
    organisations = {}
    for demo in ORGANISATIONS:
        organisation = Organisation.objects.filter(slug=demo.slug).first()
        if organisation is None:
            organisation = organisation_create(
                name=demo.name, slug=demo.slug, kind=demo.kind, ons_code=demo.ons_code
            )
        organisations[demo.slug] = organisation
    for login in LOGINS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = user_create(
                email=login.email,
                full_name=login.full_name,
                organisation=organisations[login.organisation],
                roles=list(login.roles),
                password=password,
            )
        if TWO_FACTOR_ROLES.intersection(login.roles):
            demo_authenticator(user)
    return organisations


def demo_authenticator(user: User) -> TOTPDevice:
    """A confirmed authenticator app with the published demo key (left as it is when there is one)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        key = base64.b32decode(DEMO_TOTP_KEY).hex()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
    return device
