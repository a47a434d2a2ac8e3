"""The audit trail of personal data read: each unmasked view of a roster and each export of one.
Counts only: the data itself never goes to the trail."""

from __future__ import annotations

from django.db import transaction

from zhifu_reopen.audit import audit_record
from zhifu_reopen.pii import blind_index

from ..models import Application, ReturningEmployee


def roster_view_record(*, user, application: Application, count: int) -> None:
    """A reviewer saw ``count`` employees of the roster unmasked (the application page)."""
    if count:
        audit_record(actor=user, action="roster.view_unmasked", target=application,
                     enterprise=application.enterprise, after={"employees": count})


def roster_export_record(*, user, application: Application, count: int, unmasked: bool) -> None:
    audit_record(actor=user, action="roster.export", target=application, enterprise=application.enterprise,
                 after={"employees": count, "unmasked": unmasked})


ENCRYPTED_FIELDS = ["name", "id_number", "mobile", "residence", "travel_history", "health_status"]


def personal_data_rotate(*, batch_size: int = 500, progress=None) -> int:
    """Re-encrypt every returning employee under the first key of PII_KEYS and recompute the blind
    index under PII_INDEX_KEY, one locked batch per transaction (rows are never half-rotated; a run
    stopped midway is simply run again). Returns the number of rows rewritten."""
    done, last = 0, 0
    while True:
        with transaction.atomic():
            batch = list(ReturningEmployee.objects.select_for_update().filter(pk__gt=last).order_by("pk")
                         [:batch_size])
            if not batch:
                return done
            for employee in batch:
                employee.id_index = blind_index(employee.id_number)
            # Saving the decrypted values encrypts them afresh under the first key.
            ReturningEmployee.objects.bulk_update(batch, [*ENCRYPTED_FIELDS, "id_index"])
        done += len(batch)
        last = batch[-1].pk
        if progress is not None:
            progress(done)
