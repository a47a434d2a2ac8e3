"""seed_demo step: every approved demo application has its placard (issued through the service, so
numbering, audit and the render job are the real ones)."""

from __future__ import annotations

from django.db import transaction

from approvals.models import Application

from .services import placard_issue


def seed_placards(stdout) -> None:
    missing = (
        Application.objects.filter(status=Application.Status.APPROVED, placard__isnull=True)
        .select_related("enterprise").order_by("approved_at", "id")
    )
    count = 0
    for application in missing.iterator():
        with transaction.atomic():
            placard_issue(application=application, actor=None)
        count += 1
    stdout.write(f"已为 {count} 份已通过的申请发放公示牌。")
