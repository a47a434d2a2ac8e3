"""What approvals lends the pages of the layer below (settings.TEMPLATES ``hooks``): the enterprise
page, an ``enterprises`` page, shows the enterprise's applications without importing approvals."""

from __future__ import annotations

from django.template.loader import render_to_string
from markupsafe import Markup

from . import rules
from .models import Application
from .selectors import APPLICATION_ROLES, applications_visible


def enterprise_applications(request, enterprise) -> Markup:
    """``{{ enterprise_applications(request, enterprise) }}``: the enterprise's applications (scoped to
    the viewer), with a "new" button for its street's officials; nothing for other roles."""
    user = request.user
    if not (user.is_superuser or getattr(user, "role", "") in APPLICATION_ROLES):
        return Markup()
    rows = list(applications_visible(user).filter(enterprise=enterprise).order_by("-id")[:20])
    new = Application(enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id,
                      department_id=enterprise.department_id)
    return Markup(render_to_string("approvals/_enterprise_applications.html", {  # nosec B704: autoescaped template output
        "enterprise": enterprise, "enterprise_applications": rows,
        "can_apply": rules.may(user, "create", new).allowed,
    }, request=request))
