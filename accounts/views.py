from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext as _

from enterprises import selectors as enterprise_selectors
from zhifu_reopen.http import may_open

from .models import Role
from .scope import scope_for


def home(request):
    """Each role lands on a page that shows its own work."""
    user = request.user
    scope = scope_for(user)
    context = {"scope": scope, "role_label": Role(scope.role).label if scope.role in Role.values else ""}
    if scope.is_empty:
        context["no_scope"] = True
        context["manages_people"] = may_open(user, "people:list")  # the district administrator
        return render(request, "accounts/home.html", context)
    visible = enterprise_selectors.enterprises_visible(user)
    context["enterprise_count"] = visible.count()
    if may_open(user, "enterprises:coverage"):  # the coverage block for whoever may open its page
        context["coverage"] = enterprise_selectors.survey_coverage(user)
    context["widgets"] = home_widgets(request)
    return render(request, "accounts/home.html", context)


def home_widgets(request) -> list:
    """Work blocks contributed by other apps (queues, problems, inspections), in order."""
    from django.utils.module_loading import import_string

    widgets = []
    for dotted in HOME_WIDGETS:
        widget = import_string(dotted)(request)
        if widget:
            widgets.append(widget)
    return widgets


# Each entry: a callable(request) -> dict(title, template, context) | None.
HOME_WIDGETS: list[str] = ["approvals.widgets.queue_widget", "enterprises.widgets.liaison_widget"]


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("登录")}
