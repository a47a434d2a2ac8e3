"""An enterprise's history (操作记录) as a given user may read it."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from zhifu_reopen.audit_display import EntryView, entries_present

from .models import Enterprise

HISTORY_SIZE = 50

# The registry's own entries (the enterprise, its survey visits) are shown to whoever sees the enterprise.
# Entries about another app's subjects (an application's decisions, opinions, materials, roster; the placard
# that follows) are shown only where that app admits them: each app above the registry adds a reader
# (in its AppConfig.ready), ``reader(user, enterprise) -> Q`` over the enterprise's audit entries. Without a
# reader an app's entries are not shown.
HistoryReader = Callable[..., Q]
_READERS: list[HistoryReader] = []


def history_reader_add(reader: HistoryReader) -> None:
    if reader not in _READERS:
        _READERS.append(reader)


def history_visible(user, enterprise: Enterprise):
    """The enterprise's audit entries whose subject the user may see, newest first."""
    visible = Q(target_type__startswith=f"{Enterprise._meta.app_label}.")
    for reader in _READERS:
        visible |= reader(user, enterprise)
    return enterprise.audit_entries.filter(visible).select_related("actor")


def enterprise_history(user, enterprise: Enterprise, size: int = HISTORY_SIZE) -> list[EntryView]:
    return entries_present(history_visible(user, enterprise)[:size])
