"""Queue rows rendered in Python: the 待办 table is the hottest page of the app, and fifty rows through
the Django template engine cost more than the query behind them."""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

DEADLINE_TAGS = {"overdue": "danger", "near": "warning", "ok": "success", "": "info"}


def queue_rows_html(rows: list[dict]) -> SafeString:
    if not rows:
        return mark_safe(f'<tr><td colspan="7" class="empty">{escape(_("暂无待办"))}</td></tr>')
    prefix = reverse("approvals:detail", args=[0])[:-2]
    green, priority, escalated = escape(_("绿色通道")), escape(_("优先")), escape(_("已上报专班"))
    round_label = _("第%(n)d轮")
    # Each cell carries its column's name: on a phone the table becomes one card per row (app.css .cards).
    labels = {k: escape(v, quote=True) for k, v in (
        ("number", _("办件编号")), ("category", _("类别")), ("step", _("当前环节")), ("deadline", _("办理时限")),
        ("left", _("剩余时间")),
    )}
    act = escape(_("办理"))
    tz = timezone.get_current_timezone()
    parts = []
    for r in rows:
        if r["priority"] == 0:
            badge = f'<span class="tag danger">{green}</span> '
        elif r["priority"] == 1:
            badge = f'<span class="tag warning">{priority}</span> '
        else:
            badge = ""
        again = (f' <span class="tag info">{escape(round_label % {"n": r["iteration"]})}</span>'
                 if r["iteration"] > 1 else "")
        d = r["step_deadline"].astimezone(tz) if r["step_deadline"] else None
        deadline = f"{d.year}-{d.month:02d}-{d.day:02d} {d.hour:02d}:{d.minute:02d}" if d else ""
        state = r["deadline_state"]
        flag = f' <span class="tag danger">{escalated}</span>' if r["escalated_at"] else ""
        url = f"{prefix}{r['id']}/"
        parts.append(
            f'<tr class="deadline-{state}" data-priority="{r["priority"]}">'
            f'<td data-label="{labels["number"]}"><a href="{url}">{escape(r["number"] or "")}</a></td>'
            f'<td class="card-title">{badge}{escape(r["enterprise__name"])}{again}</td>'
            f'<td data-label="{labels["category"]}">{escape(r["category_label"])}</td>'
            f'<td data-label="{labels["step"]}">{escape(r["step_label"])}</td>'
            f'<td data-label="{labels["deadline"]}" class="deadline">{deadline}</td>'
            f'<td data-label="{labels["left"]}"><span class="tag {DEADLINE_TAGS[state]}">{escape(r["time_left"])}</span>'
            f'{flag}</td><td class="card-action"><a class="btn small" href="{url}">{act}</a></td></tr>'
        )
    return mark_safe("".join(parts))  # every value above is escaped
