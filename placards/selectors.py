"""Reads of placards, scoped to the user (out of scope → does not exist)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role
from accounts.scope import scope_for

from .models import Placard

# Who may see and print placards (DESIGN §3): street staff, secretary, director of the own street;
# the task force everywhere.
PRINT_ROLES = (Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR, Role.TASK_FORCE)
STATUS_ROLES = (Role.TASK_FORCE,)


def can_print(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or scope_for(user).role in PRINT_ROLES))


def can_change_status(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or scope_for(user).role in STATUS_ROLES))


def placards_visible(user) -> QuerySet[Placard]:
    """Placards the user may see and print: none for roles without that business."""
    qs = Placard.objects.select_related("enterprise", "enterprise__jurisdiction")
    if not can_print(user):
        return qs.none()
    q = scope_for(user).enterprise_q(prefix="enterprise__")
    return qs if q is None else qs.filter(q)


def placard_get(user, pk: int) -> Placard:
    return placards_visible(user).get(pk=pk)
