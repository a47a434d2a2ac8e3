"""The inspector's home: the first lines of its team's due list."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import scope_for

from .selectors import my_teams
from .views.due import card_labels, due_page

HOME_LINES = 10


def due_widget(request):
    if scope_for(request.user).role != Role.INSPECTOR:
        return None
    teams = my_teams(request.user)
    if not teams:
        return None
    rows, _more = due_page(teams[0], size=HOME_LINES)
    return {"title": _("待巡查（%(team)s）") % {"team": teams[0].name}, "template": "inspections/_due_widget.html",
            "context": {"rows": rows, "team": teams[0], **card_labels()}}
