"""A sheet as people lay it out: title rows above the header (often a merged cell such as
"向阳街道企业复工情况统计表"), the header somewhere in the first rows, data, then notes rows below
(合计, 填表人, 备注…).

:func:`find_header` looks for the header among the first HEADER_SEARCH_ROWS rows: the row in which most
cells name a known column; :func:`note_marker` tells a notes row by its first filled cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain

from .values import cell_text, compact, header_key

HEADER_SEARCH_ROWS = 10

# What the first filled cell of a notes row begins with (compared without spaces, half-width).
NOTE_MARKERS = (
    "合计", "总计", "小计", "共计", "累计", "填表人", "填报人", "制表人", "制表", "审核人", "审核", "核对人",
    "负责人", "统计人", "填表说明", "填报说明", "备注", "说明", "注:", "注1", "注释", "填报日期", "填表日期",
    "报送日期", "联系人:", "联系电话", "单位(盖章)", "(盖章)", "盖章",
)


@dataclass
class Header:
    row: int  # its row number in the spreadsheet
    keys: list[str]  # header_key of each cell, trailing empty cells removed
    titles: list[int] = field(default_factory=list)  # rows above it that hold something (titles, notes)


def numbered(rows: Iterator[tuple], start: int = 1) -> Iterator[tuple[int, tuple]]:
    return enumerate(rows, start=start)


def _keys(row: tuple) -> list[str]:
    keys = [header_key(v) for v in row]
    while keys and not keys[-1]:
        keys.pop()
    return keys


def find_header(rows: Iterator[tuple[int, tuple]], score: Callable[[list[str]], int], *,
                search: int = HEADER_SEARCH_ROWS) -> tuple[Header | None, Iterator[tuple[int, tuple]]]:
    """The header (None if no row of the first ``search`` scores above 0) and the numbered rows after it.
    ``score(keys)`` says how many of a row's cells name a known column; the best row wins, the first of
    equals."""
    head: list[tuple[int, tuple]] = []
    for item in rows:
        head.append(item)
        if len(head) >= search:
            break
    best, best_score = None, 0
    for position, (_number, row) in enumerate(head):
        value = score(_keys(row))
        if value > best_score:
            best, best_score = position, value
    if best is None:
        return None, chain(head, rows)
    number, row = head[best]
    titles = [n for n, r in head[:best] if any(cell_text(v) for v in r)]
    return Header(row=number, keys=_keys(row), titles=titles), chain(head[best + 1:], rows)


def note_marker(cells: list[str]) -> str:
    """The marker a notes row starts with ("合计", "填表人"…), or "" for any other row. ``cells`` are the
    row's texts; only its first filled cell is looked at."""
    first = next((c for c in cells if c), "")
    key = compact(first).text
    for marker in NOTE_MARKERS:
        if key.startswith(marker):
            return first[:20]
    return ""


def rows_span(numbers: list[int]) -> str:
    """1, 2, 3, 5 → "1–3、5" (for messages naming rows)."""
    parts, start, previous = [], None, None
    for n in numbers:
        if start is None:
            start = previous = n
        elif n == previous + 1:
            previous = n
        else:
            parts.append(f"{start}" if start == previous else f"{start}–{previous}")
            start = previous = n
    if start is not None:
        parts.append(f"{start}" if start == previous else f"{start}–{previous}")
    return "、".join(parts)
