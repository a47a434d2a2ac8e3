"""The in-app notifications' texts: one registry of message codes → (e-mail subject, text template).

A notification is stored as a code and its data (``Notification.code``, ``Notification.message_data``)
and rendered in the reader's language when shown; ``Notification.message`` keeps the Chinese rendering
(the e-mail body, the admin, old rows). Data that has a label of its own (an approval step, an
application status) is stored as its code and translated at render, never as a finished word.
"""

from __future__ import annotations

import importlib
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# ``%(firm)s`` (the enterprise's name) stays under its old key: it is in the Chinese msgids and in the
# ``message_data`` of every stored notification (renaming it would need a new catalog and a data migration).
MESSAGES = {
    "application.remind": (_("【芝罘复工】催办提醒"), _("催办：%(number)s %(firm)s（%(step)s）")),
    "application.deadline_near": (_("【芝罘复工】办理时限提醒"), _("即将到期：%(number)s %(firm)s（%(step)s）")),
    "application.overdue": (_("【芝罘复工】办理时限提醒"), _("办理已超时：%(number)s %(firm)s（%(step)s）")),
    "application.escalated": (_("【芝罘复工】超时办件上报"),
                              _("严重超时，上报专班：%(number)s %(firm)s（%(step)s）")),
    "application.decided": (_("【芝罘复工】办理结果"), _("复工申请%(number)s（%(firm)s）%(status)s")),
    "enforcement.unauthorised": (_("【芝罘复工】私开偷开待处置"),
                                 _("巡查发现私开偷开：%(firm)s（%(address)s），%(team)s已登记，请街道处置")),
    "enforcement.stop_work": (_("【芝罘复工】责令停工"), _("%(firm)s被责令停工：%(reason)s")),
    "problem.raised": (_("【芝罘复工】企业诉求"), _("新的企业诉求：%(firm)s（%(category)s）")),
    "problem.escalated": (_("【芝罘复工】企业诉求上报"), _("企业诉求已上报%(owner)s：%(firm)s（%(category)s）")),
    "problem.overdue": (_("【芝罘复工】企业诉求超期"),
                        _("企业诉求超期未办结，已自动上报%(owner)s：%(firm)s（%(category)s）")),
    "problem.resolved": (_("【芝罘复工】诉求已办结"), _("您的诉求已办结：%(category)s，请评价办理结果")),
    "problem.follow_up": (_("【芝罘复工】诉求需跟进"),
                          _("企业对诉求办理结果不满意，请街道跟进：%(firm)s（%(category)s）")),
    "daily_log.missing": (_("【芝罘复工】日检查日消毒未填报"),
                          _("%(day)s有%(count)s家企业未填报日检查日消毒：%(firms)s")),
}

# Data keys holding a code, and the choices that label it (imported when first rendered: accounts
# sits below the apps whose words these are).
CODED = {"step": ("approvals.models", "Step"), "status": ("approvals.models", "Application.Status"),
         "category": ("liaisons.models", "ProblemCategory"), "owner": ("liaisons.models", "Problem.Owner")}


@cache
def _choice_labels(key: str) -> dict:
    """value → (lazy) label of the choices named for ``key``: looked up once per process (a queue page
    renders twenty notifications, and building a Choices' ``values`` and ``choices`` lists is not free)."""
    module, name = CODED[key]
    choices = importlib.import_module(module)
    for part in name.split("."):
        choices = getattr(choices, part)
    return {member.value: member.label for member in choices}


def _label(key: str, value):
    labels = _choice_labels(key)
    return str(labels[value]) if isinstance(value, str | int) and value in labels else (value or "")


def text_render(code: str, data: dict | None) -> str | None:
    """The text of a notification in the active language; None for a code not in the registry."""
    if code not in MESSAGES:
        return None
    data = dict(data or {})
    note = str(data.pop("note", "") or "").strip()
    values = {key: _label(key, value) if key in CODED else value for key, value in data.items()}
    try:
        text = str(MESSAGES[code][1]) % values
    except (KeyError, TypeError, ValueError):  # data written by another version of a template
        return None
    return f"{text} {note}" if note else text


def subject_render(code: str) -> str:
    return str(MESSAGES[code][0])


def chinese(render, *args) -> str:
    """``render(*args)`` in the default language: the stored record and the e-mail are Chinese (whoever
    triggers them; the recipient's language is not known outside a request)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render(*args)
