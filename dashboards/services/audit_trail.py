"""The audit trail as the task force and the district administrator search it: filters (actor, action,
target, enterprise, date range, request id), newest first with keyset pagination, and an .xlsx export of
the filtered result on a background job, which is itself recorded (``audit.export``)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record
from zhifu_reopen.audit_display import action_label
from zhifu_reopen.export import xlsx_build, xlsx_filename
from zhifu_reopen.jobs import job_create, job_enqueue, job_finish, job_progress, job_running
from zhifu_reopen.models import AuditEntry
from zhifu_reopen.params import BadParameter, cursor_encode, id_param, text_param

EXPORT_TASK = "dashboards.audit_export"
EXPORT_MAX_ROWS = 200_000
PAGE_SIZE = 50
ACTION_RE = re.compile(r"[a-z_]+(\.[a-z_]+)*\.?")
TARGET_RE = re.compile(r"(?P<type>[a-z_]+\.[a-z_]+):(?P<id>\d{1,18})")


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # username
    action: str = ""  # a code, or a prefix ending in "." (``application.`` …)
    target: str = ""  # ``app.model:id``, an id, or words of the target's label
    enterprise: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    request_id: str = ""

    @classmethod
    def from_params(cls, params) -> AuditFilters:
        action = text_param(params, "action", max_length=64)
        if action and not ACTION_RE.fullmatch(action):
            raise BadParameter("action", _("动作代码只能由小写字母、下划线和点组成。"))
        date_from, date_to = _day(params, "date_from"), _day(params, "date_to")
        if date_from and date_to and date_from > date_to:
            raise BadParameter("date_to", _("结束日期不能早于开始日期。"))
        return cls(
            actor=text_param(params, "actor", max_length=150), action=action,
            target=text_param(params, "target", max_length=300), enterprise=id_param(params, "enterprise"),
            date_from=date_from, date_to=date_to, request_id=text_param(params, "request_id", max_length=64),
        )

    def as_params(self) -> dict:
        data = asdict(self)
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items() if v not in ("", None)}


def _day(params, name: str) -> date | None:
    value = text_param(params, name, max_length=20)
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, _("日期“%(value)s”无效，请按“年-月-日”填写。") % {"value": value}) from None
    if day.year < 2000:
        raise BadParameter(name, _("日期“%(value)s”无效，请按“年-月-日”填写。") % {"value": value})
    return day


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries_filter(filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The filtered trail, newest first. Every entry of the district: only the task force and the
    district administrator reach it (the views' ``roles_required``)."""
    qs = AuditEntry.objects.select_related("actor")
    if filters.actor:
        qs = qs.filter(actor__username=filters.actor)
    if filters.action:
        qs = (qs.filter(action__startswith=filters.action) if filters.action.endswith(".")
              else qs.filter(action=filters.action))
    if filters.target:
        match = TARGET_RE.fullmatch(filters.target)
        if match:
            qs = qs.filter(target_type=match["type"], target_id=int(match["id"]))
        elif filters.target.isascii() and filters.target.isdigit() and len(filters.target) <= 18:
            qs = qs.filter(target_id=int(filters.target))
        else:
            qs = qs.filter(target_repr__icontains=filters.target)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.date_from:
        qs = qs.filter(created_at__gte=_moment(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_moment(filters.date_to + timedelta(days=1)))
    if filters.request_id:
        qs = qs.filter(request_id=filters.request_id)
    return qs.order_by("-created_at", "-id")


def audit_page(filters: AuditFilters, after: tuple | None) -> tuple[list[AuditEntry], str]:
    """One page, newest first, after the cursor ``(created_at, id)``; and the next page's cursor ("" at
    the end)."""
    qs = audit_entries_filter(filters)
    if after is not None:
        at, pk = after
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
    rows = list(qs[:PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (cursor_encode(rows[-1].created_at, rows[-1].pk) if more and rows else "")


EXPORT_HEADERS = ["时间", "操作人", "岗位", "动作", "动作代码", "对象类型", "对象编号", "对象", "企业编号",
                  "理由/意见", "变更前", "变更后", "请求编号", "来源地址", "请求路径"]


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _rows(filters: AuditFilters, counter: list, progress=None):
    qs = audit_entries_filter(filters)[:EXPORT_MAX_ROWS]
    for entry in qs.iterator(chunk_size=2000):
        counter[0] += 1
        yield (entry.created_at, entry.actor.username if entry.actor_id else "", entry.post,
               action_label(entry.action), entry.action, entry.target_type, entry.target_id, entry.target_repr,
               entry.enterprise_id, entry.reason, _json(entry.before), _json(entry.after), entry.request_id,
               entry.address, entry.path)


def audit_export_start(*, user, filters: AuditFilters):
    with transaction.atomic():
        job = job_create(kind="audit_export", user=user, params={"filters": filters.as_params()})
        job_enqueue(job, EXPORT_TASK)
    return job


def audit_export_job_run(job_id: int) -> None:
    """Body of the export task: the filtered trail as .xlsx on the job, and an ``audit.export`` entry
    (carrying the id of the request that asked for it)."""
    with job_running(job_id) as job:
        if job is None:
            return
        user = get_user_model().objects.get(pk=job.created_by_id)
        filters = AuditFilters.from_params(job.params.get("filters", {}))
        total = audit_entries_filter(filters).count()
        job_progress(job_id, 0, min(total, EXPORT_MAX_ROWS))
        counter = [0]
        headers = [_(h) for h in EXPORT_HEADERS]
        output = xlsx_build(headers, _rows(filters, counter), title=_("操作记录"),
                            widths=[18, 14, 20, 24, 24, 20, 10, 30, 10, 30, 40, 40, 34, 16, 30],
                            progress=lambda n: job_progress(job_id, n))
        name = xlsx_filename(_("操作记录"))
        try:
            with transaction.atomic():
                audit_record(actor=user, action="audit.export", target=job, target_repr=_("操作记录"),
                             after={"rows": counter[0], "filters": filters.as_params()})
                job_finish(job, result={"summary": _("已导出%(n)d条操作记录。") % {"n": counter[0]},
                                        "filename": name}, output_name=name, output=File(output, name=name))
        finally:
            output.close()
