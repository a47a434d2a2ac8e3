"""Sane bounds for every date and time a user types (issue 7 §8): a leader meeting or a survey visit
happened between the start of the epidemic response (``settings.EPIDEMIC_RESPONSE_START``) and now; a
reopening day is not in the past nor more than ``APPROVALS_REOPEN_MAX_DAYS_AHEAD`` days ahead.

Each check raises ``django.core.exceptions.ValidationError`` with a Chinese message: forms call them in
``clean_<field>`` (the message shows at the field), services call them again (nothing out of bounds is
ever stored, whoever calls the service). A year-1 datetime, for instance, becomes a date BC in UTC and
can no longer be read back: it must never reach the database.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def epidemic_response_start() -> date:
    value = getattr(settings, "EPIDEMIC_RESPONSE_START", date(2020, 1, 1))
    return date.fromisoformat(value) if isinstance(value, str) else value


def _date_cn(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _start_moment() -> datetime:
    return timezone.make_aware(datetime.combine(epidemic_response_start(), time.min))


def validate_past_moment(value: datetime, *, label: str) -> datetime:
    """A moment that happened during the epidemic response: not in the future, not before its start."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now():
        raise ValidationError(_("%(label)s不能晚于现在。") % {"label": label}, code="future")
    if value < _start_moment():
        raise ValidationError(
            _("%(label)s不能早于疫情防控工作开始日期（%(start)s）。")
            % {"label": label, "start": _date_cn(epidemic_response_start())},
            code="before_response",
        )
    return value


def validate_past_day(value: date, *, label: str) -> date:
    """A day of the epidemic response up to today (local time)."""
    if value > timezone.localdate():
        raise ValidationError(_("%(label)s不能晚于今天。") % {"label": label}, code="future")
    if value < epidemic_response_start():
        raise ValidationError(
            _("%(label)s不能早于疫情防控工作开始日期（%(start)s）。")
            % {"label": label, "start": _date_cn(epidemic_response_start())},
            code="before_response",
        )
    return value


def validate_coming_day(value: date, *, label: str) -> date:
    """A day from today (local time) up to ``APPROVALS_REOPEN_MAX_DAYS_AHEAD`` days ahead."""
    today = timezone.localdate()
    if value < today:
        raise ValidationError(_("%(label)s不能早于今天。") % {"label": label}, code="past")
    ahead = int(getattr(settings, "APPROVALS_REOPEN_MAX_DAYS_AHEAD", 366))
    if value > today + timedelta(days=ahead):
        raise ValidationError(
            _("%(label)s不能晚于%(last)s（至多%(n)d天之后）。")
            % {"label": label, "last": _date_cn(today + timedelta(days=ahead)), "n": ahead},
            code="too_far",
        )
    return value
