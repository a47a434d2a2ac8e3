"""The dashboards: the task force's (the district), a street's and a department's — read from the summary
tables (two queries), every figure with its definition card, its "截至" time and a link to the list behind
it; charts by ECharts with their numbers as tables. Refresh on demand; the lists behind and their export."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import roles_required
from approvals.models import Application, Step
from approvals.selectors import applications_visible
from enterprises.choices import Category, Scale
from enterprises.models import Enterprise
from inspections.models import FindingCategory
from liaisons.selectors import problems_visible
from zhifu_reopen.audit import audit_record, params_summary
from zhifu_reopen.export import xlsx_build, xlsx_filename, xlsx_response
from zhifu_reopen.params import BadParameter, choice_param, int_param

from .. import drill
from ..indicators import BY_KEY, INDICATORS
from ..models import Summary, SummaryDay, SummaryRefresh
from ..scopes import DASHBOARD_ROLES, view_for
from ..services.summaries import summaries_refresh

PAGE_SIZE = 50
EXPORT_MAX = 100_000


def freshness(summary: Summary | None, last: SummaryRefresh | None, now) -> dict:
    """As of when the figures were computed, and whether that is older than the refresh allows."""
    limit = dt.timedelta(seconds=2 * settings.DASHBOARDS_REFRESH_SECONDS)
    at = summary.computed_at if summary else None
    return {"at": at, "stale": at is None or now - at > limit,
            "failed_at": last.started_at if last is not None and not last.ok else None}


def _change(today: dict, yesterday: dict | None, key: str):
    if not yesterday or today.get(key) is None or yesterday.get(key) is None:
        return None
    return round(today[key] - yesterday[key], 1)


@roles_required(*DASHBOARD_ROLES)
@require_GET
def dashboard(request):
    view = view_for(request.user, request.GET)
    now = timezone.now()
    summary = Summary.objects.filter(scope=view.key).first()
    last = SummaryRefresh.objects.filter(finished_at__isnull=False).first()
    data = summary.data if summary else {}
    kpi = data.get("kpi", {})
    yesterday = (SummaryDay.objects.filter(scope=view.key, day=timezone.localdate(now) - dt.timedelta(days=1))
                 .values_list("kpi", flat=True).first())
    trend = data.get("trend", [])
    chart = {
        "ranking": [[r[1], r[4] or 0] for r in data.get("ranking", [])],
        "category": [[str(Category(c).label), v[0], v[1]] for c, v in data.get("by_category", {}).items()],
        "funnel": [[str(funnel_label(k)), n] for k, n in data.get("funnel", [])],
        "trend": [[d[5:], a, r] for d, a, r in trend],
        "labels": {"rate": _("复工率（%）"), "registered": _("登记"), "reopened": _("已复工"),
                   "approvals": _("当日通过"), "reopenings": _("当日复工")},
    }
    return render(request, "dashboards/dashboard.html", {
        "view": view, "data": data, "kpi": kpi, "fresh": freshness(summary, last, now), "indicators": BY_KEY,
        "cards": INDICATORS, "chart_json": json.dumps(chart, ensure_ascii=False).replace("<", "\\u003c"),
        "changes": {k: _change(kpi, yesterday, k) for k in ("reopen_rate", "return_rate", "coverage",
                                                             "daily_completeness")},
        "step_labels": dict(Step.choices), "status_labels": dict(Application.Status.choices),
        "category_labels": dict(Category.choices), "scale_labels": dict(Scale.choices),
        "finding_labels": dict(FindingCategory.choices), "funnel_label": funnel_label,
        "query": view_query(view), "refresh_seconds": settings.DASHBOARDS_REFRESH_SECONDS,
    })


def funnel_label(key: str) -> str:
    labels = {"registered": _("登记"), "visited": _("走访"), "applied": _("申请"), "approved": _("准予复工"),
              "placard": _("公示牌"), "reopened": _("复工")}
    if key.startswith("step_"):
        return str(Step(key[5:]).label)
    return str(labels.get(key, key))


def view_query(view) -> str:
    if view.street is not None:
        return f"street={view.street.pk}"
    if view.department is not None:
        return f"department={view.department.pk}"
    return ""


@roles_required(*DASHBOARD_ROLES)
@require_POST
def refresh(request):
    log = summaries_refresh()
    if log.ok:
        messages.success(request, _("统计已刷新（用时%(s).1f秒）。") % {"s": log.seconds})
    else:
        messages.error(request, _("统计刷新失败，仍显示上次的数据。"))
    query = view_query(view_for(request.user, request.POST))
    return redirect(f"{reverse('dashboard')}?{query}" if query else reverse("dashboard"))


def _list_params(request):
    view = view_for(request.user, request.GET)
    category = choice_param(request.GET, "category", Category.values)
    scale = choice_param(request.GET, "scale", Scale.values)
    return view, category, scale


def _list_rows(request, key: str):
    list_def = drill.LISTS.get(key)
    if list_def is None:
        raise BadParameter("list", _("没有这个清单。"))
    view, category, scale = _list_params(request)
    base = {"enterprise": Enterprise.objects.visible_to(request.user),
            "application": applications_visible(request.user),
            "problem": problems_visible(request.user)}[list_def.kind]
    if view.department is not None:
        prefix = "" if list_def.kind == "enterprise" else "enterprise__"
        base = base.filter(**{f"{prefix}department_id": view.department.pk})
    qs = drill.rows(list_def, base, street=view.street.pk if view.street else None, category=category,
                    scale=scale, now=timezone.now())
    return list_def, view, category, scale, qs


@roles_required(*DASHBOARD_ROLES)
@require_GET
def list_view(request, key: str):
    list_def, view, category, scale, qs = _list_rows(request, key)
    page = int_param(request.GET, "page", default=1, min_value=1, max_value=100_000)
    start = (page - 1) * PAGE_SIZE
    found = list(qs[start:start + PAGE_SIZE + 1])
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "dashboards/list.html", {
        "list": list_def, "view": view, "rows": [drill.cells(list_def.kind, o) for o in found[:PAGE_SIZE]],
        "objects": found[:PAGE_SIZE], "columns": drill.columns(list_def.kind), "count": qs.count(), "page": page,
        "has_next": len(found) > PAGE_SIZE, "params": params.urlencode(), "category": category, "scale": scale,
        "categories": Category.choices, "scales": Scale.choices, "key": key,
    })


@roles_required(*DASHBOARD_ROLES)
@require_GET
def list_export(request, key: str):
    list_def, view, _category, _scale, qs = _list_rows(request, key)

    counted = [0]

    def rows():
        for obj in qs[:EXPORT_MAX].iterator(chunk_size=2000):
            counted[0] += 1
            yield drill.cells(list_def.kind, obj)

    file = xlsx_build([str(c) for c in drill.columns(list_def.kind)], rows(), title=str(list_def.title),
                      text_columns=(1,) if list_def.kind == "enterprise" else ())
    audit_record(actor=request.user, action="dashboard.export", target_repr=f"{view.title}-{list_def.title}",
                 after={"list": key, "rows": counted[0], "filters": params_summary(request.GET)})
    return xlsx_response(file, xlsx_filename(f"{view.title}-{list_def.title}"))


