from django import template

from .. import rules
from ..models import Placard

register = template.Library()


@register.inclusion_tag("placards/_application_placard.html", takes_context=True)
def application_placard(context, application):
    """The application page's line for the placard its approval issued, if it issued one, linked when
    the viewer may open the placard's page (the placard's rule table). Approvals, the layer below,
    leaves this line to placards: its page loads this tag."""
    placard = Placard.objects.filter(application=application).select_related("enterprise").first()
    if placard is None:
        return {"placard": None}
    return {
        "placard": placard,
        "placard_link": rules.may(context["request"].user, "view", placard).allowed,
        "placard_colour": Placard.STATUS_COLOURS.get(placard.status, "info"),
    }
