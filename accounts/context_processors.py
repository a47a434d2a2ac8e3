from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

# (label, url name, roles that see it; empty = every signed-in role)
NAV_ITEMS = [
    (_("首页"), "home", ()),
    (_("企业名录"), "enterprises:list", tuple(Role.values)),
    (_("走访覆盖"), "enterprises:coverage",
     (Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR, Role.TASK_FORCE)),
    (_("批量导入"), "enterprises:import", (Role.STREET_STAFF,)),
    (_("复工申请"), "approvals:list", (Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR,
                                    Role.DEPARTMENT_REVIEWER, Role.TASK_FORCE)),
    (_("待办"), "approvals:queue", (Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR,
                                 Role.DEPARTMENT_REVIEWER, Role.TASK_FORCE)),
    (_("公示牌"), "placards:list",
     (Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR, Role.TASK_FORCE)),
]


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for label, name, roles in NAV_ITEMS:
            if roles and not (user.is_superuser or user.role in roles):
                continue
            try:
                url = reverse(name)
            except Exception:  # an app that has not added this page yet
                continue
            items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items, "site_title": settings.SITE_TITLE}
