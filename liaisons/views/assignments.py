"""Liaison assignments: assign or relieve a firm's liaison (from the firm's page), a liaison's firms and
their handover to another liaison (from the liaison's page, beside people and posts)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import roles_required
from accounts.models import Role, User
from enterprises.views.registry import enterprise_detail
from zhifu_reopen.errors import DomainError
from zhifu_reopen.params import id_param, text_param

from .. import selectors
from ..rules.assignment import ASSIGNER_ROLES
from ..services.assignments import liaison_assign, liaison_handover, liaison_unassign
from .common import enterprise_get

PAGE_ROLES = (*ASSIGNER_ROLES, Role.DISTRICT_ADMIN)


def _liaison(pk: int | None) -> User | None:
    if pk is None:
        return None
    return User.objects.filter(pk=pk, role=Role.LIAISON).first()


def _back_to_enterprise(request, enterprise, exc: DomainError):
    """The enterprise's page again, with the refusal on it (4xx)."""
    for line in [exc.message, *exc.messages]:
        messages.error(request, line)
    return enterprise_detail(request, enterprise.pk, status=403 if exc.code == "forbidden" else exc.status_code)


@roles_required(*ASSIGNER_ROLES)
@require_POST
def assign_view(request, pk: int):
    enterprise = enterprise_get(request.user, pk)
    try:
        liaison_assign(actor=request.user, enterprise=enterprise, liaison=_liaison(id_param(request.POST, "liaison")),
                       reason=text_param(request.POST, "reason", max_length=400))
    except DomainError as exc:
        return _back_to_enterprise(request, enterprise, exc)
    messages.success(request, _("已派驻联络员。"))
    return redirect(enterprise)


@roles_required(*ASSIGNER_ROLES)
@require_POST
def unassign_view(request, pk: int):
    enterprise = enterprise_get(request.user, pk)
    try:
        liaison_unassign(actor=request.user, enterprise=enterprise,
                         reason=text_param(request.POST, "reason", max_length=400))
    except DomainError as exc:
        return _back_to_enterprise(request, enterprise, exc)
    messages.success(request, _("已结束派驻。"))
    return redirect(enterprise)


def _liaison_or_404(pk: int) -> User:
    liaison = _liaison(pk)
    if liaison is None:
        raise Http404(_("找不到该联络员。"))
    return liaison


def _page(request, liaison: User, *, status: int = 200, **extra):
    return render(request, "liaisons/liaison.html", {
        "liaison": liaison, "enterprises": selectors.enterprises_of_liaison(request.user, liaison),
        "successors": [u for u in selectors.liaisons_active() if u.pk != liaison.pk],
        "may_hand_over": request.user.is_superuser or request.user.role in ASSIGNER_ROLES, "form": request.POST,
        **extra,
    }, status=status)


@roles_required(*PAGE_ROLES)
@require_GET
def liaison_page(request, pk: int):
    return _page(request, _liaison_or_404(pk))


@roles_required(*ASSIGNER_ROLES)
@require_POST
def handover_view(request, pk: int):
    liaison = _liaison_or_404(pk)
    try:
        moved = liaison_handover(actor=request.user, liaison=liaison,
                                 successor=_liaison(id_param(request.POST, "successor")),
                                 reason=text_param(request.POST, "reason", max_length=400))
    except DomainError as exc:
        return _page(request, liaison, status=403 if exc.code == "forbidden" else exc.status_code,
                     errors=exc.messages, error_title=exc.message)
    messages.success(request, _("已将%(n)s家企业移交给新的联络员。") % {"n": moved})
    return redirect("liaisons:liaison", pk)
