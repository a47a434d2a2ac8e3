"""The summary refresh: every figure of ``dashboards.indicators`` for the district, each street and each
department, computed from the raw rows in a dozen grouped queries (each grouped by street and
department, so any scope is a sum of its groups) and written as one ``Summary`` row per scope. Celery
beat runs it every few minutes; a street or the task force runs it on demand. A refresh that fails
writes nothing but its failure: the pages keep the previous figures and say how old they are."""

from __future__ import annotations

import datetime as dt
import logging
import statistics
import time
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from approvals.models import Application, Step
from enterprises.choices import Category, OperatingStatus
from enterprises.models import Enterprise
from inspections.models import Finding, Inspection, RectificationOrder, StopWork
from liaisons.models import DailyLog, Problem, daily_regime_q
from org.models import Community, Department, Grid, Jurisdiction
from placards.models import Placard
from zhifu_reopen.models import AuditEntry

from ..indicators import SURVEY_DAYS
from ..models import Summary, SummaryDay, SummaryRefresh

logger = logging.getLogger(__name__)
TREND_DAYS = 30
OPEN = (Application.Status.SUBMITTED, Application.Status.IN_REVIEW)
DISTRICT = "district"


def street_scope(pk: int) -> str:
    return f"street:{pk}"


def department_scope(pk: int) -> str:
    return f"department:{pk}"


class Groups:
    """Counters keyed by (street, department): a scope's figure is the sum over its keys."""

    def __init__(self):
        self.rows: dict[tuple, dict] = defaultdict(lambda: defaultdict(float))

    def add(self, jurisdiction_id, department_id, key: str, value) -> None:
        if value:
            self.rows[(jurisdiction_id, department_id)][key] += value

    def total(self, keep) -> dict:
        out: dict = defaultdict(float)
        for (j, d), values in self.rows.items():
            if keep(j, d):
                for key, value in values.items():
                    out[key] += value
        return out


def _share(num, den) -> float | None:
    return round(100.0 * num / den, 1) if den else None


def collect(now: dt.datetime) -> tuple[Groups, list, list]:
    """Every grouped count, and the raw lists some figures need (problem durations, community rows)."""
    g = Groups()
    today = timezone.localdate(now)
    cutoff = today - dt.timedelta(days=SURVEY_DAYS - 1)
    trend_start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=TREND_DAYS - 1), dt.time()))
    reopened = Q(operating_status=OperatingStatus.REOPENED)
    for r in (Enterprise.objects.exclude(operating_status=OperatingStatus.CEASED)
              .values("jurisdiction_id", "department_id", "category", "scale", "operating_status")
              .annotate(n=Count("id"), staff=Sum("employee_count"),
                        surveyed=Count("id", filter=Q(last_visited_on__gte=cutoff)),
                        visited=Count("id", filter=Q(last_visited_on__isnull=False)),
                        output=Count("id", filter=Q(output_over_100m=True)),
                        regime=Count("id", filter=daily_regime_q())).order_by()):
        j, d, is_reopened = r["jurisdiction_id"], r["department_id"], r["operating_status"] == OperatingStatus.REOPENED
        g.add(j, d, "registered", r["n"])
        g.add(j, d, "surveyed", r["surveyed"])
        g.add(j, d, "visited", r["visited"])
        g.add(j, d, f"cat_{r['category']}_registered", r["n"])
        g.add(j, d, f"scale_{r['scale']}_registered", r["n"])
        g.add(j, d, f"status_{r['operating_status']}", r["n"])
        g.add(j, d, "output_total", r["output"])
        g.add(j, d, "daily_required", r["regime"])
        if r["category"] == Category.KEY_BACKBONE:
            g.add(j, d, "key_total", r["n"])
        if is_reopened:
            g.add(j, d, "reopened", r["n"])
            g.add(j, d, "staff_reopened", r["staff"] or 0)
            g.add(j, d, f"cat_{r['category']}_reopened", r["n"])
            g.add(j, d, f"scale_{r['scale']}_reopened", r["n"])
            g.add(j, d, "output_reopened", r["output"])
            if r["category"] == Category.KEY_BACKBONE:
                g.add(j, d, "key_reopened", r["n"])
    for r in (Application.objects.values("jurisdiction_id", "department_id", "status", "current_step")
              .annotate(n=Count("id"),
                        late=Count("id", filter=Q(status__in=OPEN, step_deadline__lt=now)),
                        late1=Count("id", filter=Q(status__in=OPEN, step_deadline__lt=now,
                                                   step_deadline__gte=now - dt.timedelta(days=1))),
                        late3=Count("id", filter=Q(status__in=OPEN, step_deadline__lt=now - dt.timedelta(days=3))))
              .order_by()):
        j, d = r["jurisdiction_id"], r["department_id"]
        g.add(j, d, f"app_{r['status']}", r["n"])
        if r["status"] in OPEN:
            g.add(j, d, "in_review", r["n"])
            g.add(j, d, f"step_{r['current_step']}", r["n"])
            g.add(j, d, "overdue", r["late"])
            g.add(j, d, f"overdue_{r['current_step']}", r["late"])
            g.add(j, d, "overdue_lt1", r["late1"])
            g.add(j, d, "overdue_gt3", r["late3"])
            g.add(j, d, "overdue_1to3", r["late"] - r["late1"] - r["late3"])
    for r in (Application.objects.values("jurisdiction_id", "department_id")
              .annotate(applied=Count("enterprise", distinct=True, filter=Q(submitted_at__isnull=False)),
                        approved=Count("enterprise", distinct=True, filter=Q(status=Application.Status.APPROVED)),
                        returning=Sum("returning_headcount", filter=Q(status=Application.Status.APPROVED,
                                                                     enterprise__operating_status=OperatingStatus.REOPENED)))
              .order_by()):
        j, d = r["jurisdiction_id"], r["department_id"]
        g.add(j, d, "applied", r["applied"])
        g.add(j, d, "approved", r["approved"])
        g.add(j, d, "returning", r["returning"] or 0)
    for r in (Placard.objects.values("enterprise__jurisdiction_id", "enterprise__department_id", "status")
              .annotate(n=Count("id"), firms=Count("enterprise", distinct=True)).order_by()):
        j, d = r["enterprise__jurisdiction_id"], r["enterprise__department_id"]
        g.add(j, d, f"placards_{r['status']}", r["n"])
        if r["status"] == Placard.Status.VALID:
            g.add(j, d, "placard_firms", r["firms"])
    for r in (Inspection.objects.values("enterprise__jurisdiction_id", "enterprise__department_id")
              .annotate(n=Count("id")).order_by()):
        g.add(r["enterprise__jurisdiction_id"], r["enterprise__department_id"], "inspections", r["n"])
    for r in (Finding.objects.values("enterprise__jurisdiction_id", "enterprise__department_id", "category")
              .annotate(n=Count("id")).order_by()):
        j, d = r["enterprise__jurisdiction_id"], r["enterprise__department_id"]
        g.add(j, d, "findings", r["n"])
        g.add(j, d, f"finding_{r['category']}", r["n"])
    for r in (RectificationOrder.objects.values("enterprise__jurisdiction_id", "enterprise__department_id", "status")
              .annotate(n=Count("id"), late=Count("id", filter=Q(status=RectificationOrder.Status.OPEN,
                                                                   due_on__lt=today))).order_by()):
        j, d = r["enterprise__jurisdiction_id"], r["enterprise__department_id"]
        g.add(j, d, f"orders_{r['status']}", r["n"])
        g.add(j, d, "orders_overdue", r["late"])
    for r in (StopWork.objects.filter(status=StopWork.Status.ACTIVE)
              .values("enterprise__jurisdiction_id", "enterprise__department_id")
              .annotate(firms=Count("enterprise", distinct=True)).order_by()):
        g.add(r["enterprise__jurisdiction_id"], r["enterprise__department_id"], "stop_works", r["firms"])
    for r in Problem.objects.values("jurisdiction_id", "department_id", "status").annotate(n=Count("id")).order_by():
        j, d = r["jurisdiction_id"], r["department_id"]
        g.add(j, d, f"problem_status_{r['status']}", r["n"])
        if r["status"] != Problem.Status.RESOLVED:
            g.add(j, d, "problems_open", r["n"])
    durations = list(Problem.objects.filter(status=Problem.Status.RESOLVED, resolved_at__isnull=False)
                     .annotate(took=F("resolved_at") - F("created_at"))
                     .values_list("jurisdiction_id", "department_id", "took"))
    for r in (DailyLog.objects.filter(day=today, enterprise__in=Enterprise.objects.filter(daily_regime_q()))
              .values("enterprise__jurisdiction_id", "enterprise__department_id").annotate(n=Count("id")).order_by()):
        g.add(r["enterprise__jurisdiction_id"], r["enterprise__department_id"], "daily_logged", r["n"])
    tz = timezone.get_current_timezone()
    for r in (Application.objects.filter(approved_at__gte=trend_start)
              .annotate(day=TruncDate("approved_at", tzinfo=tz)).values("jurisdiction_id", "department_id", "day")
              .annotate(n=Count("id")).order_by()):
        g.add(r["jurisdiction_id"], r["department_id"], f"approvals_{r['day'].isoformat()}", r["n"])
    for r in (AuditEntry.objects.filter(action="enterprise.reopen_approved", created_at__gte=trend_start)
              .annotate(day=TruncDate("created_at", tzinfo=tz))
              .values("enterprise__jurisdiction_id", "enterprise__department_id", "day").annotate(n=Count("id"))
              .order_by()):
        g.add(r["enterprise__jurisdiction_id"], r["enterprise__department_id"], f"reopenings_{r['day'].isoformat()}",
              r["n"])
    places = list(Enterprise.objects.exclude(operating_status=OperatingStatus.CEASED)
                  .values("jurisdiction_id", "community_id", "grid_id")
                  .annotate(n=Count("id"), reopened=Count("id", filter=reopened)).order_by())
    return g, durations, places


def _median_hours(durations, keep) -> float | None:
    values = [took.total_seconds() / 3600 for j, d, took in durations if keep(j, d)]
    return round(statistics.median(values), 1) if values else None


def figures(t: dict, *, today: dt.date, median_hours) -> dict:
    """One scope's figures from its summed counters."""
    n = lambda key: int(t.get(key, 0))  # noqa: E731
    registered, reopened = n("registered"), n("reopened")
    kpi = {
        "registered": registered, "surveyed": n("surveyed"), "coverage": _share(n("surveyed"), registered),
        "visited": n("visited"), "applied": n("applied"), "in_review": n("in_review"), "approved": n("approved"),
        "placards_valid": n("placards_valid"), "placards_suspended": n("placards_suspended"),
        "placards_revoked": n("placards_revoked"), "placard_firms": n("placard_firms"),
        "reopened": reopened, "reopen_rate": _share(reopened, registered),
        "returning": n("returning"), "staff_reopened": n("staff_reopened"),
        "return_rate": _share(n("returning"), n("staff_reopened")),
        "key_total": n("key_total"), "key_reopened": n("key_reopened"),
        "key_rate": _share(n("key_reopened"), n("key_total")),
        "output_total": n("output_total"), "output_reopened": n("output_reopened"),
        "output_rate": _share(n("output_reopened"), n("output_total")),
        "overdue_steps": n("overdue"), "inspections": n("inspections"), "findings": n("findings"),
        "orders_open": n("orders_open"), "orders_closed": n("orders_closed"), "orders_escalated": n("orders_escalated"),
        "orders_overdue": n("orders_overdue"), "stop_works": n("stop_works"),
        "problems_open": n("problems_open"), "problems_resolved": n("problem_status_resolved"),
        "problems_escalated": n("problem_status_escalated"), "problem_median_hours": median_hours,
        "daily_required": n("daily_required"), "daily_logged": n("daily_logged"),
        "daily_completeness": _share(n("daily_logged"), n("daily_required")),
    }
    days = [today - dt.timedelta(days=i) for i in range(TREND_DAYS - 1, -1, -1)]
    return {
        "kpi": kpi,
        "apps_by_status": {s: n(f"app_{s}") for s in Application.Status.values},
        "by_step": {s: n(f"step_{s}") for s in Step.values},
        "overdue_by_step": {s: n(f"overdue_{s}") for s in Step.values},
        "overdue_by_age": {"lt1": n("overdue_lt1"), "1to3": n("overdue_1to3"), "gt3": n("overdue_gt3")},
        "findings_by_category": {k[len("finding_"):]: int(v) for k, v in t.items() if k.startswith("finding_")},
        "by_category": {c: [n(f"cat_{c}_registered"), n(f"cat_{c}_reopened")] for c in Category.values},
        "by_scale": {s: [n(f"scale_{s}_registered"), n(f"scale_{s}_reopened")] for s in ("large", "small", "venue")},
        "funnel": [["registered", registered], ["visited", n("visited")], ["applied", n("applied")],
                   *[[f"step_{s}", n(f"step_{s}")] for s in Step.values], ["approved", n("approved")],
                   ["placard", n("placard_firms")], ["reopened", reopened]],
        "trend": [[d.isoformat(), n(f"approvals_{d.isoformat()}"), n(f"reopenings_{d.isoformat()}")] for d in days],
    }


def _ranking(rows: list[tuple], names: dict) -> list[list]:
    ranked = [[pk, names.get(pk, "—"), reg, rop, _share(rop, reg)] for pk, reg, rop in rows if reg]
    return sorted(ranked, key=lambda r: (-(r[4] or 0), r[1]))


def build(now: dt.datetime | None = None) -> dict[str, dict]:
    """Every scope's data, computed now (nothing written)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    g, durations, places = collect(now)
    streets = {j.pk: j.name for j in Jurisdiction.objects.all()}
    departments = {d.pk: d.name for d in Department.objects.all()}
    out: dict[str, dict] = {}
    keep_all = lambda j, d: True  # noqa: E731
    out[DISTRICT] = figures(g.total(keep_all), today=today, median_hours=_median_hours(durations, keep_all))
    by_street = []
    for pk in streets:
        keep = lambda j, d, pk=pk: j == pk  # noqa: E731
        data = figures(g.total(keep), today=today, median_hours=_median_hours(durations, keep))
        out[street_scope(pk)] = data
        by_street.append((pk, data["kpi"]["registered"], data["kpi"]["reopened"]))
    out[DISTRICT]["ranking"] = _ranking(by_street, streets)
    communities = {c.pk: c.name for c in Community.objects.all()}
    grids = {gr.pk: gr.name for gr in Grid.objects.all()}
    for pk in streets:
        mine = [p for p in places if p["jurisdiction_id"] == pk]
        agg_c: dict = defaultdict(lambda: [0, 0])
        agg_g: dict = defaultdict(lambda: [0, 0])
        for p in mine:
            for agg, key in ((agg_c, p["community_id"]), (agg_g, p["grid_id"])):
                if key is not None:
                    agg[key][0] += p["n"]
                    agg[key][1] += p["reopened"]
        out[street_scope(pk)]["ranking"] = _ranking([(k, v[0], v[1]) for k, v in agg_c.items()], communities)
        out[street_scope(pk)]["grids"] = _ranking([(k, v[0], v[1]) for k, v in agg_g.items()], grids)
    for pk in departments:
        keep = lambda j, d, pk=pk: d == pk  # noqa: E731
        data = figures(g.total(keep), today=today, median_hours=_median_hours(durations, keep))
        data["ranking"] = _ranking([(j, int(v.get("registered", 0)), int(v.get("reopened", 0)))
                                    for (j, d), v in g.rows.items() if d == pk], streets)
        out[department_scope(pk)] = data
    return out


def summaries_refresh(*, now=None, builder=build) -> SummaryRefresh:
    """Recompute and replace every scope's figures in one transaction; on failure keep them and record it."""
    now = now or timezone.now()
    log = SummaryRefresh.objects.create(started_at=now)
    start = time.perf_counter()
    try:
        data = builder(now)
        with transaction.atomic():
            existing = {s.scope: s for s in Summary.objects.select_for_update()}
            fresh, changed = [], []
            for scope, values in data.items():
                row = existing.get(scope)
                if row is None:
                    fresh.append(Summary(scope=scope, computed_at=now, data=values))
                else:
                    row.computed_at, row.data = now, values
                    changed.append(row)
            Summary.objects.bulk_create(fresh)
            Summary.objects.bulk_update(changed, ["computed_at", "data"], batch_size=200)
            SummaryDay.objects.bulk_create(
                [SummaryDay(scope=scope, day=timezone.localdate(now), kpi=values["kpi"]) for scope, values in data.items()],
                update_conflicts=True, unique_fields=["scope", "day"], update_fields=["kpi"])
    except Exception as exc:  # a refresh that fails keeps the previous figures; the pages say they are stale
        logger.exception("dashboards: summary refresh failed")
        log.error = f"{type(exc).__name__}: {exc}"[:300]
    else:
        log.ok = True
    log.finished_at = timezone.now()
    log.seconds = round(time.perf_counter() - start, 3)
    log.save()
    return log
