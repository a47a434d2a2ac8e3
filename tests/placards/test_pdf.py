import subprocess
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from django.conf import settings
from PIL import Image
from pypdf import PdfReader

from placards import pdf
from placards.services.jobs import render_job_run
from placards.services.placard_pdf import placard_data, placard_render
from zhifu_reopen.models import Job

from .helpers import approve

pytestmark = pytest.mark.django_db


def decode_qr(pdf_bytes: bytes, tmp_path, dpi: int = 150) -> list[str]:
    source = tmp_path / "placard.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", "1", str(source), str(tmp_path / "page")],
                   check=True)
    image = Image.open(tmp_path / "page.png")
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.fixture
def rendered(enterprise_xy, personas):
    enterprise_xy.name = "烟台福山路海鲜大酒店有限公司"
    enterprise_xy.save()
    placard = approve(enterprise_xy, personas["secretary_xy"],
                      approved_at=datetime(2020, 2, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    placard = placard_render(placard.pk)
    return placard, placard.pdf.read()


def test_pdf_text_holds_header_enterprise_and_facts(rendered):
    placard, content = rendered
    reader = PdfReader(BytesIO(content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    text = reader.pages[0].extract_text()
    for expected in ("生产经营单位准许复工公示牌", "烟台福山路海鲜大酒店有限公司", placard.enterprise.credit_code,
                     # approved on 5 February for the 15th the enterprise asked for: 准许复工日期 is the later day
                     placard.number, placard.code, "2020年2月15日", "向阳街道", "12345", "盖章处",
                     placard.enterprise.jurisdiction.phone, "12 人", "李娜", "13800138000"):
        assert expected in text, expected


def test_font_is_embedded_as_subset(rendered, tmp_path):
    _placard, content = rendered
    path = tmp_path / "p.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split() for line in out.splitlines()[2:]]
    assert fonts, out
    for row in fonts:
        # name type encoding emb sub uni …: every font embedded and subset
        assert row[-5] == "yes" and row[-4] == "yes", out
    assert any("WenQuanYi" in row[0] for row in fonts)


def test_qr_decodes_to_the_verify_url(rendered, tmp_path):
    placard, content = rendered
    assert decode_qr(content, tmp_path) == [f"{settings.PUBLIC_BASE_URL}/v/{placard.token}/"]


def test_rerender_overwrites_the_one_file(rendered, settings):
    placard, content = rendered
    again = placard_render(placard.pk)
    assert again.pdf.name == placard.pdf.name
    files = list((settings.MEDIA_ROOT / "placards" / str(placard.year)).iterdir())
    assert [f.name for f in files] == [f"{placard.year}-00001.pdf"]
    assert again.pdf.read() == content  # deterministic output


def test_missing_font_fails_the_job_loudly(enterprise_xy, personas, monkeypatch, tmp_path,
                                           django_capture_on_commit_callbacks):
    monkeypatch.setattr(pdf, "_font_ready", False)
    monkeypatch.setattr(pdf, "FONT_PATH", tmp_path / "nope.ttc")
    with django_capture_on_commit_callbacks(execute=True):
        placard = approve(enterprise_xy, personas["taskforce"])
    job = Job.objects.get(pk=placard.render_job_id)
    assert job.status == Job.Status.FAILED
    assert "公示牌字体文件缺失" in job.error
    placard.refresh_from_db()
    assert not placard.pdf


def test_unusable_font_is_refused(tmp_path):
    bad = tmp_path / "bad.ttc"
    bad.write_bytes(b"not a font at all")
    with pytest.raises(pdf.FontUnavailable, match="无法使用"):
        pdf.ensure_font(bad)


def test_font_without_chinese_is_refused():
    latin = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    import os

    if not os.path.exists(latin):
        pytest.skip("no DejaVu font on this machine")
    with pytest.raises(pdf.FontUnavailable, match="缺少汉字字形"):
        pdf.ensure_font(latin)


def test_render_job_is_idempotent(enterprise_xy, personas):
    placard = approve(enterprise_xy, personas["taskforce"])
    render_job_run(placard.render_job_id)
    job = Job.objects.get(pk=placard.render_job_id)
    finished = job.finished_at
    render_job_run(placard.render_job_id)  # redelivered message: nothing happens
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.finished_at == finished


def test_long_names_wrap_inside_the_page(xy, personas):
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(jurisdiction=xy, name="烟台" + "超长名称" * 12 + "有限公司",
                             address="烟台市芝罘区" + "某某路" * 30 + "1号")
    placard = approve(enterprise, personas["taskforce"])
    data = placard_data(placard)
    content = pdf.render_pdf(data)
    text = PdfReader(BytesIO(content)).pages[0].extract_text().replace("\n", "")
    assert "超长名称超长名称" in text


def test_qr_modules_are_kept_and_follow_the_public_url(rendered, settings, tmp_path):
    placard, _pdf = rendered
    placard.refresh_from_db()
    assert placard.qr_url == placard.verify_url and placard.qr_matrix
    assert pdf.qr_matrix_loads(placard.qr_matrix) == pdf.qr_matrix(placard.verify_url)
    settings.PUBLIC_BASE_URL = "https://fugong.zhifu.gov.cn"
    again = placard_render(placard.pk)
    assert decode_qr(again.pdf.read(), tmp_path) == [f"https://fugong.zhifu.gov.cn/v/{placard.token}/"]
    again.refresh_from_db()
    assert again.qr_url.startswith("https://fugong.zhifu.gov.cn/")
