"""Scopes shared by the liaison tables: the liaison's assigned firms and the firm's own account."""

from __future__ import annotations

from enterprises.models import LiaisonAssignment


def enterprise_id_of(obj) -> int | None:
    return getattr(obj, "enterprise_id", None) if not hasattr(obj, "credit_code") else obj.pk


def scope_assigned(table, user, scope, obj, ctx) -> bool:
    """The enterprise is one the liaison serves now."""
    enterprise_id = enterprise_id_of(obj)
    return bool(scope.liaison_user_id) and enterprise_id is not None and LiaisonAssignment.objects.filter(
        liaison_id=scope.liaison_user_id, enterprise_id=enterprise_id, ended_at__isnull=True).exists()


def scope_own(table, user, scope, obj, ctx) -> bool:
    """The firm's own account, on its own enterprise."""
    return enterprise_id_of(obj) in scope.enterprise_ids
