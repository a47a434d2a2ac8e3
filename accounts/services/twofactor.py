"""Two factors (issue 13, django-otp): the TOTP device a user enrols (a key shown once as a QR code and
as text, confirmed by a first code), the ten recovery codes (a static device, each code good once), and
the verification after the password that marks the session (``django_otp.DEVICE_ID_SESSION_KEY``) —
the flag ``TwoFactorMiddleware`` reads without loading the device."""

from __future__ import annotations

from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def session_verified(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def device_confirmed(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (made on first sight, the same one until confirmed)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _clean(token: str) -> str:
    return "".join((token or "").split())


@transaction.atomic
def enrolment_confirm(request, user, token: str) -> list[str] | None:
    """Confirm the enrolling device with its first code: the session is verified, older devices go, and
    the ten new recovery codes are returned (shown once). None: the code is wrong (or no enrolment)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    token = _clean(token)
    if device is None or not token.isdigit() or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_new(user)
    otp_login(request, device)
    return codes


def recovery_codes_new(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = []
    for _ in range(RECOVERY_CODES):
        code = StaticToken.random_token()
        StaticToken.objects.create(device=static, token=code)
        codes.append(code)
    return codes


@transaction.atomic
def verify(request, user, token: str) -> bool:
    """A TOTP code of the user's device, or one of their recovery codes (used up by this)."""
    token = _clean(token)
    if not token:
        return False
    if token.isdigit() and len(token) == 6:
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is not None and device.verify_token(token):
            otp_login(request, device)
            return True
        return False
    static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if static is not None and static.verify_token(token.lower()):
        otp_login(request, static)
        return True
    return False


def session_mark_verified(session, device) -> None:
    """For a session signed in without a request (tests' ``force_login``): as ``django_otp.login``."""
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
