"""Issue 4 journey: an enterprise is approved; the street official waits for its placard, downloads the PDF;
the QR code read from the rendered page leads to the public verify page; the task force suspends the
placard and the verify page changes at once."""

import subprocess

import pytest
import zxingcpp
from PIL import Image

from approvals.services.signatures import signature_add
from placards.models import Placard
from tests.approvals.helpers import street_approved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_placard_journey(new_page, login, shot, personas, enterprise_xy, live_server, settings, tmp_path):
    settings.PUBLIC_BASE_URL = live_server.url
    enterprise_xy.name = "烟台旅程公示牌食品有限公司"
    enterprise_xy.save()
    staff, taskforce = personas["staff_xy"], personas["taskforce"]

    # Approval through the real services (dual signature): the placard is issued, its PDF queued.
    application = street_approved(staff, enterprise_xy)
    signature_add(user=personas["secretary_xy"], application=application, post="secretary", opinion="同意")
    signature_add(user=personas["director_xy"], application=application, post="director", opinion="同意")
    placard = Placard.objects.get(application=application)

    # The street official finds it and waits for the PDF.
    page = new_page()
    login(page, staff)
    page.click("nav.nav >> text=公示牌")
    page.wait_for_selector(f"#placard-table >> text={placard.number}")
    shot(page, "placards-01-list")
    page.click(f"#placard-table >> text={placard.number}")
    page.wait_for_selector("#placard-download", timeout=60000)
    shot(page, "placards-02-detail")
    with page.expect_download() as info:
        page.click("#placard-download")
    pdf = tmp_path / "placard.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"

    # Read the QR code from the rendered page image.
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    codes = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]
    assert len(codes) == 1
    verify_url = codes[0]
    assert verify_url == f"{live_server.url}/v/{placard.token}/"

    # Batch printing from the list: the job page shows progress, then the download.
    page.goto(f"{live_server.url}/placards/?new=on")
    page.click("#print-all")
    page.wait_for_selector(".job[data-status=done] >> text=下载结果", timeout=60000)
    shot(page, "placards-03-batch-job")
    with page.expect_download() as batch_info:
        page.click("text=下载结果")
    batch_pdf = tmp_path / "batch.pdf"
    batch_info.value.save_as(batch_pdf)
    assert batch_pdf.read_bytes()[:5] == b"%PDF-"

    # Anyone's phone opens it: valid.
    phone = new_page(viewport=(375, 740))
    phone.goto(verify_url)
    assert phone.locator("#verify-status").get_attribute("data-status") == "valid"
    assert phone.locator("#verify-enterprise").inner_text() == "烟台旅程公示牌食品有限公司"
    assert "13800138000" not in phone.content() and "李娜" not in phone.content()
    shot(phone, "placards-04-verify-valid")

    # The task force suspends it.
    tf = new_page()
    login(tf, taskforce)
    tf.goto(f"{live_server.url}/placards/{placard.pk}/")
    tf.fill("#status-form textarea[name=reason]", "巡查发现未落实测温登记，责令停工整改")
    tf.click("#btn-suspend")
    tf.wait_for_selector("#placard-status >> text=暂停")
    shot(tf, "placards-05-suspended")

    # The verify page changes at once.
    phone.reload()
    assert phone.locator("#verify-status").get_attribute("data-status") == "suspended"
    assert "巡查发现未落实测温登记" in phone.locator("#verify-status").inner_text()
    shot(phone, "placards-06-verify-suspended")
