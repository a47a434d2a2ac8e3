"""The later steps of the three-party chain (large enterprises): the industry department, then the task
force."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhifu_reopen.errors import DomainError

from ..models import Application, Step
from .review import step_decide, street_decide


@transaction.atomic
def department_decide(*, user, application: Application, outcome: str, opinion: str,
                      seen_iteration: int | None = None) -> Application:
    return step_decide(user=user, application=application, step=Step.DEPARTMENT, outcome=outcome,
                       opinion=opinion, seen_iteration=seen_iteration)


@transaction.atomic
def task_force_decide(*, user, application: Application, outcome: str, opinion: str,
                      seen_iteration: int | None = None) -> Application:
    return step_decide(user=user, application=application, step=Step.TASK_FORCE, outcome=outcome,
                       opinion=opinion, seen_iteration=seen_iteration)


STEP_SERVICES = {
    "department": department_decide,
    "task_force": task_force_decide,
}


def decide(*, user, application: Application, outcome: str, opinion: str, seen_iteration: int | None = None):
    """Decide the application's current step (street, department or task force)."""
    services = {"street": street_decide, **STEP_SERVICES}
    service = services.get(application.current_step)
    if service is None:
        raise DomainError(_("该申请当前没有待您审核的环节。"), code="out_of_order")
    return service(user=user, application=application, outcome=outcome, opinion=opinion,
                   seen_iteration=seen_iteration)
