# semgrep --test fixtures for markup-user-data ("ruleid" lines must match, "ok" lines must not).
from django.template.loader import render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from markupsafe import Markup


def bad(request, enterprise):
    # ruleid: markup-user-data
    a = mark_safe(request.GET.get("q"))
    # ruleid: markup-user-data
    b = Markup(f"<b>{enterprise.name}</b>")
    # ruleid: markup-user-data
    c = mark_safe("<b>%s</b>" % enterprise.name)
    # ruleid: markup-user-data
    d = Markup("<b>{}</b>".format(enterprise.name))
    # ruleid: markup-user-data
    e = mark_safe("<b>" + enterprise.name + "</b>")
    # ruleid: markup-user-data
    f = Markup(enterprise.note)
    return a, b, c, d, e, f


def good(request, enterprise, values):
    # ok: markup-user-data
    a = mark_safe(render_to_string("enterprises/_duplicate_code.html", {"enterprise": enterprise}))
    # ok: markup-user-data
    b = Markup()
    # ok: markup-user-data
    c = Markup("<br>")
    # ok: markup-user-data
    d = Markup(escape(enterprise.name))
    # ok: markup-user-data
    e = format_html("<b>{}</b>", enterprise.name)
    # ok: markup-user-data
    f = Markup(_("（%(text)s）")) % {"text": enterprise.name}
    # ok: markup-user-data
    g = Markup("、".join(escape(v) for v in values))
    return a, b, c, d, e, f, g
