import os
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from zhifu_reopen.jobs import job_create, job_enqueue, jobs_sweep
from zhifu_reopen.models import Job

pytestmark = pytest.mark.django_db


def test_a_job_whose_first_send_failed_is_swept_whatever_its_kind(personas, django_capture_on_commit_callbacks):
    from enterprises.tasks import enterprise_export_task

    job = job_create(kind="enterprise_export", user=personas["staff_xy"], params={})
    down = mock.patch.object(enterprise_export_task, "apply_async", side_effect=ConnectionError("broker down"))
    with down, django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job, enterprise_export_task)
    job.refresh_from_db()
    assert job.task_name == enterprise_export_task.name
    assert job.enqueued_at is None and job.status == Job.Status.PENDING

    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    with mock.patch.object(enterprise_export_task, "delay") as delay:
        assert jobs_sweep(min_age_seconds=60) == 1
    delay.assert_called_once_with(job.pk)
    job.refresh_from_db()
    assert job.enqueued_at is not None
    with mock.patch.object(enterprise_export_task, "delay") as delay:
        assert jobs_sweep(min_age_seconds=60) == 0  # sent now: not again until it is stale
    delay.assert_not_called()


def test_the_sweep_stops_while_the_broker_is_still_down(personas):
    from enterprises.tasks import enterprise_export_task

    for _ in range(3):
        job = job_create(kind="enterprise_export", user=personas["staff_xy"], params={})
        Job.objects.filter(pk=job.pk).update(task_name=enterprise_export_task.name,
                                            created_at=timezone.now() - timedelta(minutes=5))
    with mock.patch.object(enterprise_export_task, "delay", side_effect=ConnectionError) as delay:
        assert jobs_sweep(min_age_seconds=60) == 0
    assert delay.call_count == 1
    assert not Job.objects.filter(enqueued_at__isnull=False).exists()


def test_jobs_are_visible_to_their_owner_only(client_for, personas):
    job = job_create(kind="enterprise_export", user=personas["staff_xy"])
    assert client_for("staff_xy").get(f"/jobs/{job.pk}/").status_code == 200
    assert client_for("staff_ds").get(f"/jobs/{job.pk}/").status_code == 404


def test_a_service_finds_its_task_by_name_before_any_tasks_module_is_imported():
    """Services queue their Celery task by its name (the tasks modules import the services, not the other
    way round): a web process that has imported no tasks module yet still finds the task."""
    code = (
        "import django; django.setup()\n"
        "from celery import current_app\n"
        "assert 'enterprises.import' not in current_app.tasks, 'a tasks module was imported at set-up'\n"
        "from zhifu_reopen.jobs import task_named\n"
        "print(task_named('enterprises.import').name, task_named('placards.render').name)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhifu_reopen.settings"}
    run = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["enterprises.import", "placards.render"]
