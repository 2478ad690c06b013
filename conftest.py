"""Named personas used across the suite. Each comment says what that person may touch."""

import pytest
from django.test.client import ClientMixin

from accounts.models import OrganisationKind, Role
from accounts.services import organisation_create, user_create

PASSWORD = "correct-horse-battery-staple"


# Two-factor sign-in is on in the tests as everywhere. Django's test `Client.force_login` therefore also
# verifies the session's second factor for a person who must use it, with an authenticator app made for
# them (as if they had entered its code). `force_login(user, verified=False)` leaves the code step to do,
# for the tests of two-factor sign-in itself. Browser tests go through the real code page (sign_in).
_django_force_login = ClientMixin.force_login


def test_authenticator(user):
    """The person's confirmed authenticator app, made on first use; its codes start afresh."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import DEVICE_NAME

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return device


test_authenticator.__test__ = False  # a helper, not a test


def _force_login(self, user, backend=None, verified=True):
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.two_factor import two_factor_required

    _django_force_login(self, user, backend)
    if verified and two_factor_required(user):
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = test_authenticator(user).persistent_id
        session.save()


ClientMixin.force_login = _force_login


@pytest.fixture
def northshire(db):
    """A council: the demo authority and lead of the Flexible Purchasing System."""
    return organisation_create(
        name="Northshire Council",
        slug="northshire",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        ons_code="E06000998",
    )


@pytest.fixture
def southvale(db):
    """Another council: a member of the same purchasing system, never sees Northshire's children."""
    return organisation_create(
        name="Southvale Council",
        slug="southvale",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        ons_code="E06000999",
    )


@pytest.fixture
def northshire_pcf(db):
    return organisation_create(
        name="Northshire Parent Carer Forum", slug="northshire-pcf", kind=OrganisationKind.PARENT_CARER_FORUM
    )


@pytest.fixture
def oakfield(db):
    return organisation_create(name="Oakfield School Ltd", slug="oakfield", kind=OrganisationKind.PROVIDER)


@pytest.fixture
def riverside(db):
    return organisation_create(
        name="Riverside Learning Trust", slug="riverside", kind=OrganisationKind.PROVIDER
    )


@pytest.fixture
def operator(db):
    return organisation_create(name="Service team", slug="operator", kind=OrganisationKind.OPERATOR)


def _person(email, name, organisation, *roles):
    return user_create(
        email=email, full_name=name, organisation=organisation, roles=list(roles), password=PASSWORD
    )


@pytest.fixture
def commissioner_northshire(northshire):
    """Everything for Northshire's own data; nothing of Southvale's."""
    return _person("commissioner@northshire.test", "Priya Shah", northshire, Role.COMMISSIONER)


@pytest.fixture
def lead_northshire(northshire):
    """A commissioner who also runs the purchasing system's admission rounds and annual checks."""
    return _person(
        "lead@northshire.test", "Tom Adeyemi", northshire, Role.COMMISSIONER, Role.LEAD_COMMISSIONER
    )


@pytest.fixture
def evaluator_northshire(northshire):
    """Scores submissions for tenders on whose panel they sit, after the deadline and a conflict check."""
    return _person("evaluator@northshire.test", "Grace Kowalski", northshire, Role.EVALUATOR)


@pytest.fixture
def finance_northshire(northshire):
    """Decides business cases at the finance step; never one they wrote."""
    return _person("finance@northshire.test", "Martin Ellis", northshire, Role.FINANCE_APPROVER)


@pytest.fixture
def legal_northshire(northshire):
    """Decides business cases at the legal step; never one they wrote."""
    return _person("legal@northshire.test", "Aisha Rahman", northshire, Role.LEGAL_APPROVER)


@pytest.fixture
def commissioner_southvale(southvale):
    """Another council's commissioner: every Northshire object must answer 404 to them."""
    return _person("commissioner@southvale.test", "Owen Price", southvale, Role.COMMISSIONER)


@pytest.fixture
def forum_member(northshire_pcf):
    """Reads specifications open for consultation and comments; sees no commercial data."""
    return _person("forum@northshire-pcf.test", "Helen Murray", northshire_pcf, Role.FORUM_MEMBER)


@pytest.fixture
def provider_oakfield(oakfield):
    """Oakfield's own profile, bids, contracts and referrals; nothing of Riverside's."""
    return _person("provider@oakfield.test", "Daniel Okafor", oakfield, Role.PROVIDER_USER)


@pytest.fixture
def provider_riverside(riverside):
    """Riverside's own profile, bids, contracts and referrals; nothing of Oakfield's."""
    return _person("provider@riverside.test", "Sophie Turner", riverside, Role.PROVIDER_USER)


@pytest.fixture
def staff_admin(operator):
    """The operator's support staff: the support admin and the audit log; sealed bids stay sealed."""
    return _person("admin@operator.test", "Sam Patel", operator, Role.STAFF_ADMIN)


PERSONAS = [
    "commissioner_northshire",
    "lead_northshire",
    "evaluator_northshire",
    "finance_northshire",
    "legal_northshire",
    "commissioner_southvale",
    "forum_member",
    "provider_oakfield",
    "provider_riverside",
    "staff_admin",
]
