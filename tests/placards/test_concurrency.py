import threading

import pytest
from django.db import connection

from placards.models import Placard
from tests.factories import EnterpriseFactory
from zhifu_reopen.models import YearlyCounter

from .helpers import approve

pytestmark = [pytest.mark.postgres]
N = 50


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_get_distinct_consecutive_numbers(xy, personas, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    actor = personas["secretary_xy"]
    enterprises = [EnterpriseFactory(jurisdiction=xy) for _ in range(N)]
    barrier = threading.Barrier(N)
    errors: list[BaseException] = []

    def run(enterprise):
        from django.db import connection as conn

        try:
            barrier.wait()
            approve(enterprise, actor)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            conn.close()

    from zhifu_reopen.celery import app

    app.conf.task_always_eager = True
    threads = [threading.Thread(target=run, args=(f,)) for f in enterprises]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    serials = sorted(Placard.objects.values_list("serial", flat=True))
    assert serials == list(range(1, N + 1))
    assert len(set(Placard.objects.values_list("number", flat=True))) == N
    year = Placard.objects.first().year
    assert YearlyCounter.objects.get(sequence="placard", year=year).last == N
