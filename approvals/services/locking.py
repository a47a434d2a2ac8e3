"""The row lock every approvals service takes first (its own module: the deadline services and the
decision services both use it)."""

from __future__ import annotations

from ..models import Application


def application_lock(application: Application | int) -> Application:
    """Re-read the row under ``SELECT … FOR UPDATE``: two officials acting at once are serialised and
    the second sees the first one's outcome."""
    pk = application if isinstance(application, int) else application.pk
    return Application.objects.select_for_update(of=("self",)).select_related(
        "enterprise", "jurisdiction", "department"
    ).get(
        pk=pk
    )
