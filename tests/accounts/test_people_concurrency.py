"""Two appointments of a street's secretary at once (two threads, two database connections) are taken one
after the other: never two secretaries. The first is held inside its transaction, after its locks, until
the second is seen waiting on the lock; then released."""

import threading
import time

import pytest
from django.db import connection

from accounts.models import Role, User
from accounts.posts import Post, holders
from accounts.services import people as svc
from accounts.services import user_create
from tests.conftest import PASSWORD
from zhifu_reopen.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def poll(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_two_secretaries_appointed_at_once_leave_one(personas, xy, monkeypatch):
    admin, old = personas["district_admin"], personas["secretary_xy"]
    first = user_create(username="sec_a", password=PASSWORD, role="", full_name="甲")
    second = user_create(username="sec_b", password=PASSWORD, role="", full_name="乙")
    post = Post(Role.STREET_SECRETARY, xy)
    inside, release = threading.Event(), threading.Event()
    grant = svc._grant

    def held_grant(person, p):
        if person.pk == first.pk:  # the first appointment stops here, its locks taken
            inside.set()
            assert release.wait(30)
        grant(person, p)

    monkeypatch.setattr(svc, "_grant", held_grant)
    results = {}

    def appoint(person):
        try:
            results[person.pk] = svc.post_appoint(actor=User.objects.get(pk=admin.pk), person=person, post=post,
                                                  reason="任命")
        except Exception as exc:  # pragma: no cover - reported below
            results[person.pk] = exc
        finally:
            connection.close()

    a = threading.Thread(target=appoint, args=(first,))
    a.start()
    assert inside.wait(20)
    b = threading.Thread(target=appoint, args=(second,))
    b.start()
    try:
        assert poll(lambda: waiting_on_a_lock() >= 1), "the second appointment did not wait for the first"
        assert holders(post) == [old]  # nothing committed yet
    finally:
        release.set()
        a.join(30)
        b.join(30)
    assert [u.pk for u in results[first.pk]] == [old.pk]  # the first ended the old secretary's post
    assert [u.pk for u in results[second.pk]] == [first.pk]  # the second ended the first's
    assert holders(post) == [second]
    ended = AuditEntry.objects.filter(action="post.end", target_type="accounts.user")
    assert sorted(ended.values_list("target_id", flat=True)) == sorted([old.pk, first.pk])
    assert AuditEntry.objects.filter(action="post.appoint").count() == 2
