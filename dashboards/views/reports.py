"""The daily reports: the list (the task force sees the district's, a street its own), download as .xlsx
or PDF, and making today's on demand."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import roles_required
from accounts.models import Role
from accounts.scope import scope_for

from ..models import DailyReport
from ..services.reports import daily_report_make, date_cn, pdf_bytes, xlsx_bytes
from ..services.summaries import street_scope

REPORT_ROLES = (Role.TASK_FORCE, Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR)
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def _own_scope(user) -> str | None:
    """None for the district (the stored files); a street's scope key for its officials."""
    scope = scope_for(user)
    if scope.district:
        return None
    return street_scope(min(scope.jurisdiction_ids)) if scope.jurisdiction_ids else "-"


@roles_required(*REPORT_ROLES)
@require_GET
def report_list(request):
    reports = list(DailyReport.objects.order_by("-day")[:90])
    return render(request, "dashboards/reports.html", {
        "reports": reports, "district": _own_scope(request.user) is None, "date_cn": date_cn})


@roles_required(*REPORT_ROLES)
@require_GET
def report_file(request, pk: int, fmt: str):
    if fmt not in MIME:
        raise Http404(_("没有这种格式。"))
    report = DailyReport.objects.filter(pk=pk).first()
    if report is None:
        raise Http404(_("找不到该日报。"))
    only = _own_scope(request.user)
    name = f"日报-{report.day.isoformat()}.{fmt}"
    if only is None:
        return FileResponse(getattr(report, fmt).open("rb"), as_attachment=True, filename=name,
                            content_type=MIME[fmt])
    if not any(s["key"] == only for s in report.data.get("scopes", [])):
        raise Http404(_("找不到该日报。"))
    body = xlsx_bytes(report.data, only=only) if fmt == "xlsx" else pdf_bytes(report.data, only=only)
    response = HttpResponse(body, content_type=MIME[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''daily-{report.day.isoformat()}.{fmt}"
    return response


@roles_required(Role.TASK_FORCE)
@require_POST
def report_make(request):
    report = daily_report_make(actor=request.user)
    messages.success(request, _("已生成%(day)s的日报。") % {"day": report.day.isoformat()})
    return redirect("reports")
