"""Pages: the application list, the work queue (待办/已办), one application, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import roles_required
from accounts.scope import scope_for
from enterprises.models import Enterprise
from zhifu_reopen.errors import DomainError
from zhifu_reopen.params import choice_param, id_param, text_param

from .. import personal, rules, selectors
from ..forms import (
    COMMON_PHRASES,
    ApplicationForm,
    DecisionForm,
    EmployeeForm,
    MaterialUploadForm,
    MeetingForm,
    ReasonForm,
    RemindForm,
    RosterImportForm,
    SignForm,
)
from ..models import Application, Material, Signature, Step
from ..queue_rows import queue_rows
from ..services.applications import application_create, application_update, submission_problems
from ..services.deadlines import deadline_state, responsible_users, time_left_label
from ..services.personal import roster_view_record
from ..services.review import approval_blockers

APPLICATION_ROLES = rules.APPLICATION_ROLES


def get_application(user, pk: int) -> Application:
    try:
        return selectors.application_get(user, pk)
    except Application.DoesNotExist as exc:
        raise Http404(_("找不到该申请，或不在您的管辖范围内。")) from exc


@roles_required(*APPLICATION_ROLES)
def application_list(request):
    filters = selectors.ListFilters.from_params(request.GET)
    rows, next_before, total, capped = selectors.application_list(
        request.user, filters, before=id_param(request.GET, "before")
    )
    return render(request, "approvals/list.html", {
        "rows": rows, "next_before": next_before, "total": total, "capped": capped, "filters": filters,
        "statuses": Application.Status.choices,
    })


@roles_required(*rules.OFFICIAL_ROLES)
def queue(request):
    tab = choice_param(request.GET, "tab", ("todo", "done", "escalated"), default="todo", strict=False)
    context = {"tab": tab, "scope": scope_for(request.user)}
    if tab == "done":
        context["done"] = selectors.done_page(request.user, before=id_param(request.GET, "before"))
        context["next_before"] = context["done"][-1].pk if len(context["done"]) == selectors.PAGE_SIZE else None
    else:
        escalated = tab == "escalated"
        context["page"] = selectors.queue_page(request.user, after=text_param(request.GET, "after"),
                                               escalated=escalated)
        queue_rows(context["page"].rows)
        context["reminders"] = selectors.reminders_unread(request.user, limit=20)
    return render(request, "approvals/queue.html", context)


def page_actions(user, application: Application) -> dict[str, bool]:
    """Which actions the application page offers this user: exactly those the rule table allows now
    (``approvals.rules``), as the services would allow them."""
    step = application.current_step
    shown = ["edit", "submit", "withdraw", "meeting", "verdicts", "remind"]
    if step in rules.STEPS:
        shown += [f"{step}_{outcome}" for outcome in rules.OUTCOMES]
    if step == Step.SIGNATURE:
        shown += list(rules.SIGN_ACTIONS)
    return {action: rules.TABLE.may(user, action, application, on_page=True).allowed for action in shown}


def detail_context(request, application: Application) -> dict:
    user = request.user
    step = application.current_step
    materials = list(application.materials.filter(is_current=True).select_related("uploaded_by", "verdict_by"))
    materials.sort(key=lambda m: Material.Kind.values.index(m.kind))
    present = {m.kind for m in materials}
    signatures = list(
        Signature.objects.filter(application=application, iteration=application.iteration).select_related("signer")
    )
    allowed = page_actions(user, application)
    my_posts = [p for p in rules.SIGN_POSTS if allowed.get(f"{p}_sign") or allowed.get(f"{p}_return")]
    can_decide = any(allowed.get(f"{step}_{outcome}") for outcome in rules.OUTCOMES)
    review = rules.may(user, "verdicts", application)
    editable = allowed["edit"]
    employees, sees_personal = personal.roster_rows_for(user, application)
    roster_count = len(employees) if len(employees) < personal.ROSTER_PAGE_LIMIT else application.employees.count()
    if sees_personal:
        roster_view_record(user=user, application=application, count=len(employees))
    context = {
        "application": application,
        "enterprise": application.enterprise,
        "materials": materials,
        "missing_kinds": [(k, label) for k, label in Material.Kind.choices if k not in present],
        "old_materials": application.materials.filter(is_current=False).order_by("-id")[:20],
        # The roster as this user may see it (approvals.personal: the one masking rule).
        "employees": employees,
        "sees_personal": sees_personal,
        "roster_count": roster_count,
        "meetings": list(application.meetings.select_related("official")),
        "timeline": selectors.timeline(application),
        "signatures": signatures,
        "allowed_actions": allowed,
        "editable": editable,
        "can_submit": allowed["submit"],
        "can_withdraw": allowed["withdraw"],
        "can_meet": allowed["meeting"],
        "can_review": allowed["verdicts"],
        # The street's own official, kept from the street step by the separation of duties: told why.
        "filer_cannot_review": step == Step.STREET and review.check == "other_official",
        "can_decide": can_decide,
        "my_posts": my_posts,
        "can_remind": allowed["remind"],
        "phrases": COMMON_PHRASES,
        "deadline_state": deadline_state(application.step_deadline, application.step_started_at),
        "time_left": time_left_label(application.step_deadline),
        "current_step_label": Step(step).label if step else "",
        "waiting_for": [str(u) for u in responsible_users(application)] if step else [],
    }
    if context["can_submit"]:
        context["submission_problems"] = submission_problems(application)
    if context["can_review"]:
        context["blockers"] = approval_blockers(application)
    if editable:
        context["upload_form"] = MaterialUploadForm()
        context["employee_form"] = EmployeeForm()
        context["roster_form"] = RosterImportForm()
        context["approved_change"] = application.status == Application.Status.APPROVED
    if context["can_meet"]:
        context["meeting_form"] = MeetingForm()
    if can_decide:
        context["decision_form"] = DecisionForm(initial={"seen_iteration": application.iteration})
    if my_posts:
        # Sign or return, each offered when the table allows it for one of the user's posts.
        choices = {act: any(allowed.get(f"{p}_{act}") for p in my_posts) for act in ("sign", "return")}
        form = SignForm(initial={"seen_iteration": application.iteration, "post": my_posts[0],
                                 "action": "sign" if choices["sign"] else "return"})
        form.fields["post"].choices = [(p, Signature.Post(p).label) for p in my_posts]
        context["sign_form"] = form
        context["sign_choices"] = choices
    if context["can_withdraw"]:
        context["withdraw_form"] = ReasonForm()
    if context["can_remind"]:
        context["remind_form"] = RemindForm()
    return context


# The folding panels of the page (<details id=…>) and the form each holds.
PANEL_FORMS = {"roster-add": "employee_form", "roster-import": "roster_form"}


def render_detail(request, application: Application, *, errors=None, title="", status=200, bound=None,
                  open_panel="", saved=False):
    """``bound``: forms to show again as submitted, with their errors at the fields
    (e.g. ``{"meeting_form": form}``). ``open_panel``: a panel of PANEL_FORMS shown open, focus on its
    form's first field with an error (or its first field); ``saved``: the panel says its last entry was
    saved."""
    context = detail_context(request, application)
    for name, form in (bound or {}).items():
        if context.get(name) is not None:
            context[name] = form
    context["errors"] = errors or []
    context["error_title"] = title
    form = context.get(PANEL_FORMS.get(open_panel, ""))
    if form is not None:
        context["open_panel"] = open_panel
        context["saved_panel"] = open_panel if saved else ""
        _autofocus(form)
    return render(request, "approvals/detail.html", context, status=status)


def _autofocus(form) -> None:
    """``autofocus`` on the form's first field with an error, or its first field: it works without
    JavaScript and scrolls the field into view."""
    names = [name for name, field in form.fields.items() if not field.widget.is_hidden]
    wrong = [name for name in names if name in form.errors] if form.is_bound else []
    if wrong or names:
        form.fields[(wrong or names)[0]].widget.attrs["autofocus"] = True


@roles_required(*APPLICATION_ROLES)
def application_detail(request, pk: int):
    application = get_application(request.user, pk)
    # ?roster=add: back from adding a returning employee; the entry panel stays open for the next row.
    added = choice_param(request.GET, "roster", ("add",), strict=False) == "add"
    return render_detail(request, application, open_panel="roster-add" if added else "", saved=added)


@roles_required(*rules.roles_for("create"))
@require_http_methods(["GET", "POST"])
def application_create_view(request, enterprise_pk: int):
    try:
        enterprise = Enterprise.objects.visible_to(request.user).select_related("jurisdiction").get(pk=enterprise_pk)
    except Enterprise.DoesNotExist as exc:
        raise Http404(_("找不到该企业，或不在您的管辖范围内。")) from exc
    form = ApplicationForm(request.POST or None, enterprise=enterprise)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            application = application_create(user=request.user, enterprise=enterprise, data=form.cleaned_data)
        except DomainError as exc:
            errors = [exc.message, *exc.messages]
        else:
            messages.success(request, _("已创建复工申请草稿，请上传材料、填写返岗员工花名册。"))
            return redirect(application)
    status = 400 if (form.errors or errors) else 200
    return render(request, "approvals/form.html",
                  {"form": form, "enterprise": enterprise, "errors": errors, "creating": True}, status=status)


@roles_required(*rules.roles_for("edit"))
@require_http_methods(["GET", "POST"])
def application_edit_view(request, pk: int):
    application = get_application(request.user, pk)
    form = ApplicationForm(request.POST or None, instance=get_application(request.user, pk),
                           enterprise=application.enterprise)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            application_update(user=request.user, application=application, data=data,
                               reason=form.cleaned_data.get("reason", ""))
        except DomainError as exc:
            errors = [exc.message, *exc.messages]
        else:
            messages.success(request, _("已保存。"))
            return redirect(application)
    status = 400 if (form.errors or errors) else 200
    return render(request, "approvals/form.html", {
        "form": form, "enterprise": application.enterprise, "application": application, "errors": errors,
        "creating": False,
    }, status=status)
