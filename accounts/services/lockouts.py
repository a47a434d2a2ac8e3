"""Login lockouts (issue 13, django-axes): the accounts and addresses locked now, and the district
administrator's unlock (rule table ``accounts.rules.LOCKOUT_TABLE``, one audit entry ``login.unlock``).

Axes counts an account's failures and an address's failures apart (``AXES_LOCKOUT_PARAMETERS``): a row per
(account, address, browser), summed by account or by address, within the cool-off."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError

from ..models import User
from ..rules import LOCKOUT_TABLE, Lockout

KINDS = ("username", "ip_address")


def _live():
    """Attempts still counted: not past their expiry (or, without one, within the cool-off)."""
    now = timezone.now()
    return AccessAttempt.objects.filter(
        Q(expiration__expires_at__gt=now)
        | Q(expiration__isnull=True, attempt_time__gt=now - settings.AXES_COOLOFF_TIME)
    )


def lockouts_current() -> list[dict]:
    """Every locked account and address: kind, value, failures, last attempt, until when (the live attempt
    rows are few: summed here)."""
    limit = settings.AXES_FAILURE_LIMIT
    sums: dict[tuple[str, str], dict] = {}
    for row in _live().values("username", "ip_address", "failures_since_start", "attempt_time"):
        for kind in KINDS:
            if row[kind]:
                entry = sums.setdefault((kind, row[kind]), {"kind": kind, "value": row[kind], "failures": 0,
                                                            "last": row["attempt_time"]})
                entry["failures"] += row["failures_since_start"]
                entry["last"] = max(entry["last"], row["attempt_time"])
    found = [dict(e, until=e["last"] + settings.AXES_COOLOFF_TIME) for e in sums.values() if e["failures"] >= limit]
    found.sort(key=lambda r: (r["last"], r["kind"]), reverse=True)
    return found


def lockout_get(kind: str, value: str) -> Lockout:
    if kind not in KINDS:
        raise DomainError(_unknown(), code="invalid")
    failures = _live().filter(**{kind: value}).aggregate(n=Sum("failures_since_start"))["n"] or 0
    return Lockout(kind, value, failures, failures >= settings.AXES_FAILURE_LIMIT)


def _unknown():
    return _("锁定类型有误。")


@transaction.atomic
def login_unlock(*, actor, kind: str, value: str, reason: str = "") -> int:
    """Lift the lockout of an account (``kind="username"``) or an address (``"ip_address"``): its counted
    failures are deleted. Returns how many attempt rows went."""
    value = (value or "").strip()
    if kind not in KINDS or not value or "\x00" in value or len(value) > 255:
        raise DomainError(_unknown(), code="invalid")
    rows = list(AccessAttempt.objects.select_for_update().filter(**{kind: value}).order_by("pk"))
    lockout = lockout_get(kind, value)
    LOCKOUT_TABLE.require(actor, "unlock", lockout)
    target = (User.objects.filter(username=value).first() if kind == "username" else None) or rows[0]
    AccessAttempt.objects.filter(pk__in=[r.pk for r in rows]).delete()
    audit_record(actor=actor, action="login.unlock", target=target,
                 before={kind: value, "failures": lockout.failures}, after={"locked": False},
                 reason=(reason or "").strip()[:500])
    return len(rows)
