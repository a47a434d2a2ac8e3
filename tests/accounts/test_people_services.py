"""People and posts through their services: each action, its audit entry, and its refusals (Chinese
reasons from the rule table, nothing written)."""

import pytest
from django.contrib.auth.tokens import default_token_generator

from accounts.models import Role, User
from accounts.posts import Post, holders, posts_of
from accounts.services import people as svc
from accounts.services import user_create
from approvals.rules import signer_posts
from approvals.services.signatures import signature_add
from org.models import PatrolTeam
from tests.approvals import helpers as h
from tests.conftest import PASSWORD
from zhifu_reopen.errors import Conflict, DomainError
from zhifu_reopen.models import AuditEntry

REASON = "芝委任〔2020〕3号"


def refused(call, code=None, text=None):
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as info:
        call()
    if code:
        assert info.value.code == code, (info.value.code, info.value.message)
    if text:
        assert text in info.value.message, info.value.message
    assert AuditEntry.objects.count() == before  # nothing written
    return info.value


def entries(person, action):
    return list(AuditEntry.objects.filter(target_type="accounts.user", target_id=person.pk, action=action))


@pytest.fixture
def admin(personas):
    return personas["district_admin"]


@pytest.fixture
def newcomer(org):
    return user_create(username="li_xin", password=PASSWORD, role="", full_name="李新")


def test_appointing_a_new_secretary_ends_the_old_ones_post_in_the_same_step(admin, personas, newcomer, xy, enterprise_xy):
    old = personas["secretary_xy"]
    app = h.street_approved(personas["staff_xy"], enterprise_xy)
    assert signer_posts(old, app) == ["secretary"]
    secretary = Post(Role.STREET_SECRETARY, xy)
    ended = svc.post_appoint(actor=admin, person=newcomer, post=secretary, reason=REASON)
    assert ended == [old]
    assert holders(secretary) == [newcomer]
    newcomer.refresh_from_db()
    old.refresh_from_db()
    assert newcomer.role == Role.STREET_SECRETARY and posts_of(newcomer) == [secretary]
    assert old.role == "" and posts_of(old) == []
    # The old one can no longer sign; the new one signs.
    assert signer_posts(old, app) == []
    refused(lambda: signature_add(user=User.objects.get(pk=old.pk), application=app, post="secretary",
                                  opinion="同意"), code="forbidden")
    signature_add(user=User.objects.get(pk=newcomer.pk), application=app, post="secretary", opinion="同意")
    # Who granted what to whom, when, why — on each person.
    (appointed,) = entries(newcomer, "post.appoint")
    assert appointed.actor == admin and appointed.post == "区级系统管理员"
    assert appointed.after == {"post": "向阳街道党工委书记"} and appointed.reason == REASON
    (left,) = entries(old, "post.end")
    assert left.actor == admin and left.before == {"post": "向阳街道党工委书记"}
    assert left.after == {"successor": "李新"} and left.reason == REASON


def test_a_director_appoints_officials_and_the_secretary_of_the_own_street_only(personas, newcomer, xy, ds, gxj):
    director, staff_xy, staff_ds, reviewer, secretary = (
        personas[n] for n in ("director_xy", "staff_xy", "staff_ds", "dept_gxj", "secretary_xy"))
    for post in (Post(Role.STREET_DIRECTOR, xy), Post(Role.STREET_STAFF, ds), Post(Role.STREET_SECRETARY, ds),
                 Post(Role.DEPARTMENT_REVIEWER, gxj), Post(Role.TASK_FORCE)):
        refused(lambda post=post: svc.post_appoint(actor=director, person=staff_xy, post=post, reason=REASON),
                code="forbidden", text="街道主任只能任免本街道的工作人员和党工委书记")
    # Someone who is not in the street's hands: another street's official, a reviewer.
    refused(lambda: svc.account_deactivate(actor=director, person=staff_ds, reason=REASON),
            code="forbidden", text="不在您管理的范围内")
    refused(lambda: svc.account_deactivate(actor=director, person=reviewer, reason=REASON), code="forbidden")
    # Nor themselves (the director's post is the district's to give).
    refused(lambda: svc.account_deactivate(actor=director, person=director, reason=REASON), code="forbidden")
    # Within the street: an account with its first post, then the secretary's post moved to it.
    person, _path = svc.account_create(actor=director, username="wang_gy", full_name="王干事",
                                       post=Post(Role.STREET_STAFF, xy), reason=REASON)
    assert posts_of(person) == [Post(Role.STREET_STAFF, xy)]
    svc.post_move(actor=director, person=person, leaving=Post(Role.STREET_STAFF, xy),
                  post=Post(Role.STREET_SECRETARY, xy), reason=REASON)
    assert holders(Post(Role.STREET_SECRETARY, xy)) == [person]
    assert posts_of(User.objects.get(pk=secretary.pk)) == []
    refused(lambda: svc.account_create(actor=director, username="x1", full_name="某", reason=REASON),
            code="forbidden", text="请为新账号选择本街道的岗位")


def test_only_a_superuser_appoints_a_district_administrator(admin, newcomer, django_user_model):
    post = Post(Role.DISTRICT_ADMIN)
    refused(lambda: svc.post_appoint(actor=admin, person=newcomer, post=post, reason=REASON),
            code="forbidden", text="区级系统管理员只能由超级管理员任免")
    root = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    svc.post_appoint(actor=root, person=newcomer, post=post, reason=REASON)
    newcomer.refresh_from_db()
    assert newcomer.role == Role.DISTRICT_ADMIN and posts_of(newcomer) == [post]
    # Then the district administrator may not manage the other administrator, nor a superuser.
    refused(lambda: svc.account_deactivate(actor=admin, person=newcomer, reason=REASON), code="forbidden",
            text="超级管理员和区级系统管理员的账号只能由超级管理员管理")
    refused(lambda: svc.password_reset_link(actor=admin, person=root), code="forbidden")
    svc.post_end(actor=root, person=newcomer, post=post, reason=REASON)
    newcomer.refresh_from_db()
    assert newcomer.role == "" and posts_of(newcomer) == []


def test_others_manage_nobody(personas, newcomer, xy):
    for name in ("staff_xy", "secretary_xy", "dept_gxj", "taskforce", "inspector_d1", "liaison_xy"):
        actor = personas[name]
        refused(lambda actor=actor: svc.post_appoint(actor=actor, person=newcomer, post=Post(Role.STREET_STAFF, xy),
                                                     reason=REASON), code="forbidden")


def test_one_role_per_person_and_a_move_changes_it(admin, personas, xy, ds, gxj):
    staff = personas["staff_xy"]
    error = refused(lambda: svc.post_appoint(actor=admin, person=staff, post=Post(Role.DEPARTMENT_REVIEWER, gxj),
                                             reason=REASON), code="other_post")
    assert "现任向阳街道工作人员" in error.message
    svc.post_appoint(actor=admin, person=staff, post=Post(Role.STREET_STAFF, ds), reason=REASON)
    assert posts_of(staff) == [Post(Role.STREET_STAFF, xy), Post(Role.STREET_STAFF, ds)]
    refused(lambda: svc.post_move(actor=admin, person=staff, leaving=Post(Role.STREET_STAFF, xy),
                                  post=Post(Role.STREET_STAFF, ds), reason=REASON), code="already_held")
    team = PatrolTeam.objects.get(name="区第一巡查指导组")
    refused(lambda: svc.post_move(actor=admin, person=staff, leaving=Post(Role.STREET_STAFF, xy),
                                  post=Post(Role.INSPECTOR, team), reason=REASON), code="other_post")
    svc.post_end(actor=admin, person=staff, post=Post(Role.STREET_STAFF, ds), reason=REASON)
    refused(lambda: svc.post_move(actor=admin, person=staff, leaving=Post(Role.STREET_STAFF, xy),
                                  post=Post(Role.INSPECTOR, team), reason=REASON), code="invalid")  # no agency
    svc.post_move(actor=admin, person=staff, leaving=Post(Role.STREET_STAFF, xy), post=Post(Role.INSPECTOR, team),
                  reason=REASON, agency="street")
    staff.refresh_from_db()
    assert staff.role == Role.INSPECTOR and posts_of(staff) == [Post(Role.INSPECTOR, team)]
    assert staff.agency == "street"
    (moved,) = entries(staff, "post.move")
    assert moved.before == {"post": "向阳街道工作人员"}
    assert moved.after == {"post": "区第一巡查指导组巡查人员", "agency": "street"}


def test_ending_a_post_twice_is_a_conflict_and_a_reason_is_required(admin, personas, xy):
    staff = personas["staff_xy"]
    post = Post(Role.STREET_STAFF, xy)
    refused(lambda: svc.post_end(actor=admin, person=staff, post=post, reason="  "), code="invalid",
            text="请填写理由")
    svc.post_end(actor=admin, person=staff, post=post, reason=REASON)
    staff.refresh_from_db()
    assert staff.role == "" and posts_of(staff) == []
    error = refused(lambda: svc.post_end(actor=admin, person=staff, post=post, reason=REASON), code="not_held")
    assert isinstance(error, Conflict) and "已不再担任向阳街道工作人员" in error.message
    (ended,) = entries(staff, "post.end")
    assert ended.before == {"post": "向阳街道工作人员"} and ended.after is None


def test_an_account_opened_without_a_password_sets_one_on_a_one_time_link(admin, client, xy):
    person, path = svc.account_create(actor=admin, username="zhang_gz", full_name="张干事", mobile="13905350001",
                                      post=Post(Role.STREET_STAFF, xy), reason=REASON)
    assert not person.has_usable_password()
    (created,) = entries(person, "account.create")
    assert created.actor == admin and created.after["username"] == "zhang_gz" and created.after["full_name"] == "张干事"
    assert entries(person, "post.appoint")[0].after == {"post": "向阳街道工作人员"}
    assert path not in str(list(AuditEntry.objects.values_list("after", "reason")))  # the link is kept nowhere
    response = client.get(path, follow=True)
    assert response.status_code == 200 and "设置密码" in response.content.decode()
    response = client.post(response.redirect_chain[-1][0], {"new_password1": "Zhifu-2020-set",
                                                             "new_password2": "Zhifu-2020-set"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Zhifu-2020-set")
    # Used once: the same link is dead.
    response = client.get(path, follow=True)
    assert "该链接无效或已使用过" in response.content.decode()
    refused(lambda: svc.account_create(actor=admin, username="zhang_gz", full_name="又一个"), code="invalid")


def test_a_password_reset_kills_the_old_password_and_the_link_is_one_time(admin, personas, client):
    staff = personas["staff_xy"]
    path = svc.password_reset_link(actor=admin, person=staff, reason="本人遗忘密码")
    staff.refresh_from_db()
    assert not staff.check_password(PASSWORD) and not staff.has_usable_password()
    _uid, token = path.rstrip("/").split("/")[-2:]
    assert default_token_generator.check_token(staff, token)
    (entry,) = entries(staff, "account.password_reset")
    assert entry.actor == admin and entry.reason == "本人遗忘密码" and token not in str(entry.after)
    refused(lambda: svc.password_reset_link(actor=admin, person=admin), code="forbidden")
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    refused(lambda: svc.password_reset_link(actor=root, person=root), code="self", text="修改密码")


def test_deactivate_and_reactivate(admin, personas, client, enterprise_xy, ds):
    staff = personas["staff_xy"]
    client.force_login(staff)
    assert client.get(enterprise_xy.get_absolute_url()).status_code == 200
    svc.account_deactivate(actor=admin, person=staff, reason="调离")
    assert client.get(enterprise_xy.get_absolute_url()).status_code == 302  # signed out at the next request
    refused(lambda: svc.account_deactivate(actor=admin, person=staff, reason="调离"), code="already_inactive")
    refused(lambda: svc.password_reset_link(actor=admin, person=staff), code="inactive", text="请先启用")
    refused(lambda: svc.post_appoint(actor=admin, person=staff, post=Post(Role.STREET_STAFF, ds), reason=REASON),
            code="inactive", text="账号已停用，请先启用再任职")
    svc.account_reactivate(actor=admin, person=staff, reason="返岗")
    refused(lambda: svc.account_reactivate(actor=admin, person=staff, reason="返岗"), code="already_active")
    refused(lambda: svc.account_deactivate(actor=admin, person=admin, reason="x"), code="forbidden")
    staff.refresh_from_db()
    assert staff.is_active and posts_of(staff) == [Post(Role.STREET_STAFF, enterprise_xy.jurisdiction)]
    (off,) = entries(staff, "account.deactivate")
    assert off.before == {"is_active": True} and off.after == {"is_active": False} and off.reason == "调离"
    assert entries(staff, "account.reactivate")[0].after == {"is_active": True}
