"""The one template engine of the product's pages: Jinja2, autoescaping on (settings.TEMPLATES).

Every page extends ``templates/base.html``. What the templates may call is set here and nowhere else:

- globals: ``static``, ``url(name, *args, **kwargs)``, ``get_language``, ``get_messages``, ``colon()``
  and the hooks the settings name (``OPTIONS["hooks"]``: the navigation, and the panels an upper app
  lends a lower app's page, such as the enterprise page's applications), imported by dotted path so that
  this base module imports no app;
- filters: Django's ``date``, ``time``, ``filesizeformat``, ``truncatechars``, ``yesno``, and the
  punctuation of :mod:`zhifu_reopen.punctuation` (``parenthesised``, ``list_join``), which put
  full-width punctuation around data in Chinese and ASCII in English;
- ``_``/``gettext``/``ngettext`` (Django's catalog). Write ``{{ _("文字") }}`` for a string and
  ``{{ _("第%(n)s轮")|format(n=round) }}`` for one with values, so that ``makemessages`` finds it
  (it reads ``_("…")`` in a template's ``{{ }}``, as in a Django template). ``format`` here escapes the
  text and each value but one already marked safe (a link built with ``{% set link %}…{% endset %}``),
  so a translated sentence may carry a link without any HTML in its msgid.

Django's backend adds ``request``, ``csrf_input`` and ``csrf_token`` to every context. The backend
below is Django's, but a render also sends ``template_rendered`` as Django's own engine does, so that
tests read ``response.context`` and ``assertTemplateUsed`` for these pages too.
"""

from __future__ import annotations

import datetime
import functools

from django.contrib.messages import get_messages
from django.core.exceptions import ImproperlyConfigured
from django.middleware.csrf import get_token
from django.template import TemplateSyntaxError, defaultfilters
from django.template.backends import jinja2 as django_jinja2
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext, pgettext
from jinja2 import ChainableUndefined, Environment, pass_eval_context
from jinja2 import TemplateSyntaxError as JinjaTemplateSyntaxError
from markupsafe import Markup, escape

from . import punctuation


class Template(django_jinja2.Template):
    @property
    def name(self) -> str:
        return self.template.name

    def render(self, context=None, request=None):
        html = super().render(context, request) if request is None else self._render(context, request)
        if template_rendered.receivers:  # only in tests (django.test.utils.setup_test_environment)
            template_rendered.send(sender=self, template=self, context={**(context or {}), "request": request})
        return html


    def _render(self, context, request):
        """Django's backend render, but one masked CSRF token per render: Django's backend masks a fresh
        one for every use of ``csrf_input`` / ``csrf_token`` (a page of the layout uses three or four),
        where Django's own templates mask one per render (``django.template.context_processors.csrf``)."""
        context = {} if context is None else context
        token = functools.cache(functools.partial(get_token, request))
        context["request"] = request
        context["csrf_input"] = lazy(lambda: csrf_input_html(token()), SafeString)()
        context["csrf_token"] = lazy(token, str)()
        for context_processor in self.backend.template_context_processors:
            context.update(context_processor(request))
        try:
            return self.template.render(context)
        except JinjaTemplateSyntaxError as exc:
            new = TemplateSyntaxError(exc.args)
            new.template_debug = django_jinja2.get_exception_info(exc)
            raise new from exc


def csrf_input_html(token: str) -> SafeString:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


class Jinja2(django_jinja2.Jinja2):
    def from_string(self, template_code):
        return Template(self.env.from_string(template_code), self)

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)


def url(name: str, *args, **kwargs) -> str:
    """``{{ url("approvals:detail", application.pk) }}``."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def colon() -> str:
    return pgettext("punctuation", "：")


def parenthesised(value) -> Markup:
    """（…） in Chinese, " (…)" in English; the value is escaped."""
    return Markup(pgettext("parenthesis", "（%(text)s）")) % {"text": value}  # nosec B704: a translated literal; the value is escaped by Markup's %


def list_join(values) -> Markup:
    """甲、乙 / 甲, 乙; each value is escaped."""
    return Markup(punctuation.list_join(escape(v) for v in values))  # nosemgrep: markup-user-data -- every value escape()d  # nosec B704: every value escape()d, the separators are literals


@pass_eval_context
def format_escaped(eval_ctx, value, *args, **kwargs):
    """``"%(n)s 家"|format(n=count)``: printf-style, every part escaped once."""
    if eval_ctx.autoescape:
        return Markup(escape(value)) % (kwargs or args)  # nosec B704: the format string escape()d, Markup's % escapes the arguments
    return str(value) % (kwargs or args)


def _local(value):
    """As Django's templates do before a filter: an aware datetime in the current time zone (a page says
    09:30 in 芝罘, not the 01:30 UTC stored)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def date_filter(value, arg=None):
    return defaultfilters.date(_local(value), arg)


def time_filter(value, arg=None):
    return defaultfilters.time(_local(value), arg)


def environment(*, hooks: dict[str, str], **options) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    # As in Django's templates, a value a view did not pass (``application`` on the "new" form) is
    # empty, and so is any attribute of it, rather than an error.
    options["undefined"] = ChainableUndefined  # Django's backend sets its own default first
    # Every page is autoescaped: a settings change cannot turn escaping off (bandit B701).
    if options.pop("autoescape", True) is not True:
        raise ImproperlyConfigured("The Jinja2 engine must autoescape (OPTIONS autoescape=True).")
    env = Environment(autoescape=True, **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals.update({
        "static": static, "url": url, "get_language": get_language, "get_messages": get_messages,
        "colon": colon,
        **{name: import_string(path) for name, path in hooks.items()},
    })
    env.filters.update({
        "date": date_filter, "time": time_filter,
        "filesizeformat": defaultfilters.filesizeformat, "truncatechars": defaultfilters.truncatechars,
        "yesno": defaultfilters.yesno,
        "parenthesised": parenthesised, "list_join": list_join, "format": format_escaped,
    })
    return env
