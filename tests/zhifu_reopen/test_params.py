"""zhifu_reopen.params: every request parameter is read in one place, which refuses what it cannot read."""

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.http import QueryDict

from zhifu_reopen.params import (
    BadParameter,
    choice_param,
    cursor_decode,
    cursor_encode,
    id_list_param,
    id_param,
    int_param,
    text_param,
    url_token,
)


def q(text: str) -> QueryDict:
    return QueryDict(text)


def b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def test_int_param_reads_ascii_digits_only():
    assert int_param(q("n=42"), "n") == 42
    assert int_param(q("n="), "n", default=7) == 7
    assert int_param(q(""), "n") is None
    for bad in ("%C2%B2", "1%C2%B2", "%D9%A3", "abc", "-1", "1.5", "%00", "9" * 40, "9" * 5000):
        with pytest.raises(BadParameter):
            int_param(q(f"n={bad}"), "n")


def test_int_param_bounds_and_message():
    with pytest.raises(BadParameter) as caught:
        int_param(q("days=366"), "days", min_value=1, max_value=365)
    assert caught.value.message == "参数“days”超出允许的范围。"
    assert int_param(q("days=365"), "days", min_value=1, max_value=365) == 365
    with pytest.raises(BadParameter):
        id_param(q("id=0"), "id")
    with pytest.raises(BadParameter):
        id_param(q(f"id={2**63}"), "id")
    assert id_param(q(f"id={2**63 - 1}"), "id") == 2**63 - 1


def test_text_param_refuses_nul():
    assert text_param(q("q=+%E7%83%9F+"), "q") == "烟"
    assert text_param(q("q=abcdef"), "q", max_length=3) == "abc"
    with pytest.raises(BadParameter) as caught:
        text_param(q("q=a%00b"), "q")
    assert "含有不允许的字符" in caught.value.message


def test_choice_param():
    assert choice_param(q("tab=done"), "tab", ("todo", "done")) == "done"
    assert choice_param(q(""), "tab", ("todo", "done"), default="todo") == "todo"
    with pytest.raises(BadParameter):
        choice_param(q("tab=bogus"), "tab", ("todo", "done"))
    assert choice_param(q("tab=bogus"), "tab", ("todo", "done"), default="todo", strict=False) == "todo"
    with pytest.raises(BadParameter):
        choice_param(q("tab=do%00ne"), "tab", ("todo", "done"), strict=False)


def test_id_list_param():
    assert id_list_param(q("ids=3&ids=1&ids=3&ids="), "ids") == [3, 1]
    assert id_list_param({"ids": ["5"]}, "ids") == [5]
    for bad in ("%C2%B2", "9" * 30, "x", "%00"):
        with pytest.raises(BadParameter):
            id_list_param(q(f"ids=1&ids={bad}"), "ids")


def test_url_token():
    assert url_token("Ab-_" * 5, min_length=16) == "Ab-_" * 5
    for bad in ("\x00" * 20, "a\x00" * 10, "²" * 20, "短" * 20, "a" * 15, "a" * 65, "a/b" * 8):
        assert url_token(bad, min_length=16, max_length=64) is None


def test_one_cursor_for_both_lists_round_trips():
    moment = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert cursor_decode(cursor_encode("同名商店", 12), str, int) == ("同名商店", 12)
    assert cursor_decode(cursor_encode(1, moment, 7), int, datetime, int) == (1, moment, 7)
    # An offset is read and brought to UTC.
    east = moment.astimezone(timezone(timedelta(hours=8)))
    assert cursor_decode(cursor_encode(1, east, 7), int, datetime, int)[1] == moment
    assert cursor_decode("", str, int) is None


@pytest.mark.parametrize("token", [
    "garbage!!", "%%%", "W10=", b64(["a"]), b64({"a": 1}), b64(["a", "1"]), b64(["a", True]),
    b64(["a", 10**30]), b64(["a\x00", 1]), base64.urlsafe_b64encode(b"\xff\xfe").decode(), "²²²²",
    "a\x00b", "A" * 2000,
    b64([1, "2026-03-01T08:00:00-23:59", 1]),  # an offset PostgreSQL cannot store
    b64([1, "2026-03-01T08:00:00+15:00", 1]),
    b64([1, "0001-01-01T00:00:00+14:00", 1]),  # before year 1 in UTC
    b64([1, "2026-03-01T08:00:00", 1]),  # naive
    b64([1, "", 1]), b64([1, "2026-02-30T08:00:00Z", 1]), b64([1, "²", 1]),
])
def test_foreign_cursors_are_refused(token):
    kinds = (int, datetime, int) if token.startswith("WzEs") else (str, int)
    with pytest.raises(BadParameter) as caught:
        cursor_decode(token, *kinds, name="after")
    assert caught.value.name == "after"
    with pytest.raises(BadParameter):
        cursor_decode(token, int, datetime, int)
