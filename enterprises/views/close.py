"""Close an enterprise for good (已关闭) with a reason: the only way the registry changes an enterprise's
operating status. The view reads the form and calls ``services.registry.enterprise_close``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import roles_required
from accounts.models import Role
from zhifu_reopen.errors import DomainError

from .. import selectors
from ..forms import EnterpriseCloseForm
from ..models import Enterprise
from ..services.registry import enterprise_close


@roles_required(Role.STREET_STAFF)
@require_http_methods(["GET", "POST"])
def enterprise_close_view(request, pk: int):
    try:
        enterprise = selectors.enterprise_get(request.user, pk)
    except Enterprise.DoesNotExist as exc:
        raise Http404(_("找不到该企业，或不在您的管辖范围内。")) from exc
    form = EnterpriseCloseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                enterprise_close(user=request.user, enterprise=enterprise, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = 403 if exc.code == "forbidden" else 409 if exc.code == "conflict" else 400
            else:
                messages.success(request, _("已关闭企业：%(name)s") % {"name": enterprise.name})
                return redirect(enterprise)
        else:
            status = 400
    return render(request, "enterprises/close.html", {"form": form, "enterprise": enterprise}, status=status)
