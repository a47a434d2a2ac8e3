"""What placards lends the pages of the layer below (settings.TEMPLATES ``hooks``): the application
page, an ``approvals`` page, shows the placard its approval issued without importing placards."""

from __future__ import annotations

from django.template.loader import render_to_string
from markupsafe import Markup

from . import rules
from .models import Placard


def application_placard(request, application) -> Markup:
    """``{{ application_placard(request, application) }}``: the placard line, linked when the viewer
    may open the placard's page (the placard's rule table); nothing before a placard is issued."""
    placard = Placard.objects.filter(application=application).select_related("enterprise").first()
    if placard is None:
        return Markup()
    return Markup(render_to_string("placards/_application_placard.html", {  # nosec B704: autoescaped template output
        "placard": placard,
        "placard_link": rules.may(request.user, "view", placard).allowed,
        "placard_colour": Placard.STATUS_COLOURS.get(placard.status, "info"),
    }, request=request))
