"""Who sees returning employees' personal data unmasked, and what everyone else sees: the one rule.

Every page, export and the admin go through ``unmasked_for`` (who) and ``employee_row`` (what is shown).
Unmasked is only for the officials who review the application (``selectors.reviews_application``);
everyone else — the firm itself, inspectors, liaisons, the administrators, the admin site — sees masks:
the name's first character, the ID number's first 3 and last 4 digits, the mobile's first 3 and last 4,
and nothing of the residence, travel history or health. Each unmasked view and each export is recorded
in the audit trail by the caller (``services.personal``).
"""

from __future__ import annotations

from dataclasses import dataclass

from zhifu_reopen.pii import HIDDEN, mask_id_number, mask_mobile, mask_name

from . import selectors
from .models import Application, ReturningEmployee

ROSTER_PAGE_LIMIT = 500


def unmasked_for(user, application: Application) -> bool:
    """Whether this user sees this application's personal data unmasked."""
    return user is not None and user.is_authenticated and selectors.reviews_application(user, application)


@dataclass(frozen=True)
class EmployeeRow:
    pk: int
    name: str
    id_number: str
    mobile: str
    residence: str
    travel_history: str
    health: str  # the label, or HIDDEN
    fit: bool | None  # None when masked: not even fit / unfit shows


def employee_row(employee: ReturningEmployee, unmasked: bool) -> EmployeeRow:
    if unmasked:
        return EmployeeRow(
            pk=employee.pk, name=employee.name, id_number=employee.id_number, mobile=employee.mobile,
            residence=employee.residence, travel_history=employee.travel_history,
            health=str(employee.get_health_status_display()), fit=employee.health_status in ReturningEmployee.FIT,
        )
    return EmployeeRow(
        pk=employee.pk, name=mask_name(employee.name), id_number=mask_id_number(employee.id_number),
        mobile=mask_mobile(employee.mobile), residence="", travel_history="", health=HIDDEN, fit=None,
    )


def roster_rows_for(user, application: Application, *, limit: int | None = ROSTER_PAGE_LIMIT
                    ) -> tuple[list[EmployeeRow], bool]:
    """The roster as this user may see it, and whether it is unmasked."""
    unmasked = unmasked_for(user, application)
    employees = application.employees.all()
    if not unmasked:  # what a mask needs, and no more decrypted
        employees = employees.only("pk", "application_id", "name", "id_number", "mobile")
    if limit is not None:
        employees = employees[:limit]
    return [employee_row(e, unmasked) for e in employees], unmasked
