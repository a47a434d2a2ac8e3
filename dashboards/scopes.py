"""Which dashboard a user reads: the task force the district (or, drilling in, one street), a street's
officials and leaders their street, a department's reviewers their department. Anything else: 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import scope_for
from org.models import Department, Jurisdiction
from zhifu_reopen.params import id_param

from .services.summaries import DISTRICT, department_scope, street_scope

DASHBOARD_ROLES = (Role.TASK_FORCE, Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR,
                   Role.DEPARTMENT_REVIEWER)


@dataclass(frozen=True)
class View:
    key: str  # the Summary scope
    title: str
    street: Jurisdiction | None = None
    department: Department | None = None

    @property
    def district(self) -> bool:
        return self.key == DISTRICT


def view_for(user, params) -> View:
    """The scope asked for (``?street=``, ``?department=``) if the user may read it, else their own."""
    scope = scope_for(user)
    street_id, department_id = id_param(params, "street"), id_param(params, "department")
    if street_id is not None:
        if not scope.can_see_jurisdiction(street_id) or (scope.department_ids and not scope.district):
            raise Http404(_("找不到该街道，或不在您的管辖范围内。"))
        street = Jurisdiction.objects.filter(pk=street_id).first()
        if street is None:
            raise Http404(_("找不到该街道，或不在您的管辖范围内。"))
        return View(street_scope(street.pk), street.name, street=street)
    if department_id is not None:
        if not (scope.district or department_id in scope.department_ids):
            raise Http404(_("找不到该部门，或不在您的管辖范围内。"))
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise Http404(_("找不到该部门，或不在您的管辖范围内。"))
        return View(department_scope(department.pk), department.name, department=department)
    if scope.district:
        return View(DISTRICT, _("全区"))
    if scope.jurisdiction_ids:
        street = Jurisdiction.objects.get(pk=min(scope.jurisdiction_ids))
        return View(street_scope(street.pk), street.name, street=street)
    if scope.department_ids:
        department = Department.objects.get(pk=min(scope.department_ids))
        return View(department_scope(department.pk), department.name, department=department)
    raise Http404(_("您的岗位没有可查看的统计范围。"))
