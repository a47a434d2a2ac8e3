"""The bench's urlconf: the project's URLs plus a reference view, never part of the product."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from enterprises.models import Enterprise

_TEMPLATE = engines["django"].from_string("<p>{{ enterprise.name }} · {{ enterprise.credit_code }}</p>\n")


@login_not_required
def reference_view(request, pk: int):
    """One indexed SELECT by primary key and a tiny template: the yardstick every ratio divides by."""
    enterprise = Enterprise.objects.only("id", "name", "credit_code").get(pk=pk)
    return HttpResponse(_TEMPLATE.render({"enterprise": enterprise}, request))


urlpatterns = [
    path("bench/reference/<int:pk>/", reference_view, name="bench_reference"),
    path("", include("zhifu_reopen.urls")),
]
