"""POST actions on one application. Each validates the form, calls one service and redirects back; a
refusal re-renders the application page with every reason (400, or 409 when someone acted first)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import roles_required
from accounts.models import Notification
from zhifu_reopen.errors import Conflict, DomainError
from zhifu_reopen.export import xlsx_build, xlsx_response
from zhifu_reopen.params import BadParameter, parse_int, text_param

from .. import personal
from ..forms import (
    DecisionForm,
    EmployeeForm,
    MaterialUploadForm,
    MeetingForm,
    ReasonForm,
    RemindForm,
    RosterImportForm,
    SignForm,
    form_errors,
)
from ..models import Material
from ..rules import (
    APPLICATION_ROLES,
    DECIDER_ROLES,
    OFFICIAL_ROLES,
    REMINDER_ROLES,
    SIGNER_ROLE_LIST,
    roles_for,
)
from ..services import applications as filing
from ..services.chain import decide
from ..services.deadlines import application_remind
from ..services.personal import roster_export_record
from ..services.review import leader_meeting_record, material_verdicts_set
from ..services.signatures import signature_add, signature_return
from .pages import PANEL_FORMS, get_application, render_detail

EDITORS = roles_for("edit")


def _run(request, application, form, call, success: str):
    if form is not None and not form.is_valid():
        return render_detail(request, application, errors=form_errors(form), title=_("提交的内容有误："),
                             status=400)
    try:
        call(form.cleaned_data if form is not None else {})
    except DomainError as exc:
        # A step that is not the user's is a 403; a rule refusing the input 400; someone acting first 409.
        status = 403 if exc.code == "forbidden" else exc.status_code
        return render_detail(request, application, errors=exc.messages, title=exc.message, status=status)
    messages.success(request, success)
    return redirect(application)


@roles_required(*EDITORS)
@require_POST
def material_upload_view(request, pk: int):
    application = get_application(request.user, pk)
    form = MaterialUploadForm(request.POST, request.FILES)
    return _run(request, application, form, lambda d: filing.material_upload(
        user=request.user, application=application, kind=d["kind"], upload=d["file"], reason=d["reason"],
    ), _("材料已上传。"))


# Refusals that are not about what was typed (not the user's application, the application locked
# meanwhile): said at the top of the page. A roster form's other refusals are said in the form.
PAGE_REFUSALS = {"forbidden", "final", "locked"}


def _roster_refused(request, application, form, panel: str, exc: DomainError | None = None, *, field=None):
    """The page again with ``form`` as typed, in its open panel: its own errors at their fields, and
    ``exc``'s reasons at ``field`` (``None``: the top of the form; a missing reason at the reason field)."""
    bound = {PANEL_FORMS[panel]: form}
    if exc is None:
        return render_detail(request, application, status=400, bound=bound, open_panel=panel)
    status = 403 if exc.code == "forbidden" else exc.status_code
    if exc.code in PAGE_REFUSALS or isinstance(exc, Conflict):
        return render_detail(request, application, errors=exc.messages, title=exc.message, status=status,
                             bound=bound)
    form.add_error("reason" if exc.code == "reason_required" else field, [exc.message, *exc.messages])
    return render_detail(request, application, status=status, bound=bound, open_panel=panel)


@roles_required(*EDITORS)
@require_POST
def employee_add_view(request, pk: int):
    """One returning employee. Added: back to the page with the entry panel open and empty, focus on its
    first field, for the next row. Refused: the row stays as typed, each error at its field."""
    application = get_application(request.user, pk)
    form = EmployeeForm(request.POST, application=application)
    if not form.is_valid():
        return _roster_refused(request, application, form, "roster-add")
    try:
        filing.employee_add(user=request.user, application=application, data=form.cleaned_data,
                            reason=form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        return _roster_refused(request, application, form, "roster-add", exc)
    return redirect(f"{application.get_absolute_url()}?roster=add")


@roles_required(*EDITORS)
@require_POST
def employee_remove_view(request, pk: int, employee_pk: int):
    application = get_application(request.user, pk)
    reason = text_param(request.POST, "reason", strip=False)
    return _run(request, application, None, lambda d: filing.employee_remove(
        user=request.user, application=application, employee_id=employee_pk, reason=reason,
    ), _("已移除。"))


@roles_required(*EDITORS)
@require_POST
def roster_import_view(request, pk: int):
    """A roster workbook. Refused: its panel stays open with the reasons (every bad row) at the form."""
    application = get_application(request.user, pk)
    form = RosterImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _roster_refused(request, application, form, "roster-import")
    try:
        count = filing.roster_import(user=request.user, application=application, upload=form.cleaned_data["file"],
                                     reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _roster_refused(request, application, form, "roster-import", exc, field="file")
    messages.info(request, _("已导入%(n)d人。") % {"n": count})
    messages.success(request, _("花名册已导入。"))
    return redirect(application)


@roles_required(*roles_for("meeting"))
@require_POST
def meeting_view(request, pk: int):
    application = get_application(request.user, pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():  # e.g. a meeting time out of bounds: said at the field, nothing stored
        return render_detail(request, application, title=_("负责人见面未记录，请修改："), status=400,
                             bound={"meeting_form": form})
    return _run(request, application, form, lambda d: leader_meeting_record(
        user=request.user, application=application, **d,
    ), _("已记录负责人见面。"))


@roles_required(*roles_for("submit"))
@require_POST
def submit_view(request, pk: int):
    application = get_application(request.user, pk)
    return _run(request, application, None, lambda d: filing.application_submit(
        user=request.user, application=application,
    ), _("已提交，进入街道/园区审核。"))


@roles_required(*roles_for("withdraw"))
@require_POST
def withdraw_view(request, pk: int):
    application = get_application(request.user, pk)
    form = ReasonForm(request.POST)
    return _run(request, application, form, lambda d: filing.application_withdraw(
        user=request.user, application=application, reason=d["reason"],
    ), _("申请已撤回。"))


@roles_required(*roles_for("verdicts"))
@require_POST
def verdicts_view(request, pk: int):
    """One form with a verdict for every material: verdict_<id> = accepted|revision, reason_<id>."""
    application = get_application(request.user, pk)
    verdicts = {}
    try:
        for key, value in request.POST.items():
            if key.startswith("verdict_") and value:
                material_pk = parse_int(key[8:], key, min_value=1)
                reason = text_param(request.POST, f"reason_{material_pk}", max_length=300, strip=False)
                verdicts[material_pk] = (value, reason)
    except BadParameter as exc:
        return render_detail(request, application, title=exc.message, status=400)
    if not verdicts:
        return render_detail(request, application, title=_("请对材料逐项给出审核结论。"), status=400)
    return _run(request, application, None, lambda d: material_verdicts_set(
        user=request.user, application=application, verdicts=verdicts,
    ), _("材料审核结论已保存。"))


@roles_required(*DECIDER_ROLES)
@require_POST
def decide_view(request, pk: int):
    application = get_application(request.user, pk)
    form = DecisionForm(request.POST)
    return _run(request, application, form, lambda d: decide(
        user=request.user, application=application, outcome=d["outcome"], opinion=d["opinion"],
        seen_iteration=d.get("seen_iteration"),
    ), _("已办理。"))


@roles_required(*SIGNER_ROLE_LIST)
@require_POST
def sign_view(request, pk: int):
    application = get_application(request.user, pk)
    form = SignForm(request.POST)

    def call(d):
        service = signature_add if d["action"] == "sign" else signature_return
        service(user=request.user, application=application, post=d["post"], opinion=d["opinion"],
                seen_iteration=d.get("seen_iteration"))

    return _run(request, application, form, call, _("已办理。"))


@roles_required(*REMINDER_ROLES)
@require_POST
def remind_view(request, pk: int):
    application = get_application(request.user, pk)
    form = RemindForm(request.POST)
    return _run(request, application, form, lambda d: application_remind(
        user=request.user, application=application, note=d["note"],
    ), _("已催办。"))


@roles_required(*OFFICIAL_ROLES)
@require_POST
def reminders_read(request):
    """Mark the user's own reminders read (nobody else's can be touched)."""
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("approvals:queue")


@roles_required(*EDITORS)
def roster_template(request):
    """An empty roster workbook with the expected header and one example row."""
    from openpyxl import Workbook  # loaded only when the template is asked for

    book = Workbook()
    sheet = book.active
    sheet.title = _("返岗员工花名册")
    sheet.append(filing.ROSTER_HEADERS)
    sheet.append([_("张三（示例，请删除）"), "370602198503010012", "13905350000", _("芝罘区南大街1号"),
                  _("14天内未离烟"), _("健康")])
    for column, width in zip("ABCDEF", (14, 22, 14, 30, 30, 12), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''roster-template.xlsx"
    return response


@roles_required(*APPLICATION_ROLES)
def material_download(request, pk: int, material_pk: int):
    application = get_application(request.user, pk)
    try:
        material = application.materials.get(pk=material_pk)
    except Material.DoesNotExist as exc:
        raise Http404(_("找不到该材料。")) from exc
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("材料文件已不存在。")) from exc
    filename = f"{application.number or application.pk}-{material.get_kind_display()}{material.extension}"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=material.content_type)


@roles_required(*APPLICATION_ROLES)
@require_GET
def roster_export(request, pk: int):
    """The roster as a workbook, masked or not by the one rule (``approvals.personal``), the columns of
    the upload template; every export is recorded in the audit trail (counts only)."""
    application = get_application(request.user, pk)
    rows, unmasked = personal.roster_rows_for(request.user, application, limit=None)
    roster_export_record(user=request.user, application=application, count=len(rows), unmasked=unmasked)
    data = ([r.name, r.id_number, r.mobile, r.residence, r.travel_history, r.health] for r in rows)
    book = xlsx_build(filing.ROSTER_HEADERS, data, title=_("返岗员工花名册"), widths=(14, 22, 14, 30, 30, 12),
                      text_columns=(1, 2))
    return xlsx_response(book, f"{application.number or application.pk}-{_('返岗员工花名册')}.xlsx")
