"""Reads of placards, scoped to the user (out of scope → does not exist)."""

from __future__ import annotations

from datetime import UTC

from django.db.models import Q, QuerySet

from accounts.scope import scope_for
from approvals.selectors import applications_visible
from enterprises.models import scope_enterprise_q

from .models import Placard
from .rules import PRINT_ROLES, STATUS_ROLES  # noqa: F401 (the role lists live in the rule table)


def can_print(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or scope_for(user).role in PRINT_ROLES))


def placards_visible(user) -> QuerySet[Placard]:
    """Placards the user may see and print: none for roles without that business."""
    qs = Placard.objects.select_related("enterprise", "enterprise__jurisdiction")
    if not can_print(user):
        return qs.none()
    q = scope_enterprise_q(scope_for(user), prefix="enterprise__")
    return qs if q is None else qs.filter(q)


def placard_history_q(user, enterprise) -> Q:
    """The enterprise history's reader (enterprises.history): entries about the placards of the enterprise's
    applications that the user may see."""
    applications = applications_visible(user).filter(enterprise=enterprise).values("pk")
    placards = Placard.objects.filter(enterprise=enterprise, application__in=applications).values("pk")
    return Q(target_type=Placard._meta.label_lower, target_id__in=placards)


def placard_get(user, pk: int) -> Placard:
    return placards_visible(user).get(pk=pk)


VERIFY_FIELDS = ("id", "number", "code", "status", "status_reason", "status_changed_at", "approved_on",
                 "enterprise__name", "enterprise__jurisdiction__name", "application__status", "enterprise_id",
                 "enterprise__jurisdiction_id")
_verify_sql: dict[str, str] = {}


def verify_lookup(token: str) -> dict | None:
    """The public facts of the placard with this token, or None: one SELECT whose SQL the ORM compiles
    once per process (the verify page is the hottest public URL)."""
    from django.db import connection

    sql = _verify_sql.get(connection.vendor)
    if sql is None:
        qs = Placard.objects.filter(token="").order_by().values_list(*VERIFY_FIELDS)[:1]  # nosec B106: an empty token to build the query text once, not a password
        sql, _params = qs.query.sql_with_params()
        _verify_sql[connection.vendor] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [token])
        row = cursor.fetchone()
    if row is None:
        return None
    data = dict(zip(VERIFY_FIELDS, row, strict=True))
    if connection.vendor == "sqlite":  # SQLite gives text dates and naive UTC datetimes
        from django.utils.dateparse import parse_date, parse_datetime

        if isinstance(data["approved_on"], str):
            data["approved_on"] = parse_date(data["approved_on"])
        changed = data["status_changed_at"]
        if isinstance(changed, str):
            changed = parse_datetime(changed)
        if changed.tzinfo is None:
            changed = changed.replace(tzinfo=UTC)
        data["status_changed_at"] = changed
    return data
