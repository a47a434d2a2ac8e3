"""Redis stopped under a running system (issue 7, item 11): a private redis-server, started by the test,
serves as cache, session cache and broker, with a real worker on it. While it is down, officials log in,
sign and approve — every page answers from the database, the placard is issued and its render job waits
unsent; once Redis is back the sweep sends the job and the worker draws the placard. Nothing here uses the
machine's own Redis."""

from __future__ import annotations

import socket
import subprocess
import time
from unittest import mock

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from approvals.models import Application
from approvals.services.chain import department_decide
from placards.models import Placard
from tests.approvals import helpers as h
from tests.celery_worker import Worker, point_broker_at, worker_env
from tests.conftest import PASSWORD
from tests.factories import EnterpriseFactory
from tests.placards.helpers import wait_for
from zhifu_reopen.breaker import broker_breaker
from zhifu_reopen.jobs import job_create, job_enqueue, jobs_sweep
from zhifu_reopen.models import Job


class PrivateRedis:
    def __init__(self, tmp_path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = tmp_path / "redis.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--logfile", str(self.log)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(self.answers, timeout=30, interval=0.1, message="private redis up")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        assert not self.answers()

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        if redis.proc.poll() is None:
            redis.proc.kill()
            redis.proc.wait(timeout=30)


def login(client, user) -> None:
    from accounts.roles import needs_two_factor
    from tests.conftest import totp_code, totp_device

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    if needs_two_factor(user):  # issue 13: the signing posts type their authenticator's code
        response = client.post(reverse("login_verify"), {"token": totp_code(totp_device(user))})
        assert response.status_code == 302, response.content.decode()[:500]


def sign(client, application, post: str) -> None:
    response = client.post(reverse("approvals:sign", args=[application.pk]), {
        "post": post, "action": "sign", "opinion": "同意", "seen_iteration": application.iteration})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_officials_work_on_while_redis_is_down_and_the_placard_follows_once_it_is_back(
        private_redis, settings, tmp_path, personas, xy, gxj):
    from django.test import Client

    from zhifu_reopen.celery import app

    settings.CACHES = {"default": {"BACKEND": "zhifu_reopen.cache.FailOpenRedisCache", "LOCATION": private_redis.url,
                                   "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    good, eager = app.conf.broker_url, app.conf.task_always_eager
    point_broker_at(private_redis.url)
    app.conf.task_always_eager = False
    worker = Worker(worker_env(settings, private_redis.url), tmp_path / "worker.log").start()
    try:
        staff = personas["staff_xy"]
        small = h.street_approved(staff, EnterpriseFactory(jurisdiction=xy, department=gxj, scale="small"))
        large = h.street_approved(staff, EnterpriseFactory(jurisdiction=xy, department=gxj, scale="large",
                                                           employee_count=500))
        large = department_decide(user=personas["dept_gxj"], application=large, outcome="approve", opinion="同意")
        secretary, director, taskforce = Client(), Client(), Client()
        login(secretary, personas["secretary_xy"])  # a session made while Redis is up …

        private_redis.stop()
        # … still holds (it is in the database), and new ones are made while Redis is down.
        assert secretary.get(reverse("approvals:detail", args=[small.pk])).status_code == 200
        login(director, personas["director_xy"])
        login(taskforce, personas["taskforce"])
        for client in (secretary, director, taskforce):
            assert client.get(reverse("home")).status_code == 200
        sign(secretary, small, "secretary")
        sign(director, small, "director")
        response = taskforce.post(reverse("approvals:decide", args=[large.pk]), {
            "outcome": "approve", "opinion": "同意复工", "seen_iteration": large.iteration})
        assert response.status_code == 302, response.content.decode()[:500]

        approved = Application.objects.filter(pk__in=[small.pk, large.pk], status=Application.Status.APPROVED)
        assert approved.count() == 2
        placards = list(Placard.objects.filter(application__in=[small, large]))
        assert len(placards) == 2
        jobs = Job.objects.filter(pk__in=[p.render_job_id for p in placards])
        assert all(j.status == Job.Status.PENDING and j.enqueued_at is None for j in jobs)  # waiting, unsent
        assert taskforce.get(reverse("placards:detail", args=[placards[1].pk])).status_code == 200

        private_redis.start()  # empty: what was cached and queued before is gone
        wait_for(lambda: jobs_sweep(min_age_seconds=0) == 2, timeout=60, interval=0.5, message="the sweep sends")
        wait_for(lambda: all(j.status == Job.Status.DONE for j in Job.objects.filter(pk__in=[j.pk for j in jobs])),
                 timeout=120, message=f"placards drawn\n{worker.output()[-3000:]}")
        for placard in placards:
            placard.refresh_from_db()
            assert (settings.MEDIA_ROOT / placard.pdf.name).read_bytes()[:5] == b"%PDF-"
        assert secretary.get(reverse("approvals:detail", args=[small.pk])).status_code == 200  # still logged in
    finally:
        worker.stop()
        point_broker_at(good)
        app.conf.task_always_eager = eager


@pytest.mark.django_db
def test_a_broker_that_fails_is_not_tried_again_by_every_request(personas, django_capture_on_commit_callbacks):
    """One failed send opens the breaker: the next jobs wait for the sweep without touching the broker,
    so a broker that hangs costs one request one timeout, not every request."""
    from enterprises.tasks import enterprise_export_task

    user = personas["staff_xy"]
    with mock.patch.object(enterprise_export_task, "apply_async", side_effect=OperationalError("hangs")) as send:
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                job_enqueue(job_create(kind="enterprise_export", user=user), enterprise_export_task)
    assert send.call_count == 1 and not broker_breaker.allows()
    assert not Job.objects.filter(enqueued_at__isnull=False).exists()
    broker_breaker._open_until = time.monotonic()  # the cool-down is over: the broker is tried again
    with mock.patch.object(enterprise_export_task, "apply_async") as send, \
            django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job_create(kind="enterprise_export", user=user), enterprise_export_task)
    send.assert_called_once()
    assert send.call_args.kwargs == {"retry": False}  # one try: no retry loop inside the request


@pytest.mark.django_db
def test_a_task_that_fails_inline_does_not_open_the_breaker(personas, django_capture_on_commit_callbacks):
    from enterprises.tasks import enterprise_export_task

    with mock.patch.object(enterprise_export_task, "apply_async", side_effect=ValueError("task bug")), \
            django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job_create(kind="enterprise_export", user=personas["staff_xy"]), enterprise_export_task)
    assert broker_breaker.allows()
