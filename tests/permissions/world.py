"""The shared world the matrix runs in: personas of every role, an enterprise in 向阳 (工信局, liaison
assigned) and an enterprise in 东山 (商务局). Apps append builders to ``WORLD_BUILDERS``.

A world is built once per kind (the ``WORLD_BUILDERS_FOR`` prefixes its URL matches) and module, and every
test of that kind runs over it in a savepoint of its own (``conftest.py``): a builder writes only to the
database and under ``MEDIA_ROOT``, the two things a test gets a fresh copy of."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from enterprises.models import LiaisonAssignment
from tests.conftest import PERSONAS, firm_of, make_persona
from tests.factories import EnterpriseFactory


def build_enterprises(world: SimpleNamespace) -> None:
    from org.models import Department, Jurisdiction

    xy = Jurisdiction.objects.get(code="370602001")
    ds = Jurisdiction.objects.get(code="370602002")
    world.xy, world.ds = xy, ds
    world.enterprise_xy = EnterpriseFactory(jurisdiction=xy, department=Department.objects.get(code="gxj"))
    world.enterprise_ds = EnterpriseFactory(jurisdiction=ds, department=Department.objects.get(code="swj"))
    LiaisonAssignment.objects.create(liaison=world.users["liaison_xy"], enterprise=world.enterprise_xy)
    firm_of(world.users["firm_xy"], world.enterprise_xy)


def build_jobs(world: SimpleNamespace) -> None:
    from tests.permissions.cases_jobs import build_jobs as build

    build(world)


def build_placards(world: SimpleNamespace) -> None:
    from tests.permissions.cases_placards import build_placards as build

    build(world)


WORLD_BUILDERS: list[Callable[[SimpleNamespace], None]] = [build_enterprises, build_jobs]
WORLD_BUILDERS.append(build_placards)


WORLD_BUILDERS_FOR: dict[str, Callable[[SimpleNamespace], None]] = {}  # URL-name prefix → builder


def build_world(url: str = "") -> SimpleNamespace:
    world = SimpleNamespace(users={name: make_persona(name) for name in PERSONAS})
    for builder in WORLD_BUILDERS:
        builder(world)
    for prefix, builder in WORLD_BUILDERS_FOR.items():
        if url.startswith(prefix):
            builder(world)
    return world


def build_approvals(world: SimpleNamespace) -> None:
    from tests.permissions.cases_approvals import build_approvals as build

    build(world)


WORLD_BUILDERS.append(build_approvals)


def build_people(world: SimpleNamespace) -> None:
    from tests.permissions.cases_people import build_people as build

    build(world)


WORLD_BUILDERS.append(build_people)


def build_inspections(world: SimpleNamespace) -> None:
    from tests.permissions.cases_inspections import build_inspections as build

    build(world)


# Built only for the cases of the pages that need them (a patrol record costs photos and a checklist).
WORLD_BUILDERS_FOR["inspections:"] = build_inspections


def build_liaisons(world: SimpleNamespace) -> None:
    from tests.permissions.cases_liaisons import build_liaisons as build

    build(world)


WORLD_BUILDERS_FOR["liaisons:"] = build_liaisons


def build_dashboards(world: SimpleNamespace) -> None:
    from tests.permissions.cases_dashboards import build_dashboards as build

    build(world)


def build_summaries(world: SimpleNamespace) -> None:
    from dashboards.services.summaries import summaries_refresh

    summaries_refresh()


WORLD_BUILDERS_FOR["dashboard"] = build_summaries  # dashboard, dashboard_list …: the figures, no report
WORLD_BUILDERS_FOR["report"] = build_dashboards  # reports, report_make, report_file
