"""Notifications are stored as a message code and its data, and shown in the reader's language
(issue 7 §23.2): whoever triggered them, in whatever language."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification
from approvals.services.deadlines import application_remind
from approvals.services.review import street_decide
from tests.approvals import helpers as h

pytestmark = pytest.mark.django_db


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def test_a_reminder_sent_from_the_english_ui_reads_in_each_readers_language(client_for, personas, staff, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    with translation.override("en"):  # the task force works in English
        application_remind(user=personas["taskforce"], application=app, note="请今天办结")
    note = Notification.objects.get(user=staff)
    assert note.code == "application.remind"
    assert note.message_data == {"number": app.number, "firm": enterprise_xy.name, "step": "street", "note": "请今天办结"}
    assert note.message == f"催办：{app.number} {enterprise_xy.name}（街道/园区审核） 请今天办结"  # the record

    page = client_for("staff_xy").get(reverse("approvals:queue")).text
    assert f"催办：{app.number} {enterprise_xy.name}（街道/园区审核） 请今天办结" in page
    page = english(client_for("staff_xy")).get(reverse("approvals:queue")).text
    assert f"Reminder: {app.number} {enterprise_xy.name} (Street/park review) 请今天办结" in page
    assert "催办：" not in page and "街道/园区审核" not in page


def test_the_filers_result_names_the_status_in_the_readers_language(client_for, staff, reviewer, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    with translation.override("en"):
        street_decide(user=reviewer, application=app, outcome="return", opinion="补正")
    note = Notification.objects.get(user=staff)
    assert (note.code, note.message_data["status"]) == ("application.decided", "returned")
    assert note.message.endswith("已退回")
    home = english(client_for("staff_xy")).get("/").text  # the queue widget on the home page
    assert f"Application {app.number} ({enterprise_xy.name}): Returned" in home


def test_rows_stored_as_sentences_before_codes_are_read_back_by_the_migration(staff):
    migration = importlib.import_module("accounts.migrations.0002_notification_code")
    old = Notification.objects.create(user=staff, message="即将到期：FG2026-0001 芝罘某厂（主管部门审核）")
    decided = Notification.objects.create(user=staff, message="复工申请FG2026-0002（芝罘某店）不予通过")
    other = Notification.objects.create(user=staff, message="导入完成")
    migration.codes_from_messages(apps, None)
    for row in (old, decided, other):
        row.refresh_from_db()
    assert (old.code, old.message_data) == (
        "application.deadline_near", {"number": "FG2026-0001", "firm": "芝罘某厂", "step": "department"})
    assert (decided.code, decided.message_data["status"]) == ("application.decided", "rejected")
    assert other.code == "" and other.text == "导入完成"  # unknown: shown as stored
    with translation.override("en"):
        assert old.text == "Due soon: FG2026-0001 芝罘某厂 (Department review)"
        assert decided.text == "Application FG2026-0002 (芝罘某店): Not approved"
    assert old.text == old.message
