"""Second factor, sessions and lockouts (issue 13): the verify and enrol pages after the password, the
user's own sessions (我的登录会话), the district administrator's lockouts page, and the page a locked-out
login gets (429)."""

from __future__ import annotations

import io
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifu_reopen.errors import DomainError

from ..http import roles_required
from ..models import UserSession
from ..roles import needs_two_factor
from ..rules import LOCKOUT_ROLES, LOCKOUT_TABLE, Lockout
from ..services import lockouts as lockout_services
from ..services import sessions as session_services
from ..services import twofactor


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes answers a locked-out login: the reason and when to try again, 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/lockout.html", {"minutes": minutes}, status=429)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "POST"])
def login_verify(request):
    """After the password: a code of the authenticator app or a recovery code."""
    user = request.user
    if not needs_two_factor(user) or twofactor.session_verified(request):
        return redirect(_next(request))
    if twofactor.device_confirmed(user) is None:
        query = request.GET.urlencode()
        return redirect(reverse("login_enrol") + (f"?{query}" if query else ""))
    error, status = "", 200
    if request.method == "POST":
        if twofactor.verify(request, user, request.POST.get("token", "")):
            return redirect(_next(request))
        error, status = _("验证码不正确或已使用，请重新输入。"), 401
    return render(request, "accounts/otp_verify.html", {"error": error, "next": _next(request)}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def login_enrol(request):
    """First sign-in of a post that needs two factors: scan the key (or type it), confirm a code, and
    keep the ten recovery codes shown once."""
    user = request.user
    if not needs_two_factor(user) or twofactor.session_verified(request):
        return redirect(_next(request))
    if twofactor.device_confirmed(user) is not None:  # enrolled already: the code, not a new key
        return redirect("login_verify")
    device = twofactor.enrolment_device(user)
    error, status = "", 200
    if request.method == "POST":
        codes = twofactor.enrolment_confirm(request, user, request.POST.get("token", ""))
        if codes is not None:
            return render(request, "accounts/otp_recovery.html", {"codes": codes, "next": _next(request)})
        error, status = _("验证码不正确，请核对手机上的验证器后重新输入。"), 400
    secret = _b32(device)
    return render(request, "accounts/otp_enrol.html", {
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), "error": error,
        "next": _next(request),
    }, status=status)


def _b32(device) -> str:
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


@never_cache
@require_GET
def login_enrol_qr(request):
    """The enrolling key as a QR code (PNG; made here, no outside service)."""
    user = request.user
    if not needs_two_factor(user) or twofactor.device_confirmed(user) is not None:
        return HttpResponse(status=404)
    device = twofactor.enrolment_device(user)
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="png", scale=5, border=2)
    return HttpResponse(out.getvalue(), content_type="image/png")


@require_GET
def sessions_list(request):
    rows = list(UserSession.objects.filter(user=request.user).order_by("-started_at", "-pk"))
    current = request.session.session_key
    return render(request, "accounts/sessions.html", {
        "rows": [{"row": r, "current": r.session_key == current} for r in rows],
        "idle_minutes": settings.SESSION_IDLE_SECONDS // 60, "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
    })


@require_POST
def session_end(request, pk: int):
    if session_services.session_end(user=request.user, row_id=pk, current_key=request.session.session_key):
        messages.success(request, _("已结束该会话。"))
    else:
        messages.info(request, _("该会话已结束，或是您当前的会话。"))
    return redirect("sessions")


@require_POST
def sessions_end_others(request):
    n = session_services.sessions_end_all(request.user, keep_key=request.session.session_key)
    messages.success(request, _("已结束其他 %(n)s 个会话。") % {"n": n})
    return redirect("sessions")


def _lockouts_page(request, *, error: str = "", status: int = 200):
    return render(request, "accounts/lockouts.html", {
        "rows": lockout_services.lockouts_current(), "error": error, "now": timezone.now(),
        "limit": settings.AXES_FAILURE_LIMIT, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "may_unlock": LOCKOUT_TABLE.may(request.user, "unlock", Lockout("", "", 0, True)).allowed,
    }, status=status)


@roles_required(*LOCKOUT_ROLES)
@require_GET
def lockouts_list(request):
    return _lockouts_page(request)


@roles_required(*LOCKOUT_ROLES)
@require_POST
def lockout_unlock(request):
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "")
    try:
        lockout_services.login_unlock(actor=request.user, kind=kind, value=value, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return _lockouts_page(request, error=exc.message, status=403 if exc.code == "forbidden" else exc.status_code)
    messages.success(request, _("已解除 %(v)s 的登录锁定。") % {"v": value})
    return redirect("lockouts")
