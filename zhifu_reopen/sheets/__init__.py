"""The spreadsheets officials upload, read one way for every upload (the enterprise import, the roster of
returning employees): ``reader`` (what the file really is, refused before parsing if it cannot be a table
or is a bomb, then its first sheet read by calamine or as CSV), ``guard`` (the bomb checks), ``table``
(the header found among the first rows, notes rows told apart) and ``values`` (cells as people type them,
normalised)."""

from .guard import MAX_CELLS, SheetRefused
from .reader import EXTENSIONS, Sheet, open_sheet
from .table import HEADER_SEARCH_ROWS, Header, find_header, note_marker, numbered, rows_span
from .values import (
    Cleaned,
    cell_text,
    compact,
    date_value,
    halfwidth,
    header_key,
    mobile,
    whole_number,
    yes_no,
)

__all__ = [
    "EXTENSIONS",
    "HEADER_SEARCH_ROWS",
    "MAX_CELLS",
    "Cleaned",
    "Header",
    "Sheet",
    "SheetRefused",
    "cell_text",
    "compact",
    "date_value",
    "find_header",
    "halfwidth",
    "header_key",
    "mobile",
    "note_marker",
    "numbered",
    "open_sheet",
    "rows_span",
    "whole_number",
    "yes_no",
]
