"""A patrol member's agency (四位一体): required when appointed to a team, kept on the person, audited,
shown on the person's page and on the team's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.posts import Post
from accounts.services import people as svc
from accounts.services import user_create
from org.models import PatrolTeam
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db
REASON = "四位一体联合巡查组补充人员"


@pytest.fixture
def person(org):
    return user_create(username="li_si", password="x-pw-123456", role="", full_name="李四")


def test_an_inspector_post_needs_the_agency(personas, person):
    admin = personas["district_admin"]
    team = PatrolTeam.objects.get(name="向阳街道联合巡查组")
    with pytest.raises(DomainError) as refused:
        svc.post_appoint(actor=admin, person=person, post=Post(Role.INSPECTOR, team), reason=REASON)
    assert "所属单位" in refused.value.message
    with pytest.raises(DomainError):  # 区直部门 only on a district team
        svc.post_appoint(actor=admin, person=person, post=Post(Role.INSPECTOR, team), reason=REASON, agency="district")
    svc.post_appoint(actor=admin, person=person, post=Post(Role.INSPECTOR, team), reason=REASON, agency="police")
    person.refresh_from_db()
    assert person.agency == "police"
    entry = AuditEntry.objects.get(action="post.appoint", target_id=person.pk)
    assert entry.after == {"post": "向阳街道联合巡查组巡查人员", "agency": "police"}


def test_the_agency_is_shown_on_the_people_and_team_pages(client_for, personas, person):
    team = PatrolTeam.objects.get(name="向阳街道联合巡查组")
    c = client_for("district_admin")
    response = c.post(reverse("people:appoint", args=[person.pk]),
                      {"post": Post(Role.INSPECTOR, team).key, "agency": "community", "reason": REASON})
    assert response.status_code == 302
    assert "社区" in c.get(reverse("people:detail", args=[person.pk])).content.decode()
    members = client_for("staff_xy").get(reverse("inspections:team", args=[team.pk])).content.decode()
    assert "李四" in members and "社区" in members
    other = user_create(username="wang_wu", password="x-pw-123456", role="", full_name="王五")
    missing = c.post(reverse("people:appoint", args=[other.pk]),
                     {"post": Post(Role.INSPECTOR, team).key, "reason": REASON})
    assert missing.status_code == 400 and "所属单位" in missing.content.decode()
    other.refresh_from_db()
    assert other.role == "" and other.agency == ""
