"""Problem pages (企业诉求): the lists (per liaison, street, department, task force — each the user's own
scope) with their .xlsx export, raising one, its page with the timeline and the owner's actions, the
firm's rating, and attachments."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import roles_required
from accounts.models import Role
from accounts.scope import scope_for
from zhifu_reopen.audit import audit_record, params_summary
from zhifu_reopen.errors import DomainError
from zhifu_reopen.export import xlsx_build, xlsx_filename, xlsx_response
from zhifu_reopen.params import choice_param, id_param, int_param, text_param

from .. import selectors
from ..models import Problem, ProblemAttachment, ProblemCategory
from ..rules import problem as rules
from ..services.problems import problem_act, problem_raise, problem_rate
from .common import enterprise_get, refused

EXPORT_MAX = 50_000
PAGE_SIZE = 50


def _filter(params) -> selectors.ProblemFilter:
    return selectors.ProblemFilter(
        status=choice_param(params, "status", Problem.Status.values),
        owner=choice_param(params, "owner", Problem.Owner.values),
        category=choice_param(params, "category", ProblemCategory.values),
        overdue=choice_param(params, "show", ("overdue",)) == "overdue",
        jurisdiction_id=id_param(params, "jurisdiction"),
        enterprise_id=id_param(params, "enterprise"),
    )


def streets_for(user) -> list:
    """The streets a list may be narrowed to: every street for the district, the user's own otherwise."""
    from org.models import Jurisdiction

    scope = scope_for(user)
    if not (scope.district or len(scope.jurisdiction_ids) > 1):
        return []
    return list(scope.filter_jurisdictions(Jurisdiction.objects.order_by("code")))


@roles_required(*rules.PROBLEM_ROLES)
@require_GET
def problem_list(request):
    f = _filter(request.GET)
    page = int_param(request.GET, "page", default=1, min_value=1, max_value=10_000)
    start = (page - 1) * PAGE_SIZE
    problems = list(selectors.problems_filtered(request.user, f)[start:start + PAGE_SIZE + 1])
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "liaisons/problems.html", {
        "page": page, "has_next": len(problems) > PAGE_SIZE, "problems": problems[:PAGE_SIZE], "filter": f,
        "counts": selectors.problem_counts(request.user), "params": params.urlencode(),
        "statuses": Problem.Status.choices, "owners": Problem.Owner.choices, "categories": ProblemCategory.choices,
        "may_raise": request.user.role in rules.RAISER_ROLES,
        "streets": streets_for(request.user),
    })


@roles_required(*rules.PROBLEM_ROLES)
@require_GET
def problem_export(request):
    """The list as filtered, as .xlsx (at most EXPORT_MAX rows)."""
    qs = selectors.problems_filtered(request.user, _filter(request.GET))[:EXPORT_MAX]
    headers = [_("企业名称"), _("统一社会信用代码"), _("街道"), _("主管部门"), _("诉求类别"), _("诉求内容"), _("状态"),
               _("责任单位"), _("提出时间"), _("办理期限"), _("是否超期"), _("办理结果"), _("解决时间"), _("企业评价")]

    counted = [0]

    def rows():
        for p in qs.iterator(chunk_size=2000):
            counted[0] += 1
            yield [p.enterprise.name, p.enterprise.credit_code or "", p.jurisdiction.name,
                   p.department.name if p.department else "", p.get_category_display(), p.description,
                   p.get_status_display(), p.get_owner_display(), p.created_at, p.due_at,
                   _("是") if p.overdue else _("否"), p.resolution_note, p.resolved_at or "", p.get_rating_display()]

    file = xlsx_build(headers, rows(), title=_("企业诉求"), text_columns=(1,))
    audit_record(actor=request.user, action="problem.export", target_repr=_("企业诉求"),
                 after={"rows": counted[0], "filters": params_summary(request.GET)})
    return xlsx_response(file, xlsx_filename(_("企业诉求")))


@roles_required(*rules.RAISER_ROLES)
@require_http_methods(["GET", "POST"])
def problem_new(request):
    params = request.POST if request.method == "POST" else request.GET
    enterprise_id = id_param(params, "enterprise")
    if enterprise_id is None:
        raise Http404(_("请从企业页面登记诉求。"))
    enterprise = enterprise_get(request.user, enterprise_id)
    probe = Problem(enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id,
                    department_id=enterprise.department_id)
    verdict = rules.may(request.user, "raise", probe)
    context = {"enterprise": enterprise, "categories": ProblemCategory.choices, "form": request.POST}
    if not verdict:
        return render(request, "liaisons/problem_new.html", {**context, "errors": [], "error_title": verdict.reason},
                      status=403)
    if request.method == "POST":
        try:
            problem = problem_raise(actor=request.user, enterprise=enterprise,
                                    category=text_param(request.POST, "category", max_length=30),
                                    description=text_param(request.POST, "description", max_length=4000),
                                    attachments=request.FILES.getlist("attachments"))
        except DomainError as exc:
            return refused(request, "liaisons/problem_new.html", context, exc)
        messages.success(request, _("诉求已登记，街道和驻企联络员将跟进办理。"))
        return redirect(problem)
    return render(request, "liaisons/problem_new.html", context)


def _get(user, pk: int) -> Problem:
    try:
        return selectors.problems_visible(user).select_related(
            "enterprise", "jurisdiction", "department", "raised_by", "resolved_by", "follow_up_of").get(pk=pk)
    except Problem.DoesNotExist as exc:
        raise Http404(_("找不到该诉求，或不在您的管辖范围内。")) from exc


def event_labels() -> dict[str, str]:
    return {"raise": _("登记诉求"), "follow_up": _("企业不满意，重新交街道跟进"), "start": _("开始办理"),
            "escalate_department": _("上报主管部门"), "escalate_task_force": _("上报区工作专班"), "resolve": _("办结"),
            "rate": _("企业评价"), "auto_escalate": _("超期自动上报")}


def _page(request, problem: Problem, *, status: int = 200, **extra):
    actions = {a: rules.may(request.user, a, problem, on_page=True) for a in rules.WORK_ACTIONS}
    return render(request, "liaisons/problem.html", {
        "problem": problem, "events": list(problem.events.select_related("actor")),
        "attachments": list(problem.attachments.all()), "follow_ups": list(problem.follow_ups.all()),
        "actions": {a: v for a, v in actions.items() if v.allowed}, "labels": {a: rules.TABLE.label(a) for a in actions},
        "may_rate": rules.may(request.user, "rate", problem).allowed, "ratings": Problem.Rating.choices,
        "event_labels": event_labels(), "status_labels": dict(Problem.Status.choices), "form": request.POST, **extra,
    }, status=status)


@roles_required(*rules.PROBLEM_ROLES)
@require_GET
def problem_detail(request, pk: int):
    return _page(request, _get(request.user, pk))


@roles_required(*rules.PROBLEM_ROLES)
@require_POST
def problem_act_view(request, pk: int):
    problem = _get(request.user, pk)
    action = choice_param(request.POST, "action", rules.WORK_ACTIONS, strict=False)
    try:
        problem_act(actor=request.user, problem=problem, act=action,
                    note=text_param(request.POST, "note", max_length=2000))
    except DomainError as exc:
        status = 403 if exc.code == "forbidden" else exc.status_code
        return _page(request, _get(request.user, pk), status=status, errors=exc.messages, error_title=exc.message)
    messages.success(request, _("已%(action)s。") % {"action": rules.TABLE.label(action)})
    return redirect(problem)


@roles_required(Role.ENTERPRISE)
@require_POST
def problem_rate_view(request, pk: int):
    problem = _get(request.user, pk)
    try:
        problem_rate(actor=request.user, problem=problem, rating=text_param(request.POST, "rating", max_length=20),
                     comment=text_param(request.POST, "comment", max_length=1000))
    except DomainError as exc:
        status = 403 if exc.code == "forbidden" else exc.status_code
        return _page(request, _get(request.user, pk), status=status, errors=exc.messages, error_title=exc.message)
    messages.success(request, _("感谢您的评价。"))
    return redirect(problem)


@roles_required(*rules.PROBLEM_ROLES)
@require_GET
def attachment_file(request, pk: int):
    try:
        attachment = ProblemAttachment.objects.select_related("problem").get(pk=pk)
    except ProblemAttachment.DoesNotExist as exc:
        raise Http404(_("找不到该附件。")) from exc
    _get(request.user, attachment.problem_id)  # the problem's scope
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                        filename=attachment.name, as_attachment=attachment.content_type == "application/pdf")
