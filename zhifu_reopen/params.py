"""Reading request parameters (query string, POST values, URL tokens, page cursors) in one place.

Every helper either returns a value the code can use or raises ``BadParameter``, which
``zhifu_reopen.middleware.BadParameterMiddleware`` turns into a 400 page with a Chinese message (and
which is a ``django.core.exceptions.BadRequest``, so Django answers 400 even without the middleware).
What these helpers refuse, nothing downstream has to: NUL bytes (PostgreSQL refuses them in text),
digits that ``str.isdigit()`` accepts but ``int()`` does not (``²``), numbers beyond a bigint, cursors
that are not ours (bad base64, bad JSON, the wrong shape, a time-zone offset PostgreSQL cannot store).

``params`` is anything with ``.get`` (a QueryDict, a dict of saved filters); ``getlist`` is used when
it exists.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.core.exceptions import BadRequest
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

BIGINT_MAX = 2**63 - 1
MAX_CURSOR_LENGTH = 1000
MAX_CURSOR_TEXT = 500
MAX_ID_LIST = 10000
# Real-world offsets are within ±14:00; PostgreSQL stores no more than ±15:59.
MAX_UTC_OFFSET = timedelta(hours=14)
_ASCII_DIGITS = re.compile(r"[0-9]+")
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


class BadParameter(BadRequest):
    """A request parameter the code cannot read: answered with a 400 and ``message``."""

    status_code = 400

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def _raw(params, name: str) -> str | None:
    value = params.get(name) if params is not None else None
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    return value


def clean_text(value: str, name: str) -> str:
    """``value`` if it holds no NUL byte; BadParameter otherwise."""
    if "\x00" in value:
        raise BadParameter(name, _("参数“%(name)s”含有不允许的字符。") % {"name": name})
    return value


def text_param(params, name: str, *, default: str = "", max_length: int | None = None,
               strip: bool = True) -> str:
    """A free-text value (search terms, codes, reasons): no NUL byte; cut to ``max_length``."""
    value = _raw(params, name)
    if value is None:
        return default
    value = clean_text(value, name)
    if strip:
        value = value.strip()
    if max_length is not None:
        value = value[:max_length]
    return value


def parse_int(value: str, name: str, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """ASCII digits only (``²`` and other Unicode digits are refused), within a bigint and the bounds."""
    text = value.strip()
    if not _ASCII_DIGITS.fullmatch(text):
        raise BadParameter(name, _("参数“%(name)s”应为整数。") % {"name": name})
    number = int(text) if len(text) <= 19 else BIGINT_MAX + 1  # no int() of a thousand digits
    if number > BIGINT_MAX or (min_value is not None and number < min_value) or (
        max_value is not None and number > max_value
    ):
        raise BadParameter(name, _("参数“%(name)s”超出允许的范围。") % {"name": name})
    return number


def int_param(params, name: str, *, default: int | None = None, min_value: int | None = None,
              max_value: int | None = None) -> int | None:
    """A whole number (ids, counts); empty or absent gives ``default``."""
    value = _raw(params, name)
    if value is None or not value.strip():
        return default
    return parse_int(value, name, min_value=min_value, max_value=max_value)


def id_param(params, name: str) -> int | None:
    """A database id (1 … bigint); empty or absent gives None."""
    return int_param(params, name, min_value=1)


def id_list_param(params, name: str, *, max_items: int = MAX_ID_LIST) -> list[int]:
    """Every value of ``name`` as an id, in order, without duplicates; empty values are skipped."""
    values: Iterable = params.getlist(name) if hasattr(params, "getlist") else (params.get(name) or [])
    if isinstance(values, str):
        values = [values]
    ids = [parse_int(str(v), name, min_value=1) for v in values if str(v).strip()]
    if len(ids) > max_items:
        raise BadParameter(name, _("参数“%(name)s”的数量超出允许的范围。") % {"name": name})
    return list(dict.fromkeys(ids))


def choice_param(params, name: str, choices: Iterable[str], *, default: str = "", strict: bool = True) -> str:
    """One of ``choices``; empty or absent gives ``default``. Any other value is refused, or with
    ``strict=False`` (a filter that ignores what it does not know) gives ``default``; a NUL byte is
    refused either way."""
    value = _raw(params, name)
    if value is None or not value.strip():
        return default
    value = clean_text(value, name).strip()
    if value not in set(choices):
        if not strict:
            return default
        raise BadParameter(name, _("参数“%(name)s”的取值无效。") % {"name": name})
    return value


def url_token(value: str, *, min_length: int = 1, max_length: int = 64) -> str | None:
    """A URL-safe token from the path (letters, digits, ``-``, ``_``), or None when it cannot be one."""
    if min_length <= len(value) <= max_length and _TOKEN.fullmatch(value) and value.isascii():
        return value
    return None


# --- page cursors --------------------------------------------------------------------------------------
# A cursor is the sort key of the row a page ends on, as JSON in URL-safe base64. The enterprise list
# uses (name, id), the work queue (priority, deadline, id). Decoding checks the shape and every type.

def cursor_encode(*values) -> str:
    """The cursor for these sort-key values (str, int, or an aware datetime)."""
    payload = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(payload, ensure_ascii=False).encode()).decode()


def _bad_cursor(name: str) -> BadParameter:
    return BadParameter(name, _("翻页参数“%(name)s”无效，请从第一页重新查看。") % {"name": name})


def _cursor_value(value, kind, name: str):
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or not -BIGINT_MAX <= value <= BIGINT_MAX:
            raise _bad_cursor(name)
        return value
    if kind is str:
        if not isinstance(value, str) or len(value) > MAX_CURSOR_TEXT or "\x00" in value:
            raise _bad_cursor(name)
        return value
    if kind is datetime:
        if not isinstance(value, str) or "\x00" in value:
            raise _bad_cursor(name)
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise _bad_cursor(name)
        offset = moment.utcoffset()
        if offset is None or abs(offset) > MAX_UTC_OFFSET:
            raise _bad_cursor(name)
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError) as exc:
            raise _bad_cursor(name) from exc
    raise TypeError(f"unsupported cursor type {kind!r}")


def cursor_decode(token: str, *kinds: type, name: str = "after") -> tuple | None:
    """The sort-key values of a cursor made by ``cursor_encode``, checked against ``kinds``
    (``str``, ``int``, ``datetime``); None for an empty token; BadParameter for anything else."""
    if not token:
        return None
    clean_text(token, name)
    if len(token) > MAX_CURSOR_LENGTH or not token.isascii():
        raise _bad_cursor(name)
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error, RecursionError) as exc:
        raise _bad_cursor(name) from exc
    if not isinstance(data, list) or len(data) != len(kinds):
        raise _bad_cursor(name)
    return tuple(_cursor_value(value, kind, name) for value, kind in zip(data, kinds, strict=True))


def cursor_param(params, name: str, *kinds: type) -> tuple | None:
    """The cursor in parameter ``name`` decoded (see ``cursor_decode``), or None when absent/empty."""
    return cursor_decode(text_param(params, name), *kinds, name=name)
