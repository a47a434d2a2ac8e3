"""The audit trail search (the task force, the district administrator): filters, newest first with
keyset pagination, and the export of the filtered result (a background job; its page offers the file)."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.http import roles_required
from accounts.models import Role
from zhifu_reopen.audit_display import ACTION_LABELS, entries_present
from zhifu_reopen.params import cursor_param

from ..services.audit_trail import AuditFilters, audit_export_start, audit_page

AUDIT_ROLES = (Role.TASK_FORCE, Role.DISTRICT_ADMIN)


@roles_required(*AUDIT_ROLES)
@require_GET
def audit_trail(request):
    filters = AuditFilters.from_params(request.GET)
    after = cursor_param(request.GET, "after", datetime, int)
    rows, next_cursor = audit_page(filters, after)
    params = request.GET.copy()
    params.pop("after", None)
    return render(request, "dashboards/audit.html", {
        "filters": filters, "entries": entries_present(rows), "next_cursor": next_cursor,
        "params": params.urlencode(), "first_page": after is None,
        "actions": sorted((code, str(label)) for code, label in ACTION_LABELS.items()),
    })


@roles_required(*AUDIT_ROLES)
@require_POST
def audit_export(request):
    """The filters of the query string (what the page shows) to an .xlsx job."""
    job = audit_export_start(user=request.user, filters=AuditFilters.from_params(request.GET))
    return redirect("jobs:detail", job.pk)
