"""Issue 8 journey: the district administrator opens an account for a street's new party secretary and
appoints them; the old secretary, whose signing form is still open, can no longer sign; the new one sets
a password on the one-time link and signs; both changes are on each person's page and in the audit."""

import pytest

from accounts.models import User
from approvals.models import Signature
from tests.approvals import helpers as h
from zhifu_reopen.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORDER = "芝委任〔2020〕3号"
NEW_PASSWORD = "Zhifu-2020-lixin"


def test_a_new_secretary_is_appointed_and_signs_the_old_one_cannot(new_page, login, shot, personas, enterprise_xy,
                                                                    live_server):
    admin, old, staff = personas["district_admin"], personas["secretary_xy"], personas["staff_xy"]
    application = h.street_approved(staff, enterprise_xy)  # at the two signatures
    url = f"{live_server.url}/applications/{application.pk}/"

    # The old secretary has the application open, ready to sign.
    old_page = new_page()
    login(old_page, old)
    old_page.goto(url)
    assert old_page.locator("#sign-btn").count() == 1

    # The district administrator: the people pages from the menu, a new account, then the appointment.
    page = new_page()
    login(page, admin)
    page.click("nav.nav >> text=人员与岗位")
    page.wait_for_selector(f"#people-table >> text={old.username}")
    page.click("#create-account")
    page.fill("#id_username", "li_xin")
    page.fill("#id_full_name", "李新")
    page.fill("#id_mobile", "13905350003")
    page.fill("#id_reason", "新任向阳街道党工委书记")
    page.click("#account-form button[type=submit]")
    page.wait_for_selector("#set-password-link")
    link = page.locator("#set-password-link").input_value()
    assert "/accounts/password/set/" in link
    shot(page, "people-1-account-created")
    page.select_option("#appoint-form select[name=post]", label="向阳街道党工委书记")
    page.fill("#appoint-form textarea[name=reason]", ORDER)
    page.click("#appoint-btn")
    page.wait_for_selector("text=已任命李新为向阳街道党工委书记")
    assert old.username in page.locator(".messages").inner_text()  # the old one's post ended with it
    assert "向阳街道党工委书记" in page.locator("#posts").inner_text()
    shot(page, "people-2-secretary-appointed")

    # The old secretary's open form is refused at once (their next request): the ended post ended their
    # sessions (issue 13), so the click lands on the login page, and nothing is signed.
    old_page.click("#sign-btn")
    old_page.wait_for_url("**/accounts/login/**")
    assert not Signature.objects.filter(application=application).exists()
    old_page.goto(url)
    assert old_page.locator("#sign-btn").count() == 0
    shot(old_page, "people-3-old-secretary-refused")

    # The new secretary sets a password on the one-time link, signs in and signs.
    new = User.objects.get(username="li_xin")
    new_secretary = new_page()
    new_secretary.goto(link)
    new_secretary.fill("#id_new_password1", NEW_PASSWORD)
    new_secretary.fill("#id_new_password2", NEW_PASSWORD)
    new_secretary.click("#password-set-form button[type=submit]")
    new_secretary.wait_for_selector("text=密码已设置")
    login(new_secretary, new, password=NEW_PASSWORD)
    new_secretary.goto(url)
    new_secretary.click("#sign-btn")
    new_secretary.wait_for_selector("text=已办理")
    assert "李新" in new_secretary.locator("#timeline").inner_text()
    shot(new_secretary, "people-4-new-secretary-signed")
    (signature,) = Signature.objects.filter(application=application)
    assert signature.signer_id == new.pk and signature.post == "secretary"
    # The link was for one use.
    used = new_page()
    used.goto(link)
    used.wait_for_selector("#link-invalid")

    # Both changes on each person's page.
    page.goto(f"{live_server.url}/people/{old.pk}/")
    history = page.locator("#history").inner_text()
    for text in ("免职", "向阳街道党工委书记", "接任人", "李新", ORDER):
        assert text in history, text
    assert "无岗位" in page.locator("#posts").inner_text()
    shot(page, "people-5-old-secretary-page")
    page.goto(f"{live_server.url}/people/{new.pk}/")
    history = page.locator("#history").inner_text()
    for text in ("新建账号", "任职", "向阳街道党工委书记", ORDER, "区级系统管理员"):
        assert text in history, text
    shot(page, "people-6-new-secretary-page")

    # And in the audit: who granted what to whom, when, why.
    appointed = AuditEntry.objects.get(action="post.appoint", target_type="accounts.user", target_id=new.pk)
    ended = AuditEntry.objects.get(action="post.end", target_type="accounts.user", target_id=old.pk)
    for entry in (appointed, ended):
        assert entry.actor_id == admin.pk and entry.post == "区级系统管理员" and entry.reason == ORDER
    assert appointed.after == {"post": "向阳街道党工委书记"}
    assert ended.before == {"post": "向阳街道党工委书记"} and ended.after == {"successor": "李新"}
