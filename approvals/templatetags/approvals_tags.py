from django import template

from .. import rules
from ..models import Application
from ..selectors import APPLICATION_ROLES, applications_visible

register = template.Library()


@register.inclusion_tag("approvals/_enterprise_applications.html", takes_context=True)
def enterprise_applications(context, enterprise):
    """The enterprise page's list of its applications (scoped to the viewer), with a "new" button for its
    street's officials."""
    user = context["request"].user
    role = getattr(user, "role", "")
    if not (user.is_superuser or role in APPLICATION_ROLES):
        return {"enterprise_applications": None}
    rows = list(applications_visible(user).filter(enterprise=enterprise).order_by("-id")[:20])
    new = Application(enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id,
                      department_id=enterprise.department_id)
    return {
        "enterprise": enterprise, "enterprise_applications": rows,
        "can_apply": rules.may(user, "create", new).allowed,
    }
