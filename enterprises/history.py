"""A firm's history (操作记录) as a given user may read it."""

from __future__ import annotations

from django.db.models import Q

from zhifu_reopen.audit_display import EntryView, entries_present

from .models import Enterprise

HISTORY_SIZE = 50
# Entries about these subjects tell of applications (decisions, opinions, materials, the roster, the
# placard that follows): shown only to those who may see that application (approvals.selectors).
APPLICATION_SUBJECTS = ("approvals.", "placards.")


def history_visible(user, enterprise: Enterprise):
    """The firm's audit entries whose subject the user may see, newest first."""
    from approvals.selectors import applications_visible
    from placards.models import Placard

    applications = applications_visible(user).filter(enterprise=enterprise).values("pk")
    placards = Placard.objects.filter(enterprise=enterprise, application__in=applications).values("pk")
    about_applications = Q()
    for prefix in APPLICATION_SUBJECTS:
        about_applications |= Q(target_type__startswith=prefix)
    visible = (
        ~about_applications
        | Q(target_type="approvals.application", target_id__in=applications)
        | Q(target_type="placards.placard", target_id__in=placards)
    )
    return enterprise.audit_entries.filter(visible).select_related("actor")


def enterprise_history(user, enterprise: Enterprise, size: int = HISTORY_SIZE) -> list[EntryView]:
    return entries_present(history_visible(user, enterprise)[:size])
