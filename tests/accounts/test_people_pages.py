"""The people pages: what each manager sees and may do, refusals as 4xx with the reason, and the admin's
grant pages read-only."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role, User
from accounts.posts import Post, holders, posts_of
from accounts.services import user_create
from tests.conftest import PASSWORD
from zhifu_reopen.models import AuditEntry


def body(response) -> str:
    return response.content.decode()


def options(html: str, form_id: str, name: str = "post") -> list[str]:
    """The offered values of the form's ``name`` select (the posts)."""
    form = html.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]
    select = form.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]+)"', select)


@pytest.fixture
def manager(client_for):
    """The district administrator's client."""
    return client_for("district_admin")


def test_navigation_and_home_lead_managers_to_the_people_pages(client_for):
    people = reverse("people:list")
    for name in ("district_admin", "director_xy"):
        assert f'href="{people}"' in body(client_for(name).get("/")), name
    for name in ("staff_xy", "secretary_xy", "taskforce", "liaison_xy"):
        assert f'href="{people}"' not in body(client_for(name).get("/")), name
    home = body(client_for("district_admin").get("/"))
    assert 'id="people-home"' in home and "尚未分配" not in home


def test_the_list_shows_each_manager_their_people(client_for, personas):
    for name in ("staff_xy", "secretary_xy", "director_xy", "staff_ds", "dept_gxj"):
        personas[name]
    html = body(client_for("district_admin").get(reverse("people:list")))
    for name in ("staff_xy", "secretary_xy", "staff_ds", "dept_gxj"):
        assert name in html
    assert "向阳街道党工委书记" in html and "工信局审核人" in html
    html = body(client_for("director_xy").get(reverse("people:list")))
    assert "staff_xy" in html and "secretary_xy" in html and "staff_ds" not in html and "dept_gxj" not in html
    html = body(client_for("district_admin").get(reverse("people:list"), {"q": "secretary"}))
    assert "secretary_xy" in html and "staff_xy" not in html


def test_a_director_is_offered_the_own_streets_posts_only(client_for, personas, xy):
    html = body(client_for("director_xy").get(reverse("people:detail", args=[personas["staff_xy"].pk])))
    assert options(html, "appoint-form") == [f"street_secretary:{xy.pk}"]  # staff of 向阳 held already
    assert 'id="deactivate-btn"' in html and 'id="password-reset-btn"' in html
    # The director's own page: shown, nothing to change.
    html = body(client_for("director_xy").get(reverse("people:detail", args=[personas["director_xy"].pk])))
    assert "向阳街道主任" in html and 'id="appoint-form"' not in html and 'id="deactivate-btn"' not in html
    assert 'class="end-form' not in html
    assert client_for("director_xy").get(reverse("people:detail", args=[personas["staff_ds"].pk])).status_code == 404


def test_appoint_through_the_page_and_see_it_on_both_persons_pages(manager, personas, xy):
    old = personas["secretary_xy"]
    new = user_create(username="li_xin", password=PASSWORD, role="", full_name="李新")
    response = manager.post(reverse("people:appoint", args=[new.pk]),
                                 {"post": f"street_secretary:{xy.pk}", "reason": "芝委任〔2020〕3号"})
    assert response.status_code == 302
    assert holders(Post(Role.STREET_SECRETARY, xy)) == [new]
    html = body(manager.get(response["Location"]))
    assert "已任命李新为向阳街道党工委书记" in html and "secretary_xy" in html  # the old one's post ended too
    history = html.split('id="history"', 1)[1]
    assert "任职" in history and "向阳街道党工委书记" in history and "芝委任〔2020〕3号" in history
    history = body(manager.get(reverse("people:detail", args=[old.pk]))).split('id="history"', 1)[1]
    assert "免职" in history and "接任人" in history and "李新" in history


def test_refusals_are_4xx_pages_with_the_reason(manager, client_for, personas, xy, gxj):
    staff = personas["staff_xy"]
    response = manager.post(reverse("people:appoint", args=[staff.pk]),
                                 {"post": f"department_reviewer:{gxj.pk}", "reason": "试"})
    assert response.status_code == 400
    assert "一人只任一类岗位" in body(response) and 'id="refusal"' in body(response)
    response = manager.post(reverse("people:end", args=[staff.pk]), {"post": f"street_staff:{xy.pk}", "reason": ""})
    assert response.status_code == 400
    response = manager.post(reverse("people:reactivate", args=[staff.pk]), {"reason": "试"})
    assert response.status_code == 409 and "已是启用状态" in body(response)
    response = manager.post(reverse("people:deactivate", args=[personas["district_admin"].pk]), {"reason": "试"})
    assert response.status_code == 403 and "只能由超级管理员管理" in body(response)
    director = client_for("director_xy")
    response = director.post(reverse("people:deactivate", args=[personas["director_xy"].pk]), {"reason": "试"})
    assert response.status_code == 403 and "不在您管理的范围内" in body(response)
    assert not AuditEntry.objects.filter(action__startswith="account.").exists()
    assert posts_of(staff) == [Post(Role.STREET_STAFF, xy)]


def test_create_an_account_and_reset_a_password_show_the_one_time_link_once(manager, client, xy):
    response = manager.post(reverse("people:create"), {
        "username": "zhao_gz", "full_name": "赵干事", "mobile": "", "email": "",
        "post": f"street_staff:{xy.pk}", "reason": "新进人员"})
    assert response.status_code == 201
    link = re.search(r'id="set-password-link" readonly value="([^"]+)"', body(response)).group(1)
    person = User.objects.get(username="zhao_gz")
    assert posts_of(person) == [Post(Role.STREET_STAFF, xy)] and not person.has_usable_password()
    assert link not in body(manager.get(reverse("people:detail", args=[person.pk])))  # shown once
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": "Zhifu-2020-zhao", "new_password2": "Zhifu-2020-zhao"})
    assert client.login(username="zhao_gz", password="Zhifu-2020-zhao")
    response = manager.post(reverse("people:password_reset", args=[person.pk]), {"reason": "遗忘密码"})
    assert response.status_code == 200 and 'id="set-password-link"' in body(response)
    assert not client.login(username="zhao_gz", password="Zhifu-2020-zhao")


def test_a_director_creates_accounts_for_the_own_street(client_for, personas, xy, ds):
    director = client_for("director_xy")
    html = body(director.get(reverse("people:create")))
    assert options(html, "account-form") == [f"street_staff:{xy.pk}", f"street_secretary:{xy.pk}"]
    response = director.post(reverse("people:create"), {"username": "x_ds", "full_name": "某", "reason": "",
                                                        "post": f"street_staff:{ds.pk}"})
    assert response.status_code == 400 and not User.objects.filter(username="x_ds").exists()
    response = director.post(reverse("people:create"), {"username": "x_xy", "full_name": "某", "reason": ""})
    assert response.status_code == 400  # a post is required of a director


def test_the_admins_grant_pages_are_read_only(personas, xy, django_user_model):
    from django.test import Client

    root = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    client = Client()
    client.force_login(root)
    staff = personas["staff_xy"]
    url = f"/admin/org/jurisdiction/{xy.pk}/permissions/"
    response = client.get(url)
    assert response.status_code == 200 and 'id="grants-read-only"' in body(response) and "staff_xy" in body(response)
    assert 'name="submit_manage_user"' not in body(response)
    assert client.post(url, {"user": staff.username, "submit_manage_user": "1"}).status_code == 403
    manage = f"{url}user-manage/{staff.pk}/"
    assert client.post(manage, {"permissions": ["sign_as_secretary"]}).status_code == 403
    assert client.get(manage)["Location"] == reverse("people:detail", args=[staff.pk])
    assert client.get("/admin/org/patrolteam/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 403
    # The user's post fields are shown, not edited.
    response = client.get(f"/admin/accounts/user/{staff.pk}/change/")
    assert response.status_code == 200 and 'name="role"' not in body(response) and 'name="is_active"' not in body(response)
    assert posts_of(staff) == [Post(Role.STREET_STAFF, xy)]
