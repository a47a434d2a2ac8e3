"""Seeds the private database of the fault tests, run as a subprocess with the private stack's environment
(``python -m tests.faults.seed <what> [n]``): prints one JSON line of what it made. Everything goes through
the real services (and the suite's builders), as in the other tests."""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifu_reopen.settings")
django.setup()

from accounts.models import User  # noqa: E402
from enterprises.models import Enterprise  # noqa: E402
from org.models import Department, Jurisdiction  # noqa: E402
from tests.factories import EnterpriseFactory  # noqa: E402

PERSONAS = ("staff_xy", "dept_gxj", "taskforce")


def world() -> dict:
    """The schema (migrations), the organisation, the checklists and the personas the scenarios sign in as."""
    from django.core.management import call_command

    from inspections.checklist_seed import checklists_ensure
    from org.seed import org_ensure
    from tests.conftest import make_persona

    call_command("migrate", interactive=False, verbosity=0)
    org_ensure()
    checklists_ensure()
    for name in PERSONAS:
        if not User.objects.filter(username=name).exists():
            make_persona(name)
    return {"users": list(PERSONAS)}


def _enterprises(n: int, **extra) -> list[Enterprise]:
    EnterpriseFactory.reset_sequence(Enterprise.objects.count() + 1)  # several runs, unique credit codes
    xy, gxj = Jurisdiction.objects.get(code="370602001"), Department.objects.get(code="gxj")
    return [EnterpriseFactory(jurisdiction=xy, department=gxj, **extra) for _ in range(n)]


def placards(n: int) -> dict:
    """``n`` approved applications of 向阳街道, each with its placard (and its render job queued)."""
    from tests.placards.helpers import approve

    actor = User.objects.get(username="taskforce")
    made = [approve(enterprise, actor) for enterprise in _enterprises(n)]
    return {"placards": [p.pk for p in made], "numbers": [p.number for p in made]}


def at_department(n: int) -> dict:
    """``n`` applications of large firms (three-party chain) filed and approved at the street, waiting
    for 工信局's decision."""
    from tests.approvals.helpers import street_approved

    staff = User.objects.get(username="staff_xy")
    return {"applications": [street_approved(staff, e).pk for e in _enterprises(n, scale="large", employee_count=500)]}


if __name__ == "__main__":
    # ``world`` | ``placards N`` | ``at_department N``, several in one run (one Django start-up).
    builders, result, argv = {"world": world, "placards": placards, "at_department": at_department}, {}, sys.argv[1:]
    while argv:
        what = argv.pop(0)
        args = [int(argv.pop(0))] if what != "world" else []
        result.update(builders[what](*args))
    print(json.dumps(result))
