"""Punctuation that code puts between words: full-width in Chinese, ASCII in English (issue 7 §23.4).
Where a list or a label is assembled in code rather than in one translated sentence, it goes through
here, never through a literal "、" or "："."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import pgettext


def list_join(items: Iterable) -> str:
    """甲、乙、丙 / 甲, 乙, 丙."""
    return pgettext("list separator", "、").join(str(item) for item in items)


def clauses_join(items: Iterable) -> str:
    """Clauses of one sentence: 甲；乙 / 甲; 乙."""
    return pgettext("clause separator", "；").join(str(item) for item in items)


def labelled(label, text) -> str:
    """标签：内容 / Label: text."""
    return pgettext("label and text", "%(label)s：%(text)s") % {"label": label, "text": text}
