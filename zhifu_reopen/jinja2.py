from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from jinja2 import Environment


def environment(**options) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    env = Environment(**options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update({"static": static, "url": reverse})
    return env
