"""The one way to record an audit entry. Services call it inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of a model's concrete field values (FKs as ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(instance, field.attname)
        if value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        data[field.name] = value
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k) and k not in ("updated_at",)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    post: str = "",
    enterprise=None,
) -> AuditEntry:
    if enterprise is None and target._meta.label == "enterprises.Enterprise":
        enterprise = target
    if not post and actor is not None and getattr(actor, "pk", None):
        post = actor.post_label()
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        post=post[:120],
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        target_repr=str(target)[:300],
        enterprise=enterprise,
        before=before,
        after=after,
        reason=reason,
    )
