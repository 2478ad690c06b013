"""Django's test client signed in as a person, past the code step where two-factor sign-in applies.

For the benchmarks that time pages through Django's test client (import, pages, PDF) rather than over
HTTP: they measure the page, not the sign-in, so the session is verified as if the code had been entered.
A person who must use two-factor sign-in and has no authenticator app yet is given one.
"""


def sign_in(client, user) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import DEVICE_NAME, two_factor_device, two_factor_required

    client.force_login(user)
    device = two_factor_device(user)
    if device is None and two_factor_required(user):
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
