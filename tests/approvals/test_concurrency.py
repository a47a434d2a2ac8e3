"""Two officials deciding at once give exactly one outcome, recorded once (real threads, PostgreSQL)."""

import threading

import pytest
from django.db import connection

from accounts.models import Role
from accounts.services import user_create
from approvals.models import Application, Decision, Signature
from approvals.services.chain import task_force_decide
from approvals.services.review import street_decide
from approvals.services.signatures import signature_add
from approvals.signals import application_approved
from tests.approvals import helpers as h
from zhifu_reopen.errors import DomainError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    """Run the calls in threads released together; returns ('ok', value) or ('refused', error) each."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", call())
        except DomainError as exc:
            results[i] = ("refused", exc)
        except Exception as exc:
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert all(r is not None and r[0] != "error" for r in results), results
    return results


@pytest.fixture
def approvals_seen():
    seen = []

    def receiver(application, actor, **kwargs):
        seen.append(application.pk)

    application_approved.connect(receiver, weak=False, dispatch_uid="race-receiver")
    yield seen
    application_approved.disconnect(dispatch_uid="race-receiver")


def test_two_task_force_members_deciding_at_once(personas, staff, large_xy, approvals_seen):
    app = h.at_task_force(staff, personas["dept_gxj"], large_xy)
    first = personas["taskforce"]
    other = user_create(username="taskforce2", password="x" * 12, role=Role.TASK_FORCE)
    results = race(
        lambda: task_force_decide(user=first, application=app, outcome="approve", opinion="同意"),
        lambda: task_force_decide(user=other, application=app, outcome="reject", opinion="不同意"),
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    app.refresh_from_db()
    assert Decision.objects.filter(application=app, kind="task_force").count() == 1
    winner = Decision.objects.get(application=app, kind="task_force")
    assert app.status == ("approved" if winner.outcome == "approved" else "rejected")
    assert approvals_seen.count(app.pk) == (1 if app.status == "approved" else 0)


def test_two_street_officials_at_once(personas, staff, enterprise_xy, xy):
    # Two officials other than the filer (who never takes the street step).
    app = h.submitted(staff, enterprise_xy)
    first = h.colleague(staff)
    h.accept_all(first, app)
    h.meet(staff, app)
    colleague = user_create(username="staff_xy3", password="x" * 12, role=Role.STREET_STAFF, jurisdictions=[xy])
    results = race(
        lambda: street_decide(user=first, application=app, outcome="approve", opinion="同意"),
        lambda: street_decide(user=colleague, application=app, outcome="return", opinion="请补正"),
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    assert Decision.objects.filter(application=app, kind="street").count() == 1


def test_both_signatures_at_the_same_instant_approve_once(personas, staff, enterprise_xy, approvals_seen):
    app = h.street_approved(staff, enterprise_xy)
    secretary, director = personas["secretary_xy"], personas["director_xy"]
    results = race(
        lambda: signature_add(user=secretary, application=app, post="secretary", opinion="同意"),
        lambda: signature_add(user=director, application=app, post="director", opinion="同意"),
    )
    assert [r[0] for r in results] == ["ok", "ok"]
    app.refresh_from_db()
    assert app.status == Application.Status.APPROVED
    assert Signature.objects.filter(application=app).count() == 2
    assert approvals_seen == [app.pk]
    assert Decision.objects.filter(application=app, outcome="signed").count() == 2


def test_the_same_signature_twice_at_once_is_recorded_once(personas, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    secretary = personas["secretary_xy"]
    sign = lambda: signature_add(user=secretary, application=app, post="secretary", opinion="同意")  # noqa: E731
    results = race(sign, sign, sign)
    assert sorted(r[0] for r in results) == ["ok", "refused", "refused"]
    assert Signature.objects.filter(application=app).count() == 1
    app.refresh_from_db()
    assert app.status == "in_review"


def test_two_officials_filing_for_the_same_enterprise_at_once(personas, staff, enterprise_xy, xy):
    from approvals.services.applications import application_create

    colleague = user_create(username="staff_xy3", password="x" * 12, role=Role.STREET_STAFF, jurisdictions=[xy])
    results = race(
        lambda: application_create(user=staff, enterprise=enterprise_xy, data=h.app_data()),
        lambda: application_create(user=colleague, enterprise=enterprise_xy, data=h.app_data()),
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    assert Application.objects.filter(enterprise=enterprise_xy).count() == 1
