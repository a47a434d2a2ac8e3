from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import roles_required
from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.errors import DomainError
from zhifu_reopen.params import int_param, text_param

from .. import selectors
from ..choices import CATEGORY_COLOURS, OPERATING_STATUS_COLOURS, Category, OperatingStatus, Scale
from ..forms import EnterpriseFilterForm, EnterpriseForm, SurveyVisitForm
from ..history import enterprise_history
from ..models import Enterprise
from ..services.registry import duplicate_of, enterprise_create, enterprise_update, survey_visit_record
from ..validators import credit_code_warning, validate_credit_code
from .list_rows import rows_html

# Every official's role; the firm's own account opens only its enterprise's page.
ALL_ROLES = tuple(r for r in Role.values if r != Role.ENTERPRISE)
REGISTRARS = (Role.STREET_STAFF,)
SURVEYORS = (Role.STREET_STAFF, Role.LIAISON)

_LABELS = {
    "scale": dict(Scale.choices),
    "category": dict(Category.choices),
    "status": dict(OperatingStatus.choices),
}


def _get(user, pk: int) -> Enterprise:
    try:
        return selectors.enterprise_get(user, pk)
    except Enterprise.DoesNotExist as exc:
        raise Http404(_("找不到该企业，或不在您的管辖范围内。")) from exc


_FILTER_CHOICES: dict[str, dict] = {}


def _filter_choices() -> dict:
    """Labels and choices of the list filters as plain strings, computed once per language."""
    language = get_language()
    cached = _FILTER_CHOICES.get(language)
    if cached is None:
        fields = EnterpriseFilterForm.base_fields
        cached = {
            "labels": {name: str(field.label) for name, field in fields.items()},
            "choices": {name: [(str(v), str(label)) for v, label in fields[name].choices]
                        for name in ("scale", "category", "status")},
            "all_jurisdictions": str(fields["jurisdiction"].empty_label),
            "row_labels": {k: {c: str(v) for c, v in d.items()} for k, d in _LABELS.items()},
        }
        _FILTER_CHOICES[language] = cached
    return cached


def _filter_fields(user, filters: selectors.EnterpriseFilters, static: dict,
                   names: selectors.OrgNames) -> list[dict]:
    """The filter bar as plain data (same names, ids and classes as EnterpriseFilterForm's widgets):
    rendering Django form widgets cost more than the rest of the page."""
    scope = scope_for(user)
    jurisdictions = [(pk, name) for pk, name in names.jurisdictions if scope.can_see_jurisdiction(pk)]
    current = {"jurisdiction": str(filters.jurisdiction or ""), "scale": filters.scale,
               "category": filters.category, "status": filters.status}
    choices = {
        "jurisdiction": [("", static["all_jurisdictions"]), *((str(pk), name) for pk, name in jurisdictions)],
        **static["choices"],
    }
    fields = [{"name": "q", "label": static["labels"]["q"], "value": filters.q}]
    for name in ("jurisdiction", "scale", "category", "status"):
        fields.append({"name": name, "label": static["labels"][name], "options": choices[name],
                       "current": current[name]})
    return fields


def _pager(params: dict[str, str], page: selectors.KeysetPage) -> dict[str, str | None]:
    """First / previous / next links, keeping the filters."""
    query = urlencode(params)
    prefix = f"?{query}&" if query else "?"
    return {
        "first": prefix if page.prev_token else None,
        "prev": f"{prefix}{urlencode({'before': page.prev_token})}" if page.prev_token else None,
        "next": f"{prefix}{urlencode({'after': page.next_token})}" if page.next_token else None,
    }


@roles_required(*ALL_ROLES)
def enterprise_list(request):
    filters = selectors.EnterpriseFilters.from_params(request.GET)
    names = selectors.org_names(user=request.user)
    page = selectors.enterprise_list_page(
        request.user, filters, after=text_param(request.GET, "after"),
        before=text_param(request.GET, "before"),
        names=names,
    )
    static = _filter_choices()
    htmx = bool(request.headers.get("HX-Request"))
    params = filters.as_params()
    context = {
        # The rows (templates/enterprises/_rows.html, written by list_rows.rows_html) …
        "rows": page.rows,
        "rows_html": rows_html(page.rows, detail_prefix=reverse("enterprises:detail", args=[0])[:-2],
                               labels=static["row_labels"], status_colours=OPERATING_STATUS_COLOURS,
                               category_colours=CATEGORY_COLOURS),
        # … and the page around them.
        "filter_fields": None if htmx else _filter_fields(request.user, filters, static, names),
        "page": page,
        "params": params,
        "pager": _pager(params, page),
        "can_register": request.user.is_superuser or request.user.role in REGISTRARS,
        # The same filters as the rows (never the raw query string: no page cursors, nothing unparsed).
        "export_url": reverse("enterprises:export") + (f"?{urlencode(params)}" if params else ""),
    }
    template = "enterprises/_list_body.html" if htmx else "enterprises/list.html"
    return render(request, template, context)


@roles_required(*ALL_ROLES, Role.ENTERPRISE)
def enterprise_detail(request, pk: int, *, visit_form=None, status=200):
    enterprise = _get(request.user, pk)
    context = {
        "enterprise": enterprise,
        "warning": credit_code_warning(enterprise.credit_code),
        "prevention_mobile": selectors.contact_mobile_for(request.user, enterprise),
        "visits": enterprise.survey_visits.select_related("official")[:20],
        "history": enterprise_history(request.user, enterprise),
        "status_colour": OPERATING_STATUS_COLOURS[enterprise.operating_status],
        "can_edit": request.user.is_superuser
        or (request.user.role == Role.STREET_STAFF),
        "can_survey": request.user.is_superuser or request.user.role in SURVEYORS,
        "visit_form": visit_form or SurveyVisitForm(),
    }
    return render(request, "enterprises/detail.html", context, status=status)


def _duplicate_message(user, code: str, exclude_pk=None):
    """The refusal for a registered code: the enterprise's name and link only if the user may see the
    enterprise; an enterprise outside the user's scope is not named."""
    existing = duplicate_of(code, exclude_pk=exclude_pk)
    if existing is None:
        return None
    if not selectors.enterprises_visible(user).filter(pk=existing.pk).exists():
        return _("统一社会信用代码 %(code)s 已在本区其他辖区登记，请勿重复登记。") % {"code": existing.credit_code}
    return mark_safe(render_to_string("enterprises/_duplicate_code.html", {"enterprise": existing}))  # nosec B308 B703: autoescaped template output


def _save_form(request, form, *, instance=None):
    """Validate and call the service; on a refusal show the reason on the form (400)."""
    if not form.is_valid():
        return None
    code = form.cleaned_data["credit_code"]
    duplicate = _duplicate_message(request.user, code, exclude_pk=instance.pk if instance else None)
    if duplicate:
        form.add_error("credit_code", duplicate)
        return None
    try:
        if instance is None:
            enterprise = enterprise_create(user=request.user, data=form.cleaned_data)
        else:
            enterprise = enterprise_update(user=request.user, enterprise=instance, data=form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    warning = credit_code_warning(enterprise.credit_code)
    if warning:
        messages.warning(request, warning)
    return enterprise


@roles_required(*REGISTRARS)
@require_http_methods(["GET", "POST"])
def enterprise_create_view(request):
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST":
        enterprise = _save_form(request, form)
        if enterprise:
            messages.success(request, _("已登记企业：%(name)s") % {"name": enterprise.name})
            return redirect(enterprise)
    status = 400 if form.errors else 200
    return render(request, "enterprises/form.html", {"form": form, "creating": True}, status=status)


@roles_required(*REGISTRARS)
@require_http_methods(["GET", "POST"])
def enterprise_edit_view(request, pk: int):
    enterprise = _get(request.user, pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST":
        # ModelForm.is_valid() writes into the instance; give the service a fresh copy.
        saved = _save_form(request, form, instance=_get(request.user, pk))
        if saved:
            messages.success(request, _("已保存修改。"))
            return redirect(saved)
    status = 400 if form.errors else 200
    return render(
        request, "enterprises/form.html", {"form": form, "creating": False, "enterprise": enterprise},
        status=status,
    )


@roles_required(*SURVEYORS)
@require_http_methods(["POST"])
def survey_visit_create(request, pk: int):
    enterprise = _get(request.user, pk)
    form = SurveyVisitForm(request.POST)
    if form.is_valid():
        try:
            survey_visit_record(user=request.user, enterprise=enterprise, **form.cleaned_data)
        except DomainError as exc:  # a rule refused it: the page again with why, the form as typed (4xx)
            for line in [exc.message, *exc.messages]:
                messages.error(request, line)
            return enterprise_detail(request, pk, visit_form=form,
                                     status=403 if exc.code == "forbidden" else exc.status_code)
        messages.success(request, _("已记录走访。"))
        return redirect(enterprise)
    # Refused: the page again with the form as typed and the reason at the field (400), nothing stored.
    messages.error(request, _("走访记录未保存，请修改。"))
    return enterprise_detail(request, pk, visit_form=form, status=400)


@roles_required(Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR, Role.TASK_FORCE)
def survey_coverage_view(request):
    days = int_param(request.GET, "days", min_value=1, max_value=365)
    rows = selectors.survey_coverage(request.user, days)
    return render(request, "enterprises/coverage.html", {
        "rows": rows, "days": days or selectors.settings.SURVEY_COVERAGE_DAYS,
    })


@roles_required(*REGISTRARS)
def credit_code_check(request):
    """htmx helper: validates a code as it is typed and warns about duplicates."""
    code = text_param(request.GET, "credit_code", max_length=50, strip=False)
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        return _code_check(request, "danger", exc.messages[0])
    duplicate = _duplicate_message(request.user, code)
    if duplicate:
        return _code_check(request, "danger", duplicate)
    warning = credit_code_warning(code)
    if warning:
        return _code_check(request, "warning", warning)
    return _code_check(request, "success", _("格式与校验位正确"))


def _code_check(request, tone: str, message) -> HttpResponse:
    return render(request, "enterprises/_code_check.html", {"tone": tone, "message": message})
