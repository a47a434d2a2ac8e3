import pytest
from django.urls import reverse

from placards.models import Placard
from zhifu_reopen.models import Job

from .helpers import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def placard(enterprise_xy, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return approve(enterprise_xy, personas["secretary_xy"])


def test_list_and_detail_for_street_staff(placard, client_for):
    client = client_for("staff_xy")
    html = client.get(reverse("placards:list")).content.decode()
    assert placard.number in html and "打印全部筛选结果（1 张）" in html
    html = client.get(reverse("placards:detail", args=[placard.pk])).content.decode()
    assert "下载公示牌PDF" in html and placard.code in html
    assert "status-form" not in html  # street staff cannot suspend
    response = client.get(reverse("placards:download", args=[placard.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_list_filters(placard, client_for):
    client = client_for("taskforce")
    assert placard.number in client.get(reverse("placards:list"), {"status": "valid"}).content.decode()
    assert placard.number not in client.get(reverse("placards:list"), {"status": "revoked"}).content.decode()
    assert placard.number in client.get(reverse("placards:list"), {"q": placard.code}).content.decode()


def test_reprint_goes_to_the_job_page(placard, client_for, django_capture_on_commit_callbacks):
    client = client_for("staff_xy")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("placards:reprint", args=[placard.pk]))
    job = Job.objects.filter(kind="placard_render").latest("id")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.created_by.username == "staff_xy"
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200


def test_task_force_suspends_from_the_page(placard, client_for):
    client = client_for("taskforce")
    html = client.get(reverse("placards:detail", args=[placard.pk])).content.decode()
    assert "btn-suspend" in html
    response = client.post(reverse("placards:suspend", args=[placard.pk]), {"reason": "巡查发现未戴口罩"})
    assert response.status_code == 302
    placard.refresh_from_db()
    assert placard.status == Placard.Status.SUSPENDED
    # Missing reason: refused, nothing changes.
    client.post(reverse("placards:reinstate", args=[placard.pk]), {"reason": ""})
    placard.refresh_from_db()
    assert placard.status == Placard.Status.SUSPENDED


def test_pending_render_shows_progress(enterprise_xy, personas, client_for):
    placard = approve(enterprise_xy, personas["secretary_xy"])  # no commit callbacks: still pending
    html = client_for("staff_xy").get(reverse("placards:detail", args=[placard.pk])).content.decode()
    assert "正在生成公示牌PDF" in html and "hx-trigger" in html
    assert client_for("staff_xy").get(reverse("placards:download", args=[placard.pk])).status_code == 404


def test_admin_is_read_only(placard, client):
    from accounts.models import User

    admin = User.objects.create_superuser("root", "r@example.com", "pw-zhifu-123")
    client.force_login(admin)
    assert client.get(reverse("admin:placards_placard_changelist")).status_code == 200
    page = client.get(reverse("admin:placards_placard_change", args=[placard.pk])).content.decode()
    assert placard.token not in page
    response = client.post(reverse("admin:placards_placard_change", args=[placard.pk]), {"status": "revoked"})
    assert response.status_code == 403
