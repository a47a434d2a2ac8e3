"""Inspection photos: by content, within the size and pixel limits, with a server-made thumbnail, the
photo's own capture time where it has one."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections.services.photos import _thumbnail, location_parse, photo_check
from tests.inspections.helpers import jpeg
from zhifu_reopen.errors import DomainError


def png(size=(300, 200)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 255)).save(out, "PNG")
    return SimpleUploadedFile("a.png", out.getvalue(), content_type="image/png")


def test_exif_capture_time_is_read():
    checked = photo_check(jpeg(taken="2026:11:30 14:05:09"))
    assert checked.content_type == "image/jpeg" and (checked.width, checked.height) == (640, 480)
    assert checked.captured_at.isoformat() == "2026-11-30T14:05:09+08:00"


def test_a_png_without_exif_and_its_thumbnail():
    checked = photo_check(png())
    assert checked.captured_at is None and checked.extension == "png"
    with Image.open(io.BytesIO(_thumbnail(checked.data))) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 480


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7 ...", b"GIF89a" + b"\0" * 40])
def test_not_a_photo(data):
    with pytest.raises(DomainError) as refused:
        photo_check(SimpleUploadedFile("x.jpg", data, content_type="image/jpeg"))
    assert "照片" in refused.value.message or "不是" in refused.value.message


def test_too_large(settings):
    settings.INSPECTIONS_PHOTO_MAX_BYTES = 1000
    with pytest.raises(DomainError) as refused:
        photo_check(jpeg(size=(800, 800), colour="blue"))
    assert "MB" in refused.value.message


def test_decompression_bomb(settings):
    settings.INSPECTIONS_PHOTO_MAX_PIXELS = 10_000
    with pytest.raises(DomainError) as refused:
        photo_check(png(size=(200, 200)))
    assert "像素" in refused.value.message


def test_location_is_kept_only_when_it_makes_sense():
    from decimal import Decimal

    assert location_parse("37.5", "121.39", "25") == (Decimal("37.500000"), Decimal("121.390000"), 25)
    assert location_parse("", "", "") == (None, None, None)
    assert location_parse("999", "121", "5") == (None, None, None)
    assert location_parse("abc", "1", "1") == (None, None, None)
