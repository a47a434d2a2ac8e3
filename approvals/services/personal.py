"""The audit trail of personal data read: each unmasked view of a roster and each export of one.
Counts only: the data itself never goes to the trail."""

from __future__ import annotations

from zhifu_reopen.audit import audit_record

from ..models import Application


def roster_view_record(*, user, application: Application, count: int) -> None:
    """A reviewer saw ``count`` employees of the roster unmasked (the application page)."""
    if count:
        audit_record(actor=user, action="roster.view_unmasked", target=application,
                     enterprise=application.enterprise, after={"employees": count})


def roster_export_record(*, user, application: Application, count: int, unmasked: bool) -> None:
    audit_record(actor=user, action="roster.export", target=application, enterprise=application.enterprise,
                 after={"employees": count, "unmasked": unmasked})
