"""The audit trail page of the task force and the district administrator: filters, newest first with keyset
pages, the export of the filtered result on a job (recorded, with the request id — through a real worker
too: the job's log lines and its entry carry the id of the request that queued it)."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.placards.helpers import wait_for
from zhifu_reopen.audit import audit_record
from zhifu_reopen.models import AuditEntry, Job
from zhifu_reopen.request_context import REQUEST_ID_HEADER, RequestContext, context_reset, context_set


def _record(actor, action="enterprise.update", request_id="", **kwargs):
    token = context_set(RequestContext(request_id=request_id, address="10.9.8.7", path="/p/"))
    try:
        return audit_record(actor=actor, action=action, **kwargs)
    finally:
        context_reset(token)


SETUP = {"auth.login", "account.create", "post.grant"}  # the personas' creation and the test's sign-in


def _actions(response) -> list[str]:
    return [a for a in re.findall(r'<tr data-action="([^"]+)"', response.content.decode()) if a not in SETUP]


def test_the_task_force_searches_the_trail(client, personas, enterprise_xy, enterprise_ds):
    staff, taskforce = personas["staff_xy"], personas["taskforce"]
    _record(staff, "enterprise.update", "req-aaaa-0001", target=enterprise_xy, reason="人数")
    _record(personas["staff_ds"], "survey.record", "req-bbbb-0002", target=enterprise_ds)
    _record(None, "auth.login_failed", "req-cccc-0003", target_repr="nobody", after={"username": "nobody"})
    client.force_login(taskforce)
    page = reverse("audit_trail")

    response = client.get(page)
    assert response.status_code == 200
    assert _actions(response) == ["auth.login_failed", "survey.record", "enterprise.update"]  # newest first
    assert "10.9.8.7" in response.content.decode() and "req-aaaa-0001" in response.content.decode()
    assert _actions(client.get(page, {"actor": "staff_xy"})) == ["enterprise.update"]
    assert _actions(client.get(page, {"action": "survey.record"})) == ["survey.record"]
    assert _actions(client.get(page, {"action": "auth."})) == ["auth.login_failed"]
    assert _actions(client.get(page, {"request_id": "req-bbbb-0002"})) == ["survey.record"]
    assert _actions(client.get(page, {"enterprise": enterprise_xy.pk})) == ["enterprise.update"]
    assert _actions(client.get(page, {"target": f"enterprises.enterprise:{enterprise_ds.pk}"})) == ["survey.record"]
    assert _actions(client.get(page, {"target": f"placards.placard:{enterprise_ds.pk}"})) == []
    assert _actions(client.get(page, {"target": str(enterprise_xy.pk)})) == ["enterprise.update"]
    assert _actions(client.get(page, {"target": "nobody"})) == ["auth.login_failed"]
    today = timezone.localdate()
    assert len(_actions(client.get(page, {"date_from": today.isoformat(), "date_to": today.isoformat()}))) == 3
    assert _actions(client.get(page, {"date_to": (today - timedelta(days=1)).isoformat()})) == []


@pytest.mark.parametrize("query", [{"date_from": "2024-13-01"}, {"date_from": "2025-02-02", "date_to": "2025-02-01"},
                                   {"action": "DROP TABLE"}, {"enterprise": "abc"}, {"after": "not-a-cursor"}])
def test_bad_filters_are_a_400_with_a_chinese_message(client, personas, query):
    client.force_login(personas["district_admin"])
    response = client.get(reverse("audit_trail"), query)
    assert response.status_code == 400
    assert re.search(r"[\u4e00-\u9fff]", response.content.decode())


def test_keyset_pages_newest_first(client, personas):
    from dashboards.services.audit_trail import PAGE_SIZE

    staff = personas["staff_xy"]
    ids = [_record(staff, "enterprise.update", target_repr=f"e{i}").pk for i in range(PAGE_SIZE + 5)]
    client.force_login(personas["district_admin"])
    first = client.get(reverse("audit_trail"), {"actor": "staff_xy"})
    body = first.content.decode()
    assert len(_actions(first)) == PAGE_SIZE
    cursor = re.search(r'id="audit-next" href="\?([^"]+)"', body).group(1).replace("&amp;", "&")
    second = client.get(reverse("audit_trail") + "?" + cursor)
    assert second.status_code == 200 and len(_actions(second)) == 5
    shown = re.findall(r">e(\d+)<", body) + re.findall(r">e(\d+)<", second.content.decode())
    assert [int(n) for n in shown] == list(range(len(ids) - 1, -1, -1))
    assert 'id="audit-next"' not in second.content.decode()


def test_other_roles_are_refused(client, personas):
    for name in ("staff_xy", "dept_gxj", "inspector_d1", "liaison_xy", "firm_xy"):
        client.force_login(personas[name])
        assert client.get(reverse("audit_trail")).status_code == 403
        assert client.post(reverse("audit_export")).status_code == 403
    assert not Job.objects.filter(kind="audit_export").exists()


def test_the_export_is_the_filtered_trail_and_is_recorded(transactional_db, client, personas, enterprise_xy):
    """Committed for real, so the job is sent (eagerly here) from inside the request, as in production."""
    _record(personas["staff_xy"], "enterprise.update", "req-xxxx-0001", target=enterprise_xy, after={"a": 1})
    _record(personas["staff_ds"], "survey.record", "req-yyyy-0002", target_repr="other")
    client.force_login(personas["taskforce"])
    response = client.post(reverse("audit_export") + "?actor=staff_xy", headers={REQUEST_ID_HEADER: "export-req-0001"})
    job = Job.objects.get(kind="audit_export")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    sheet = load_workbook(io.BytesIO(job.output_file.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == "enterprise.update" and rows[1][12] == "req-xxxx-0001"
    assert json.loads(rows[1][11]) == {"a": 1}
    entry = AuditEntry.objects.get(action="audit.export")
    assert entry.actor == personas["taskforce"] and entry.request_id == "export-req-0001"
    assert entry.after == {"rows": 1, "filters": {"actor": "staff_xy"}}
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200


@pytest.mark.redis
@pytest.mark.postgres
def test_a_job_carries_the_request_id_into_the_worker(celery_worker_proc, personas, client):
    _record(personas["staff_xy"], "enterprise.update", target_repr="x")
    client.force_login(personas["taskforce"])
    request_id = "worker-req-" + "7" * 20
    client.post(reverse("audit_export"), headers={REQUEST_ID_HEADER: request_id})
    job = Job.objects.get(kind="audit_export")
    wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=120,
             message=f"audit export job\n{celery_worker_proc.output()[-3000:]}")
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE
    entry = AuditEntry.objects.get(action="audit.export")
    assert entry.request_id == request_id and entry.path == "task:dashboards.audit_export"

    def job_lines():
        lines = []
        for line in celery_worker_proc.output().splitlines():
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict) and f"job {job.pk} (audit_export)" in str(data.get("message")):
                lines.append(data)
        return lines

    wait_for(lambda: len(job_lines()) >= 2, timeout=30, message=celery_worker_proc.output()[-3000:])
    assert {line["request_id"] for line in job_lines()} == {request_id}
    assert {"time", "level", "logger", "message", "user_id", "path"} <= set(job_lines()[0])
