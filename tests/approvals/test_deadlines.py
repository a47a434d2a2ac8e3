"""Deadlines: colours, reminders and escalation on Celery beat, and 催办."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Notification
from approvals import tasks
from approvals.models import Application
from approvals.services.deadlines import (
    application_remind,
    deadline_state,
    overdue_escalate,
    time_left_label,
)
from tests.approvals import helpers as h
from tests.factories import EnterpriseFactory
from zhifu_reopen.errors import DomainError

pytestmark = pytest.mark.django_db


def test_deadline_colours():
    now = timezone.now()
    start = now - timedelta(hours=70)
    assert deadline_state(now + timedelta(hours=2), start, now) == "near"
    assert deadline_state(now + timedelta(hours=60), now - timedelta(hours=12), now) == "ok"
    assert deadline_state(now - timedelta(minutes=1), start, now) == "overdue"
    assert "超时" in time_left_label(now - timedelta(hours=3), now)
    assert "剩余" in time_left_label(now + timedelta(hours=3), now)


def test_beat_reminds_the_step_officials_once_per_interval(personas, staff, enterprise_xy, django_capture_on_commit_callbacks):
    staff.email = "staff@example.com"
    staff.save()
    app = h.submitted(staff, enterprise_xy)
    Application.objects.filter(pk=app.pk).update(step_deadline=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_deadline_reminders.delay().get() == 1
    note = Notification.objects.get(user=staff)
    assert app.number in note.message and "超时" in note.message and note.link.endswith(f"/{app.pk}/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["staff@example.com"]
    # Personal data never goes into a notification.
    assert app.employees.first().id_number not in note.message
    assert tasks.send_deadline_reminders.delay().get() == 0  # not again within the interval
    assert not Notification.objects.filter(user=personas["staff_ds"]).exists()


def test_beat_escalates_long_overdue_steps_to_the_task_force_once(personas, staff, enterprise_xy):
    tf = personas["taskforce"]
    app = h.submitted(staff, enterprise_xy)
    Application.objects.filter(pk=app.pk).update(step_deadline=timezone.now() - timedelta(hours=30))
    assert tasks.escalate_overdue.delay().get() == 1
    assert Notification.objects.filter(user=tf, message__contains="上报专班").count() == 1
    assert overdue_escalate() == 0
    app.refresh_from_db()
    assert app.escalated_at is not None


def test_signature_step_reminds_only_who_has_not_signed(personas, staff, enterprise_xy):
    from approvals.services.signatures import signature_add

    app = h.street_approved(staff, enterprise_xy)
    signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    director = personas["director_xy"]
    assert application_remind(user=personas["taskforce"], application=app, note="请尽快签字") == 1
    assert Notification.objects.filter(user=director, message__contains="催办").exists()
    assert not Notification.objects.filter(user=personas["secretary_xy"]).exists()


def test_remind_is_for_superiors_only(personas, staff, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    with pytest.raises(DomainError):
        application_remind(user=staff, application=app)
    with pytest.raises(DomainError):
        application_remind(user=personas["secretary_ds"], application=app)
    assert application_remind(user=personas["secretary_xy"], application=app) == 1


def test_reminders_show_on_the_queue_and_home_and_can_be_marked_read(client_for, personas, staff, enterprise_xy):
    from django.urls import reverse

    app = h.submitted(staff, enterprise_xy)
    application_remind(user=personas["taskforce"], application=app, note="请今天办结")
    c = client_for("staff_xy")
    assert "请今天办结" in c.get(reverse("approvals:queue")).text
    assert "请今天办结" in c.get(reverse("home")).text
    assert c.post(reverse("approvals:reminders_read")).status_code == 302
    assert "请今天办结" not in c.get(reverse("approvals:queue")).text
    assert not Notification.objects.filter(user=staff, read_at__isnull=True).exists()


def test_task_force_sees_escalated_items_of_every_step(client_for, personas, staff, enterprise_xy):
    from django.urls import reverse

    app = h.submitted(staff, enterprise_xy)
    Application.objects.filter(pk=app.pk).update(step_deadline=timezone.now() - timedelta(hours=30))
    overdue_escalate()
    page = client_for("taskforce").get(reverse("approvals:queue") + "?tab=escalated").text
    assert app.number in page and "已上报专班" in page
    assert app.number not in client_for("taskforce").get(reverse("approvals:queue")).text  # street step
    assert app.number not in client_for("staff_ds").get(reverse("approvals:queue") + "?tab=escalated").text


def test_the_filer_hears_of_returns_and_approvals(personas, staff, enterprise_xy):
    from approvals.services.review import street_decide
    from approvals.services.signatures import signature_add

    app = h.submitted(staff, enterprise_xy)
    street_decide(user=h.colleague(staff), application=app, outcome="return", opinion="补正")
    assert Notification.objects.filter(user=staff, message__contains="已退回").count() == 1
    app = h.street_approved(staff, EnterpriseFactory(jurisdiction=enterprise_xy.jurisdiction))
    signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    signature_add(user=personas["director_xy"], application=app, post="director", opinion="同意")
    assert Notification.objects.filter(user=staff, message__contains="已通过").count() == 1
