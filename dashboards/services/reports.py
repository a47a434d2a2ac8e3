"""The daily report (日报): each morning (``DASHBOARDS_DAILY_REPORT_HOUR``, 08:00) Celery beat makes the
day's report from fresh figures — the district's and each street's, with the change from the previous
report — as an .xlsx and as a PDF in formal style (dates as 2020年2月15日, counts with their unit, shares
to one decimal, changes in 个百分点, the Chinese font embedded). Made on demand too; kept and listed. A
street's own report is rendered from the same stored figures."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from org.models import Jurisdiction
from placards.pdf import ensure_font
from zhifu_reopen.audit import audit_record
from zhifu_reopen.export import xlsx_build

from ..models import DailyReport, Summary
from .summaries import DISTRICT, street_scope, summaries_refresh

# (key in kpi, label, unit; "%" = a share whose change is in 个百分点)
ROWS = [
    ("registered", "登记企业", "家"), ("coverage", "走访覆盖率", "%"), ("applied", "已申请企业", "家"),
    ("in_review", "审核中申请", "件"), ("approved", "准予复工企业", "家"), ("reopened", "已复工企业", "家"),
    ("reopen_rate", "复工率", "%"), ("return_rate", "复岗率", "%"), ("key_rate", "重点骨干企业复工率", "%"),
    ("output_rate", "产值超1亿元企业复工率", "%"), ("placards_valid", "有效公示牌", "块"),
    ("overdue_steps", "超时未办环节", "件"), ("inspections", "巡查", "次"), ("findings", "问题隐患", "条"),
    ("orders_open", "整改中", "份"), ("stop_works", "停工中企业", "家"), ("problems_open", "未解决诉求", "条"),
    ("problems_resolved", "已解决诉求", "条"), ("daily_completeness", "日检查日消毒完成率", "%"),
]


def date_cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def value_text(value, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}%" if unit == "%" else f"{int(value):,}{unit}"


def change_text(value, before, unit: str) -> str:
    if value is None or before is None:
        return "—"
    delta = value - before
    if unit == "%":
        return f"{'+' if delta > 0 else ''}{delta:.1f}个百分点"
    return f"{'+' if delta > 0 else ''}{int(delta):,}{unit}"


def report_data(day: dt.date) -> dict:
    """The figures of the day (district and streets) with the previous report's beside them."""
    summaries = {s.scope: s for s in Summary.objects.all()}
    previous = DailyReport.objects.filter(day__lt=day).order_by("-day").first()
    before = previous.data if previous else {}
    scopes = [(DISTRICT, "全区")] + [(street_scope(j.pk), j.name) for j in Jurisdiction.objects.order_by("code")]
    out = {"day": day.isoformat(), "previous_day": previous.day.isoformat() if previous else None, "scopes": []}
    for key, name in scopes:
        kpi = summaries[key].data.get("kpi", {}) if key in summaries else {}
        old = next((s["kpi"] for s in before.get("scopes", []) if s["key"] == key), {})
        out["scopes"].append({"key": key, "name": name, "kpi": {k: kpi.get(k) for k, _l, _u in ROWS},
                              "before": {k: old.get(k) for k, _l, _u in ROWS}})
    computed = [s.computed_at for s in summaries.values()]
    out["as_of"] = timezone.localtime(min(computed)).isoformat() if computed else None
    return out


def _table(scope: dict) -> list[list[str]]:
    return [[label, value_text(scope["kpi"][key], unit), change_text(scope["kpi"][key], scope["before"][key], unit)]
            for key, label, unit in ROWS]


def xlsx_bytes(data: dict, *, only: str | None = None) -> bytes:
    headers = ["范围", "指标", "数值", "较上期"]
    rows = [[s["name"], *line] for s in data["scopes"] if only in (None, s["key"]) for line in _table(s)]
    file = xlsx_build(headers, rows, title="日报", widths=[14, 24, 16, 16])
    return file.read()


def pdf_bytes(data: dict, *, only: str | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = ensure_font()
    day = dt.date.fromisoformat(data["day"])
    title = ParagraphStyle("t", fontName=font, fontSize=18, leading=26, alignment=1)
    sub = ParagraphStyle("s", fontName=font, fontSize=10.5, leading=16, alignment=1)
    head = ParagraphStyle("h", fontName=font, fontSize=13, leading=20)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"芝罘区企业复工复产日报（{date_cn(day)}）")
    story = [Paragraph("芝罘区企业复工复产工作日报", title),
             Paragraph(f"{date_cn(day)}　区复工复产工作专班", sub)]
    if data.get("as_of"):
        as_of = dt.datetime.fromisoformat(data["as_of"])
        story.append(Paragraph(f"数据截至{date_cn(as_of.date())}{as_of:%H:%M}"
                               + (f"，较上期（{date_cn(dt.date.fromisoformat(data['previous_day']))}）"
                                  if data.get("previous_day") else ""), sub))
    story.append(Spacer(1, 6 * mm))
    scopes = [s for s in data["scopes"] if only in (None, s["key"])]
    for i, scope in enumerate(scopes):
        story.append(Paragraph(scope["name"], head))
        table = Table([["指标", "数值", "较上期"], *_table(scope)], colWidths=[70 * mm, 45 * mm, 45 * mm])
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        story.append(table)
        if only is None and i == 0 and len(scopes) > 1:
            story.append(PageBreak())
        else:
            story.append(Spacer(1, 6 * mm))
    doc.build(story)
    return out.getvalue()


def daily_report_make(*, day: dt.date | None = None, actor=None, now=None) -> DailyReport:
    """Refresh the figures (as of ``now``) and (re)make the report of ``day`` (today by default)."""
    day = day or timezone.localdate(now)
    summaries_refresh(now=now)
    data = report_data(day)
    xlsx, pdf = xlsx_bytes(data), pdf_bytes(data)
    with transaction.atomic():
        report = DailyReport.objects.select_for_update().filter(day=day).first() or DailyReport(day=day)
        report.made_at, report.data = timezone.now(), data
        report.xlsx.save(f"daily-{day.isoformat()}.xlsx", ContentFile(xlsx), save=False)
        report.pdf.save(f"daily-{day.isoformat()}.pdf", ContentFile(pdf), save=False)
        report.save()
        if actor is not None:
            audit_record(actor=actor, action="report.make", target=report, after={"day": day.isoformat()})
    return report


def daily_report_if_due(*, now=None) -> int:
    """Celery beat, every quarter of an hour: today's report once its hour has come (0 when made already)."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < settings.DASHBOARDS_DAILY_REPORT_HOUR or DailyReport.objects.filter(day=now.date()).exists():
        return 0
    daily_report_make(day=now.date())
    return 1
