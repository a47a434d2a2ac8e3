"""Cell values as people type them, made into what the rules expect.

Spreadsheet readers hand back ``str``, ``int``, ``float``, ``bool``, dates and times; a mobile typed into a
number cell comes back as ``13912345678.0``, a code typed with a Chinese input method in full-width
characters (``９１３７…``), a date as an Excel serial number (``43871``) or as text (``2020年2月10日``).
Each helper here turns one such value into plain text (or a date) and says whether it had to change
something the official should know about (:class:`Cleaned`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

# Full-width ASCII (U+FF01–U+FF5E) is ASCII shifted by 0xFEE0; U+3000 is the ideographic space.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


@dataclass(frozen=True)
class Cleaned:
    text: str
    changed: bool = False  # something the official typed was rewritten (full-width, spaces, a prefix)


def halfwidth(text: str) -> str:
    """Full-width letters, digits, punctuation and spaces as their ASCII selves; Chinese untouched."""
    return text.translate(_FULL_WIDTH)


def cell_text(value) -> str:
    """Any cell value as trimmed text: ``13912345678.0`` → ``13912345678``, a date → ``2020-02-10``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip().strip("\ufeff").strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def compact(text: str) -> Cleaned:
    """A code or a number: half-width, with every space removed (``９１３７ ０６０２`` → ``91370602``)."""
    plain = _SPACES.sub("", halfwidth(text))
    return Cleaned(plain, plain != text)


_MOBILE_PREFIX = re.compile(r"^(?:\+?86|0086)(?=1\d{10}$)")


def mobile(text: str) -> Cleaned:
    """A mobile number: half-width, spaces and dashes removed, a +86 / 0086 prefix and a trailing ``.0``
    dropped."""
    plain = _MOBILE_PREFIX.sub("", _SPACES.sub("", halfwidth(text)).replace("-", ""))
    if plain.endswith(".0") and plain[:-2].isdigit():  # a number cell saved as text: 13912345678.0
        plain = plain[:-2]
    return Cleaned(plain, plain != text)


def whole_number(value, text: str) -> Cleaned:
    """A count (员工人数): ``12``, ``12.0``, ``１２``, ``1,200``, ``12人`` → digits; anything else is left as
    typed for the caller to refuse."""
    if isinstance(value, float) and not value.is_integer():
        return Cleaned(text)
    plain = compact(text).text.replace(",", "").replace("，", "")
    if plain.endswith("人") and plain[:-1].isdigit():
        return Cleaned(plain[:-1], True)
    if plain.endswith(".0") and plain[:-2].isdigit():
        plain = plain[:-2]
    return Cleaned(plain)


# Excel's day 0 is 1899-12-30 (the 1900 system, counting the non-existent 1900-02-29 as day 60).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def date_value(value) -> datetime.date | None:
    """A date from a date cell, an Excel serial number (1–2958465) or text (2020-02-10, 2020/2/10,
    2020.2.10, 2020年2月10日, 20200210); None when it is none of those."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466 and float(value).is_integer():
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        return None
    text = halfwidth(cell_text(value))
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if match is None:
        if text.isdigit() and 1 <= int(text) < 2958466 and len(text) <= 5:  # a serial stored as text
            return _EXCEL_EPOCH + datetime.timedelta(days=int(text))
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "对"}
NO = {"否", "无", "没有", "n", "no", "false", "0", "×", "✗", "不是"}


def yes_no(text: str) -> bool | None:
    """是/否 and their variants; None when it is neither (or empty)."""
    key = compact(text).text.lower()
    if key in YES:
        return True
    if key in NO:
        return False
    return None


def header_key(value) -> str:
    """A header cell as a lookup key: half-width, no spaces or line breaks, no required-marks
    (``*企业名称``, ``企业名称（必填）``, ``企业\\n名称`` → ``企业名称``)."""
    key = compact(cell_text(value)).text
    key = re.sub(r"[(（]\s*(?:必填|选填|可选|必填项)\s*[)）]$", "", key)
    return key.strip("*＊:：")
