"""Receivers of the registry's signals (connected in ApprovalsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhifu_reopen.errors import DomainError

from .models import Application

OPEN_STATUSES = (Application.Status.DRAFT, Application.Status.SUBMITTED, Application.Status.IN_REVIEW,
                 Application.Status.RETURNED)


def refuse_close_while_an_application_is_open(sender, *, enterprise, **kwargs):
    """enterprises.signals.enterprise_closing: an enterprise with an open application is not closed for
    good."""
    if Application.objects.filter(enterprise=enterprise, status__in=OPEN_STATUSES).exists():
        raise DomainError(_("该企业有在办的复工申请，请先撤回申请再关闭。"), code="conflict")
