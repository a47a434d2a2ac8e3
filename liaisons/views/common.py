"""What the liaison pages share: the enterprise in the user's scope (404 otherwise) and a refusal's page."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from zhifu_reopen.params import BadParameter, text_param


def enterprise_get(user, pk: int) -> Enterprise:
    try:
        return Enterprise.objects.visible_to(user).select_related("jurisdiction", "department").get(pk=pk)
    except Enterprise.DoesNotExist as exc:
        raise Http404(_("找不到该企业，或不在您的管辖范围内。")) from exc


def day_param(params, name: str = "day", *, default: dt.date) -> dt.date:
    raw = text_param(params, name, max_length=10)
    if not raw:
        return default
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(name, _("日期格式应为 YYYY-MM-DD。"))
    return value


def refused(request, template: str, context: dict, exc):
    status = 403 if exc.code == "forbidden" else exc.status_code
    return render(request, template, {**context, "errors": exc.messages, "error_title": exc.message,
                                      "form": request.POST}, status=status)
