"""The patrol pages as their users use them: the form posted as a browser posts it, each page rendered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.choices import OperatingStatus
from inspections.models import Inspection, Photo, RectificationOrder, StopWork
from inspections.services.checklists import checklist_for
from placards.models import Placard
from tests.inspections.helpers import all_yes, failed, jpeg, record

pytestmark = pytest.mark.django_db
XY_TEAM = "向阳街道联合巡查组"


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(enterprise, *, fail: dict[str, str] | None = None) -> dict:
    now = timezone.now()
    data = {"enterprise": enterprise.pk, "started_at": local(now - dt.timedelta(minutes=30)),
            "ended_at": local(now), "notes": "门岗登记完整", "latitude": "37.5366", "longitude": "121.3912",
            "accuracy": "18"}
    for item in checklist_for(enterprise, "routine").items.all():
        code_fail = (fail or {}).get(item.code)
        data[f"answer-{item.pk}"] = "no" if code_fail else "yes"
        if code_fail:
            data[f"note-{item.pk}"] = code_fail
            data[f"action-{item.pk}"] = "rectify"
            data[f"photo-{item.pk}"] = jpeg(f"{item.code}.jpg", taken="2026:12:01 09:30:00")
    return data


def test_record_form_posts_and_shows_the_inspection(client_for, reopened):
    enterprise, _placard = reopened
    c = client_for("inspector_xy")
    page = c.get(reverse("inspections:new"), {"enterprise": enterprise.pk})
    assert page.status_code == 200
    assert 'capture="environment"' in page.content.decode()
    token = page.context["token"]
    data = {**form_data(enterprise, fail={"masks": "前台未戴口罩"}), "token": token}
    done = c.post(reverse("inspections:new"), data)
    assert done.status_code == 302
    inspection = Inspection.objects.get()
    assert done["Location"] == reverse("inspections:detail", args=[inspection.pk])
    detail = c.get(done["Location"]).content.decode()
    assert "前台未戴口罩" in detail and XY_TEAM in detail
    photo = Photo.objects.get()
    assert (str(photo.latitude), photo.accuracy_m) == ("37.536600", 18)
    assert photo.captured_at is not None
    view = c.get(reverse("inspections:photo", args=[photo.pk])).content.decode()
    assert "2026-12-01 09:30:00" in view and "37.536600" in view
    assert c.get(reverse("inspections:photo_thumb", args=[photo.pk]))["Content-Type"] == "image/jpeg"
    # Out of scope: another street's inspector sees nothing of it.
    assert client_for("inspector_ds").get(reverse("inspections:photo_file", args=[photo.pk])).status_code == 404


def test_a_refused_form_keeps_what_was_typed(client_for, reopened):
    enterprise, _placard = reopened
    c = client_for("inspector_xy")
    data = form_data(enterprise)
    masks = checklist_for(enterprise, "routine").items.get(code="masks")
    data.pop(f"answer-{masks.pk}")
    response = c.post(reverse("inspections:new"), {**data, "notes": "我写的记录"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "尚未填写检查结果" in body and "我写的记录" in body
    assert not Inspection.objects.exists()


def test_verify_page_offers_the_inspection_to_a_covering_inspector(client, client_for, reopened):
    _enterprise, placard = reopened
    url = f"/v/{placard.token}/"
    assert "start-inspection" not in client.get(url).content.decode()
    assert "start-inspection" in client_for("inspector_xy").get(url).content.decode()
    assert "start-inspection" not in client_for("inspector_ds").get(url).content.decode()
    assert "start-inspection" not in client_for("staff_xy").get(url).content.decode()


def test_reinspection_closes_one_and_stops_work_on_the_other(client_for, personas, reopened):
    enterprise, placard = reopened
    record(personas["inspector_xy"], enterprise, XY_TEAM,
           answers=all_yes(enterprise, masks=failed("未戴口罩"), disinfection=failed("无消毒记录")))
    first, second = RectificationOrder.objects.order_by("pk")
    c = client_for("inspector_xy")
    now = timezone.now()
    times = {"started_at": local(now - dt.timedelta(minutes=20)), "ended_at": local(now)}
    page = c.get(reverse("inspections:reinspect", args=[first.pk])).content.decode()
    assert "未戴口罩" in page and "无消毒记录" in page  # the original finding and its sibling
    assert c.post(reverse("inspections:reinspect", args=[first.pk]), {**times, "outcome": "pass"}).status_code == 302
    assert c.post(reverse("inspections:reinspect", args=[second.pk]),
                  {**times, "outcome": "stop_work", "note": "仍无消毒记录"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("closed", "escalated")
    placard.refresh_from_db()
    assert placard.status == Placard.Status.SUSPENDED
    assert "verify-status" in client_for(None).get(f"/v/{placard.token}/").content.decode()
    again = c.post(reverse("inspections:reinspect", args=[first.pk]), {**times, "outcome": "pass"})
    assert again.status_code == 409
    stop = StopWork.objects.get()
    lift = c.post(reverse("inspections:stop_work", args=[stop.pk]), {**times, "reason": "复查合格，已建立消毒台账"})
    assert lift.status_code == 302
    placard.refresh_from_db()
    enterprise.refresh_from_db()
    assert placard.status == Placard.Status.VALID and enterprise.operating_status == OperatingStatus.REOPENED
    orders = client_for("staff_xy").get(reverse("inspections:orders"), {"show": "escalated"}).content.decode()
    assert enterprise.name in orders
    history = client_for("staff_xy").get(enterprise.get_absolute_url()).content.decode()
    assert "巡查与执法" in history and "已解除" in history


def test_unauthorised_opening_reaches_the_street(client_for, personas, xy):
    from accounts.models import Notification
    from enterprises.models import Enterprise

    staff = personas["staff_xy"]  # the street's official, there before the patrol comes
    c = client_for("inspector_d1")
    now = timezone.now()
    response = c.post(reverse("inspections:unauthorised_new"), {
        "jurisdiction": xy.pk, "name": "老王棋牌室", "address": "向阳街道只楚路8号", "business": "棋牌室",
        "description": "十余人聚集打牌，未测温", "photos": jpeg(), "started_at": local(now - dt.timedelta(minutes=10)),
        "ended_at": local(now),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    venue = Enterprise.objects.get(name="老王棋牌室")
    assert venue.operating_status == OperatingStatus.UNAUTHORISED and venue.credit_code is None
    assert Notification.objects.filter(user=staff, code="enforcement.unauthorised").exists()
    page = client_for("staff_xy").get(venue.get_absolute_url()).content.decode()
    assert "十余人聚集打牌" in page and "未登记" in page
    listing = client_for("staff_xy").get(reverse("enterprises:list"), {"q": "老王"}).content.decode()
    assert "老王棋牌室" in listing


@pytest.mark.parametrize("name", ["inspections:due", "inspections:teams", "inspections:checklists", "inspections:orders"])
def test_lists_render(client_for, reopened, name):
    persona = "inspector_xy"
    assert client_for(persona).get(reverse(name)).status_code == 200


def test_due_list_is_the_inspectors_home(client_for, reopened):
    from inspections.services.due import due_lists_build

    enterprise, _placard = reopened
    due_lists_build()
    home = client_for("inspector_xy").get("/").content.decode()
    assert "due-widget" in home and enterprise.name in home
    assert client_for("staff_xy").get("/").content.decode().count("due-widget") == 0


def test_checklist_edit_makes_a_new_version(client_for, reopened):
    from inspections.models import Checklist, ChecklistVersion

    checklist = Checklist.objects.get(purpose="reopened")
    c = client_for("taskforce")
    assert c.post(reverse("inspections:checklist_draft", args=[checklist.pk])).status_code == 302
    assert c.post(reverse("inspections:checklist_item", args=[checklist.pk]), {
        "code": "elevator", "text": "电梯按钮定时消毒", "finding_category": "disinfection", "photo_on": ["no"],
    }).status_code == 302
    assert c.post(reverse("inspections:checklist_publish", args=[checklist.pk])).status_code == 302
    versions = dict(ChecklistVersion.objects.filter(checklist=checklist).values_list("number", "status"))
    assert versions == {1: "retired", 2: "published"}
    assert client_for("inspector_xy").post(reverse("inspections:checklist_draft", args=[checklist.pk])).status_code == 403
    assert "电梯按钮定时消毒" in c.get(reverse("inspections:checklist", args=[checklist.pk])).content.decode()
