"""The home page's 待办 block."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.scope import scope_for

from .queue_rows import queue_rows
from .rules import OFFICIAL_ROLES
from .selectors import queue_page, reminders_unread


def queue_widget(request):
    if scope_for(request.user).role not in OFFICIAL_ROLES:  # the officials' to-do list, not the firm's
        return None
    page = queue_page(request.user, size=10)
    return {"title": _("复工审批待办"), "template": "approvals/_queue_widget.html",
            "context": {"page": page, "rows": queue_rows(page.rows),
                        "reminders": reminders_unread(request.user)}}
