import pytest
from django.core.exceptions import ValidationError

from enterprises.validators import (
    credit_check_char,
    credit_code_warning,
    make_credit_code,
    validate_credit_code,
    validate_mobile,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91350100m000100y43", make_credit_code("370602", 1)])
def test_valid_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y4Z", "格式"),  # the standard's invalid twin: Z is outside the code set
        ("91350100M000100Y44", "校验位"),
        ("91350100M000100Y4", "18位"),
        ("913501000M000100Y43", "18位"),
        ("91350100I000100Y43", "格式"),  # I is not in the code set
        ("91350100O000100Y43", "格式"),
        ("9135A100M000100Y43", "格式"),  # positions 3–8 are a region code
        ("", "18位"),
        ("<script>alert(1)</script>", "18位"),
    ],
)
def test_invalid_codes_are_refused_with_a_reason(code, fragment):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert fragment in info.value.messages[0]


def test_organisation_code_failure_is_only_a_warning():
    assert credit_code_warning("91350100M000100Y43") == ""
    # Positions 9–17 with a wrong organisation-code check, but the whole code re-checksummed: valid, warned.
    first17 = "91350100M000100Y5"
    code = first17 + credit_check_char(first17)
    validate_credit_code(code)
    assert "组织机构代码" in credit_code_warning(code)


def test_synthetic_codes_are_valid_and_distinct():
    codes = {make_credit_code("370602", n) for n in range(1, 500)}
    assert len(codes) == 499
    for code in codes:
        validate_credit_code(code)
        assert credit_code_warning(code) == ""


@pytest.mark.parametrize("mobile", ["13800138000", "19912345678"])
def test_valid_mobiles(mobile):
    validate_mobile(mobile)


@pytest.mark.parametrize("mobile", ["12800138000", "1380013800", "138001380000", "abc"])
def test_invalid_mobiles(mobile):
    with pytest.raises(ValidationError):
        validate_mobile(mobile)
