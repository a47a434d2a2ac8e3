"""统一社会信用代码 (GB 32100-2015), mobile number and plain-text validation."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015 code set: digits and upper-case letters without I, O, Z, S, V.
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
CREDIT_RE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$")
# GB 11714 organisation code (positions 9–17).
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# One rule for the enterprise's free-text fields, wherever they come from (the form, the services, the
# import): no "<" / ">" (markup) and no invisible control characters.
PLAIN_TEXT_FIELDS = ("name", "address", "legal_representative", "prevention_contact")
MARKUP_RE = re.compile(r"[<>]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    total = sum(value(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位。"), code="credit_length", params={"n": len(code)}
        )
    if not CREDIT_RE.match(code):
        raise ValidationError(
            _("统一社会信用代码格式不正确：只能包含数字和大写字母（不含I、O、Z、S、V），第3–8位为行政区划码。"),
            code="credit_format",
        )
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("统一社会信用代码校验位不正确，请核对是否抄错。"), code="credit_checksum"
        )


def credit_code_warning(value: str) -> str:
    """A warning (not an error) when positions 9–17 fail the organisation-code check."""
    code = normalise_credit_code(value)
    org = code[8:17]
    if len(org) == 9 and org[:8].isalnum() and org_code_check_char(org[:8]) != org[8]:
        return str(_("第9–17位组织机构代码校验未通过，请核对营业执照。"))
    return ""


def make_credit_code(region: str, serial: int, registry: str = "91") -> str:
    """A synthetic but valid code (demo data and tests)."""
    body = f"{serial:08d}"
    org = body + org_code_check_char(body)
    first17 = f"{registry}{region}{org}"
    return first17 + credit_check_char(first17)


def validate_mobile(value: str) -> None:
    if value and not MOBILE_RE.match(value):
        raise ValidationError(_("手机号码应为以1开头的11位数字。"), code="mobile")


def validate_plain_text(value: str) -> None:
    """A name, address or person's name: no "<"/">" markup, no control characters."""
    if not value:
        return
    if MARKUP_RE.search(value):
        raise ValidationError(_("不能包含“<”“>”等HTML/脚本标记字符。"), code="markup")
    if CONTROL_RE.search(value):
        raise ValidationError(_("含有不可见的控制字符，请删除后重试。"), code="control")


def plain_text_errors(values: dict) -> dict[str, list[ValidationError]]:
    """The PLAIN_TEXT_FIELDS among ``values`` that break :func:`validate_plain_text`, by field."""
    errors = {}
    for name in PLAIN_TEXT_FIELDS:
        try:
            validate_plain_text(values.get(name) or "")
        except ValidationError as exc:
            errors[name] = [exc]
    return errors
