"""The firm's own account, from the enterprise's page: open it, issue a new set-password link, close it.
The link is shown once, on the page that made it, to be printed or copied and handed over."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import roles_required
from zhifu_reopen.errors import DomainError
from zhifu_reopen.params import text_param

from ..services.accounts import (
    ACCOUNT_ROLES,
    enterprise_account_close,
    enterprise_account_link,
    enterprise_account_open,
)
from .registry import _get, enterprise_detail


def _link_page(request, enterprise, user, path: str):
    return render(request, "enterprises/account_link.html", {
        "enterprise": enterprise, "account": user, "link": request.build_absolute_uri(path)})


def _refused(request, enterprise, exc: DomainError):
    """The enterprise's page again, with the refusal on it (4xx)."""
    for line in [exc.message, *exc.messages]:
        messages.error(request, line)
    return enterprise_detail(request, enterprise.pk, status=403 if exc.code == "forbidden" else exc.status_code)


@roles_required(*ACCOUNT_ROLES)
@require_POST
def account_open_view(request, pk: int):
    enterprise = _get(request.user, pk)
    try:
        user, path = enterprise_account_open(actor=request.user, enterprise=enterprise,
                                             full_name=text_param(request.POST, "full_name", max_length=100),
                                             mobile=text_param(request.POST, "mobile", max_length=20))
    except DomainError as exc:
        return _refused(request, enterprise, exc)
    return _link_page(request, enterprise, user, path)


@roles_required(*ACCOUNT_ROLES)
@require_POST
def account_link_view(request, pk: int):
    enterprise = _get(request.user, pk)
    try:
        user, path = enterprise_account_link(actor=request.user, enterprise=enterprise)
    except DomainError as exc:
        return _refused(request, enterprise, exc)
    return _link_page(request, enterprise, user, path)


@roles_required(*ACCOUNT_ROLES)
@require_POST
def account_close_view(request, pk: int):
    enterprise = _get(request.user, pk)
    try:
        enterprise_account_close(actor=request.user, enterprise=enterprise,
                                 reason=text_param(request.POST, "reason", max_length=600))
    except DomainError as exc:
        return _refused(request, enterprise, exc)
    messages.success(request, _("已停用企业账号。"))
    return redirect(enterprise)
