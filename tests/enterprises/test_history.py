"""The enterprise's 操作记录: each entry only to those who may see its subject, in words people read."""

import pytest

from approvals.services.signatures import signature_add
from enterprises.history import history_visible
from enterprises.models import LiaisonAssignment
from enterprises.services.registry import enterprise_update
from tests.approvals.helpers import street_approved

OPINION = "材料齐全，同意"  # the street decision of tests.approvals.helpers.street_approved


@pytest.fixture
def approved_enterprise(personas, enterprise_xy):
    """An enterprise with its own entries and an approved application (decisions, opinions, a placard)."""
    LiaisonAssignment.objects.create(liaison=personas["liaison_xy"], enterprise=enterprise_xy)
    enterprise_update(user=personas["staff_xy"], enterprise=enterprise_xy, data={"employee_count": 41}, reason="人数核实")
    application = street_approved(personas["staff_xy"], enterprise_xy)
    application.refresh_from_db()
    signature_add(user=personas["secretary_xy"], application=application, post="secretary", opinion="书记同意")
    signature_add(user=personas["director_xy"], application=application, post="director", opinion="主任同意")
    return enterprise_xy


def _subjects(user, enterprise):
    return {e.target_type for e in history_visible(user, enterprise)}


@pytest.mark.parametrize("persona", ["staff_xy", "secretary_xy", "director_xy", "dept_gxj", "taskforce"])
def test_who_may_see_the_applications_sees_their_history(personas, approved_enterprise, persona):
    assert _subjects(personas[persona], approved_enterprise) == {
        "enterprises.enterprise", "approvals.application", "placards.placard",
    }


@pytest.mark.parametrize("persona", ["inspector_xy", "inspector_d1", "liaison_xy"])
def test_inspectors_and_liaisons_see_only_the_enterprises_own_entries(personas, approved_enterprise, persona):
    entries = list(history_visible(personas[persona], approved_enterprise))
    assert {e.target_type for e in entries} == {"enterprises.enterprise"}
    assert all(OPINION not in e.reason for e in entries)


@pytest.mark.parametrize("persona", ["inspector_xy", "liaison_xy"])
def test_the_enterprise_page_shows_no_decision_nor_opinion_to_them(client_for, approved_enterprise, persona):
    response = client_for(persona).get(approved_enterprise.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "人数核实" in body  # the enterprise's own history is there
    for secret in (OPINION, "书记同意", "主任同意", "application.", "placard."):
        assert secret not in body


def test_the_reviewing_official_sees_the_decisions_on_the_enterprise_page(client_for, approved_enterprise):
    body = client_for("secretary_xy").get(approved_enterprise.get_absolute_url()).content.decode()
    assert OPINION in body and "书记同意" in body


def _history(client, enterprise) -> str:
    body = client.get(enterprise.get_absolute_url()).content.decode()
    return body[body.index('id="history"'):]


def test_the_history_reads_in_words_and_local_times(client_for, personas, approved_enterprise, swj):
    from datetime import date

    from django.utils import timezone

    from enterprises.services.registry import survey_visit_record
    from zhifu_reopen.models import AuditEntry

    enterprise_update(user=personas["staff_xy"], enterprise=approved_enterprise, data={"department": swj})
    survey_visit_record(user=personas["staff_xy"], enterprise=approved_enterprise, visited_on=date.today(),
                        observed_status="reopened")
    submit = AuditEntry.objects.get(action="application.submit")
    assert submit.before["status"] == "draft" and submit.after["status"] == "submitted"
    raw_deadline = submit.after["step_deadline"]  # stored as UTC text
    local = timezone.localtime(timezone.datetime.fromisoformat(raw_deadline)).strftime("%Y-%m-%d %H:%M")

    history = _history(client_for("staff_xy"), approved_enterprise)
    for raw in ("enterprise.update", "survey.record", "application.submit", "placard.issue",
                "employee_count", "step_deadline", "observed_status", "draft", "submitted", raw_deadline, "+00:00"):
        assert raw not in history, raw
    for words in ("修改企业信息", "员工人数", "记录走访", "现场状态", "已复工", "提交复工申请", "草稿", "待审核",
                  "环节办理时限", local, "发放公示牌", swj.name):
        assert words in history, words


def test_the_history_follows_the_ui_language(client_for, approved_enterprise):
    client = client_for("staff_xy")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    history = _history(client, approved_enterprise)
    assert "Employees" in history and "员工人数" not in history
    assert "Pending review" in history
