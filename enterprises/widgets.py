"""Home-page blocks of the registry: a liaison's assigned enterprises."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import scope_for

from .models import Enterprise


def liaison_widget(request):
    if scope_for(request.user).role != Role.LIAISON:
        return None
    enterprises = (
        Enterprise.objects.filter(liaison_assignments__liaison=request.user, liaison_assignments__ended_at__isnull=True)
        .select_related("jurisdiction")
        .order_by("name", "id")[:50]
    )
    return {"title": _("我的派驻企业"), "template": "enterprises/_liaison_widget.html",
            "context": {"enterprises": enterprises}}
