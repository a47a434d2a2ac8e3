from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import get_language, gettext, ngettext

from jinja2 import Environment


def environment(*, navigation: str, **options) -> Environment:
    """Jinja2 for the hot pages (the firm list at district scale): the same layout as
    templates/base.html, in jinja2/base.html. Django's backend adds ``request``, ``csrf_input`` and
    ``csrf_token`` to every context; the navigation comes from the same function as the Django pages,
    named in the settings (``navigation``: its dotted path) — this base module imports no app."""
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update({
        "static": static, "url": reverse, "get_language": get_language, "get_messages": get_messages,
        "navigation": import_string(navigation),
    })
    return env
