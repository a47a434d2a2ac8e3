"""The home page: each role lands on a page that shows its own work, gathered from the apps below."""

from django.shortcuts import render

from accounts.http import may_open
from accounts.models import Role
from accounts.scope import scope_for
from approvals.widgets import queue_widget
from enterprises import selectors as enterprise_selectors
from enterprises.widgets import liaison_widget
from inspections.widgets import due_widget
from liaisons.widgets import firm_widget, liaison_work_widget

# Work blocks contributed by the apps (queues, problems, inspections), in order: each a
# callable(request) -> dict(title, template, context) | None.
HOME_WIDGETS = [firm_widget, due_widget, queue_widget, liaison_work_widget, liaison_widget]


def home(request):
    """Each role lands on a page that shows its own work."""
    user = request.user
    scope = scope_for(user)
    context = {"scope": scope, "role_label": Role(scope.role).label if scope.role in Role.values else ""}
    if scope.is_empty:
        context["no_scope"] = True
        context["manages_people"] = may_open(user, "people:list")  # the district administrator
        return render(request, "dashboards/home.html", context)
    visible = enterprise_selectors.enterprises_visible(user)
    context["enterprise_count"] = visible.count()
    if may_open(user, "enterprises:coverage"):  # the coverage block for whoever may open its page
        context["coverage"] = enterprise_selectors.survey_coverage(user)
    context["widgets"] = home_widgets(request)
    return render(request, "dashboards/home.html", context)


def home_widgets(request) -> list:
    return [widget for widget in (make(request) for make in HOME_WIDGETS) if widget]
