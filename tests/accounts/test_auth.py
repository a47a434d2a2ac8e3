from django.urls import reverse

from tests.conftest import PASSWORD


def test_login_lands_on_home_and_logout_returns_to_login(client, personas):
    user = personas["staff_xy"]
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "向阳街道" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # back to the login page


def test_wrong_password_is_explained(client, personas):
    response = client.post(reverse("login"), {"username": personas["staff_xy"].username, "password": "nope"})
    assert response.status_code == 401  # issue 13: a refused login is a 4xx
    assert "用户名或密码不正确" in response.content.decode()


def test_password_change(client, personas):
    user = personas["taskforce"]
    client.force_login(user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Yantai-2020-new", "new_password2": "Yantai-2020-new",
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Yantai-2020-new")


def test_user_without_any_post_sees_a_clear_notice(client, org):
    from accounts.services import user_create

    user = user_create(username="newcomer", password=PASSWORD, role="street_staff")
    client.force_login(user)
    assert "尚未分配" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("enterprises:list")).status_code == 200


def test_admin_is_for_superusers_only(client, personas):
    client.force_login(personas["taskforce"])
    assert client.get("/admin/").status_code == 302


def test_admin_pages_render_for_a_superuser(admin_client, org, enterprise_xy):
    for url in ["/admin/", "/admin/org/jurisdiction/", "/admin/enterprises/enterprise/",
                f"/admin/enterprises/enterprise/{enterprise_xy.pk}/change/", "/admin/accounts/user/",
                "/admin/zhifu_reopen/auditentry/", "/admin/org/patrolteam/",
                "/admin/approvals/application/", "/admin/approvals/material/", "/admin/placards/placard/",
                "/admin/zhifu_reopen/job/"]:
        assert admin_client.get(url).status_code == 200, url
    # Business records are read-only there: they change through their services (rules + audit).
    assert admin_client.get("/admin/enterprises/enterprise/add/").status_code == 403
    assert admin_client.get("/admin/approvals/application/add/").status_code == 403


def test_each_role_lands_on_its_own_work(client_for, liaison_enterprise, enterprise_ds):
    body = client_for("liaison_xy").get("/").content.decode()
    assert "我的派驻企业" in body and liaison_enterprise.name in body and enterprise_ds.name not in body
    body = client_for("taskforce").get("/").content.decode()
    assert "走访摸排覆盖" in body and "卧龙园" in body
    body = client_for("staff_xy").get("/").content.decode()
    assert "向阳街道" in body and "东山街道" not in body


def test_the_ui_is_chinese_whatever_the_browser_says(client_for):
    client = client_for("staff_xy")
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()


def test_scope_follows_guardian_grants_direct_and_through_a_group(org, xy, ds):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from accounts.scope import compute_scope
    from accounts.services import post_revoke, user_create

    user = user_create(username="multi", password=PASSWORD, role="street_staff", jurisdictions=[xy])
    assert compute_scope(user).jurisdiction_ids == {xy.pk}
    group = Group.objects.create(name="东山帮办")
    assign_perm("org.work_in_jurisdiction", group, ds)
    user.groups.add(group)
    scope = compute_scope(user)
    assert scope.jurisdiction_ids == {xy.pk, ds.pk}
    assert "向阳街道" in scope.post_label and "东山街道" in scope.post_label
    post_revoke(user=user, obj=xy)
    assert compute_scope(user).jurisdiction_ids == {ds.pk}
    # A grant of another post on the street gives no staff scope.
    assign_perm("org.sign_as_secretary", user, xy)
    assert compute_scope(user).jurisdiction_ids == {ds.pk}


def test_a_district_patrol_team_sees_the_whole_district_a_joint_team_its_street(personas, xy):
    from accounts.scope import compute_scope

    assert compute_scope(personas["inspector_d1"]).district
    joint = compute_scope(personas["inspector_xy"])
    assert not joint.district and joint.jurisdiction_ids == {xy.pk}


def test_a_cached_scope_follows_a_revoked_grant_at_once(client_for, personas, xy, enterprise_xy):
    from guardian.shortcuts import remove_perm

    client = client_for("staff_xy")
    assert client.get(enterprise_xy.get_absolute_url()).status_code == 200  # scope now cached
    remove_perm("org.work_in_jurisdiction", personas["staff_xy"], xy)
    assert client.get(enterprise_xy.get_absolute_url()).status_code == 404


def test_a_cached_scope_follows_a_role_change(client_for, personas, enterprise_xy):
    client = client_for("staff_xy")
    assert client.get(enterprise_xy.get_absolute_url()).status_code == 200
    user = personas["staff_xy"]
    user.role = "liaison"
    user.save()
    assert client.get(enterprise_xy.get_absolute_url()).status_code == 404


def test_a_joint_team_moved_to_another_street_changes_what_its_inspector_sees(client_for, personas, ds,
                                                                               enterprise_xy, enterprise_ds):
    from org.models import PatrolTeam

    client = client_for("inspector_xy")
    assert client.get(enterprise_xy.get_absolute_url()).status_code == 200
    team = PatrolTeam.objects.get(name="向阳街道联合巡查组")
    team.jurisdiction = ds
    team.save()
    assert client.get(enterprise_xy.get_absolute_url()).status_code == 404
    assert client.get(enterprise_ds.get_absolute_url()).status_code == 200
