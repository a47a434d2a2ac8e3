"""The 待办 rows as plain values for ``templates/approvals/_queue_rows.html``: the queue is the hottest
page of the app, so what a row shows is worked out once here (the deadline in local time, the link)
rather than through template filters fifty times a page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

DEADLINE_TAGS = {"overdue": "danger", "near": "warning", "ok": "success", "": "info"}


def queue_rows(rows: list[dict]) -> list[dict]:
    prefix = reverse("approvals:detail", args=[0])[:-2]
    tz = timezone.get_current_timezone()
    for r in rows:
        d = r["step_deadline"].astimezone(tz) if r["step_deadline"] else None
        r["deadline_text"] = f"{d.year}-{d.month:02d}-{d.day:02d} {d.hour:02d}:{d.minute:02d}" if d else ""
        r["url"] = f"{prefix}{r['id']}/"
        r["deadline_tag"] = DEADLINE_TAGS[r["deadline_state"]]
    return rows
