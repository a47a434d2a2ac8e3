"""The one way to record an audit entry. Services call it inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry
from .request_context import current


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


def _scrub(value):
    """``value`` without NUL characters (PostgreSQL text and jsonb refuse them; a query string may carry
    them), in nested dicts and lists too."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_scrub(k) if isinstance(k, str) else k: _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


def params_summary(params, *, max_keys: int = 20, max_length: int = 200) -> dict[str, str]:
    """A request's parameters as an entry keeps them (an export's filters): bounded in keys and length."""
    return {str(k)[:max_length]: str(v)[:max_length] for k, v in list(params.items())[:max_keys]}


def request_fields() -> dict[str, str]:
    """The request id, client address and path of the work under way (empty outside a request or a task
    a request caused): what every entry carries, bulk-written ones too."""
    ctx = current()
    if ctx is None:
        return {"request_id": "", "address": "", "path": ""}
    return {"request_id": _scrub(ctx.request_id)[:64], "address": _scrub(ctx.address)[:64],
            "path": _scrub(ctx.path)[:300]}


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    post: str = "",
    enterprise=None,
    target_repr: str = "",
    with_post: bool = True,
) -> AuditEntry:
    """One entry. ``target`` may be None for an event of no object (a failed login, a refused page, an
    export of a list): ``target_repr`` then says what it was about. The request id, the address and the
    path come from the request context by themselves. ``with_post=False`` leaves the actor's post out
    (a sign-in: the person, before any page has worked out their scope)."""
    if enterprise is None and target is not None and target._meta.label == "enterprises.Enterprise":
        enterprise = target
    if with_post and not post and actor is not None and getattr(actor, "pk", None):
        post = actor.post_label()
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        post=_scrub(post)[:120],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        target_repr=_scrub(target_repr or (str(target) if target is not None else ""))[:300],
        enterprise=enterprise,
        before=_scrub(before),
        after=_scrub(after),
        reason=_scrub(reason),
        **request_fields(),
    )
