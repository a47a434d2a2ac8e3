"""Resident ID numbers (GB 11643-1999) and uploaded material files (checked by content)."""

from __future__ import annotations

import re
from datetime import date

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhifu_reopen.punctuation import list_join

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")

# Content type detected by `filetype` → (stored extension, label). DOCX/XLSX are recognised by
# their zip structure, so a renamed executable or archive is refused whatever its name says.
ALLOWED_TYPES = {
    "application/pdf": (".pdf", "PDF"),
    "image/jpeg": (".jpg", "JPEG"),
    "image/png": (".png", "PNG"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx", "DOCX"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx", "XLSX"),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> None:
    """18 characters, a real birth date (not in the future) and the GB 11643 check digit."""
    number = normalise_id_number(value)
    if not ID_RE.match(number):
        raise ValidationError(_("身份证号应为18位（前17位数字，末位数字或X）。"), code="id_format")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期不存在。"), code="id_birth") from None
    if born > date.today() or born.year < 1900:
        raise ValidationError(_("身份证号中的出生日期不合理。"), code="id_birth")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对是否抄错。"), code="id_checksum")


def make_id_number(area: str, born: date, serial: int) -> str:
    """A valid number for demo data and tests."""
    first17 = f"{area}{born:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_char(first17)


def max_material_bytes() -> int:
    return getattr(settings, "APPROVALS_MATERIAL_MAX_BYTES", 10 * 1024 * 1024)


def sniff_upload(upload, *, allowed=None) -> tuple[str, str]:
    """(content type, extension) of an uploaded file judged by its bytes; ValidationError otherwise."""
    allowed = allowed or ALLOWED_TYPES
    if upload is None or not upload.size:
        raise ValidationError(_("文件为空。"), code="empty")
    limit = max_material_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("文件过大：上限为 %(mb)d MB。"), code="too_large", params={"mb": limit // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime not in allowed:
        labels = list_join(label for _ext, label in allowed.values())
        raise ValidationError(
            _("文件内容不是允许的格式（%(labels)s），请勿上传改了扩展名的其他文件。"), code="bad_type",
            params={"labels": labels},
        )
    return mime, allowed[mime][0]
