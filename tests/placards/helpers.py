"""Helpers shared by the placard tests, the permission matrix and the browser journey."""

from __future__ import annotations

import time
from datetime import date

from django.db import transaction
from django.utils import timezone

from approvals.models import Application
from approvals.signals import application_approved
from placards.models import Placard


def approve(enterprise, actor, *, headcount: int = 12, approved_at=None) -> Placard:
    """Create an approved application and send the approval signal inside one transaction, as the
    approvals services do; returns the placard the receiver issued."""
    with transaction.atomic():
        application = Application.objects.create(
            enterprise=enterprise, status=Application.Status.APPROVED, chain=Application.Chain.DUAL_SIGNATURE,
            requested_reopen_on=date(2020, 2, 15), returning_headcount=headcount, filed_by=actor,
            approved_at=approved_at or timezone.now(),
        )
        application_approved.send(sender=Application, application=application, actor=actor)
    return Placard.objects.get(application=application)



def wait_for(predicate, timeout: float = 60, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}")
