from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY

from .http import role_may_open
from .roles import needs_two_factor
from .scope import scope_for

# (label, url name[, roles]). Without roles an entry is shown to whoever its page admits: the roles of
# the page's ``roles_required``, which come from the workflow's rule table (approvals.rules,
# placards.rules …), so a menu never offers a page that refuses its user.
NAV_ITEMS = [
    (_("首页"), "home"),
    (_("统计"), "dashboard"),
    (_("日报"), "reports"),
    (_("企业名录"), "enterprises:list"),
    (_("走访覆盖"), "enterprises:coverage"),
    (_("批量导入"), "enterprises:import"),
    (_("复工申请"), "approvals:list"),
    (_("待办"), "approvals:queue"),
    (_("公示牌"), "placards:list"),
    (_("待巡查"), "inspections:due"),
    (_("整改与停工"), "inspections:orders"),
    (_("巡查组"), "inspections:teams"),
    (_("检查表"), "inspections:checklists"),
    (_("企业诉求"), "liaisons:problems"),
    (_("日检查日消毒"), "liaisons:daily"),
    (_("人员与岗位"), "people:list"),
    (_("操作记录"), "audit_trail"),
    (_("登录锁定"), "lockouts"),  # issue 13 (auth)
]


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated and not _owes_second_factor(request, user):
        entries = _entries(get_urlconf(), get_script_prefix(), get_language(), user.is_superuser, user.role,
                           scope_for(user).role)
        items = [{"label": label, "url": url, "active": request.path == url} for label, url in entries]
    return {"nav_items": items, "site_title": settings.SITE_TITLE}


def _owes_second_factor(request, user) -> bool:
    """Signed in with the password, the second factor still to come (issue 13): no menu yet."""
    return needs_two_factor(user) and not request.session.get(DEVICE_ID_SESSION_KEY)


@lru_cache(maxsize=512)
def _entries(urlconf, script_prefix, language, is_superuser: bool, user_role: str, scope_role: str):
    """The (label, url) entries for a role, worked out once per process (per URL configuration, script
    prefix and language): what the entries depend on is the arguments, and the pages' roles
    (``page_roles``) are fixed at start-up."""
    entries = []
    for label, name, *roles in NAV_ITEMS:
        try:
            url = reverse(name, urlconf=urlconf)
            if roles:
                if roles[0] and not (is_superuser or user_role in roles[0]):
                    continue
            elif not role_may_open(is_superuser, scope_role, name):
                continue
        except NoReverseMatch:  # an app that has not added this page yet
            continue
        entries.append((str(label), url))
    return tuple(entries)

