"""The roles (岗位) a user acts in. Apart from the models so that the scope (``accounts.scope``) and the
user model can both use them without importing each other."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STREET_STAFF = "street_staff", _("街道/园区工作人员")
    STREET_SECRETARY = "street_secretary", _("街道党工委书记")
    STREET_DIRECTOR = "street_director", _("街道主任")
    DEPARTMENT_REVIEWER = "department_reviewer", _("主管部门审核人")
    TASK_FORCE = "task_force", _("区领导小组/工作专班")
    INSPECTOR = "inspector", _("巡查人员")
    LIAISON = "liaison", _("驻企联络员")
    DISTRICT_ADMIN = "district_admin", _("区级系统管理员")
    ENTERPRISE = "enterprise", _("企业用户")


STREET_ROLES = {Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR}

# Posts whose holders sign in with a second factor (issue 13; MLPS level 3: administrators), and superusers.
TWO_FACTOR_ROLES = frozenset({Role.STREET_SECRETARY, Role.STREET_DIRECTOR, Role.TASK_FORCE, Role.DISTRICT_ADMIN})


def needs_two_factor(user) -> bool:
    """Whether ``user`` must confirm a second factor after the password (read from the user row only)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        bool(user.is_superuser) or getattr(user, "role", "") in TWO_FACTOR_ROLES
    )
