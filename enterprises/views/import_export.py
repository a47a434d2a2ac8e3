"""Import and export pages. The views only read the request and call the services
(``services.importing`` / ``services.exporting``); they change no state themselves."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.http import roles_required
from accounts.models import Role
from org.models import Department
from zhifu_reopen.errors import DomainError
from zhifu_reopen.export import xlsx_build, xlsx_response
from zhifu_reopen.sheets import HEADER_SEARCH_ROWS

from .. import selectors
from ..choices import CATEGORY_IMPORT_LABELS, SCALE_IMPORT_LABELS
from ..services import exporting
from ..services.importing import (
    EXAMPLE_ROW,
    HEADERS,
    IGNORED_HEADERS,
    MAX_ROWS,
    MODE_REPORT,
    MODE_UPDATE,
    REQUIRED,
    enterprise_import,
    enterprise_import_start,
    import_inspect,
)

IMPORTERS = (Role.STREET_STAFF,)
# Every official's role; the firm's own account opens only its enterprise's page.
ALL_ROLES = tuple(r for r in Role.values if r != Role.ENTERPRISE)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("导入文件"),
        help_text=gettext_lazy("Excel或WPS表格（.xlsx、.xls）、LibreOffice表格（.ods）或CSV文件（UTF-8或GB18030编码）。"),
        widget=forms.ClearableFileInput(attrs={"class": "input", "accept": ".xlsx,.xls,.ods,.csv"}),
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("信用代码已登记的企业"),
        choices=[
            (MODE_REPORT, gettext_lazy("报告为错误（不修改已登记企业）")),
            (MODE_UPDATE, gettext_lazy("用文件内容更新已登记企业")),
        ],
        initial=MODE_REPORT,
        widget=forms.RadioSelect,
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("试导入：只检查，不写入"), required=False,
        help_text=gettext_lazy("先检查整个文件，列出全部错误，确认无误后再正式导入。"),
    )


def _import_context(form, result=None) -> dict:
    return {
        "form": form,
        "result": result,
        "headers": HEADERS,
        "required": [h for h in HEADERS if h in REQUIRED],
        "ignored": IGNORED_HEADERS,
        "scales": list(SCALE_IMPORT_LABELS),
        "categories": list(CATEGORY_IMPORT_LABELS),
        "departments": list(Department.objects.values_list("name", flat=True)),
        "inline_max": settings.IMPORT_INLINE_MAX_ROWS,
        "max_rows": MAX_ROWS,
        "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        "header_rows": HEADER_SEARCH_ROWS,
    }


@roles_required(*IMPORTERS)
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload a file. Small files are imported in the request and the result shown at once; larger ones
    become a background job and the user follows its progress on the job page."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "enterprises/import.html", _import_context(form), status=400)
        upload = form.cleaned_data["file"]
        options = {"mode": form.cleaned_data["mode"], "dry_run": form.cleaned_data["dry_run"]}
        try:
            info = import_inspect(upload, upload.name)
            estimate = info.rows_estimate
            if estimate is None or estimate > settings.IMPORT_INLINE_MAX_ROWS:
                job = enterprise_import_start(
                    user=request.user, file=upload, filename=upload.name, rows_estimate=estimate, **options
                )
                return redirect("jobs:detail", job.pk)
            result = enterprise_import(user=request.user, file=upload, filename=upload.name, **options)
            status = 200 if result.ok else 400
        except DomainError as exc:
            form.add_error("file", exc.message)
            status = exc.status_code
    return render(request, "enterprises/import.html", _import_context(form, result), status=status)


@roles_required(*IMPORTERS)
def import_template(request):
    """The import template: the header row and one example row."""
    output = xlsx_build(HEADERS, [EXAMPLE_ROW], title=_("企业导入模板"),
                        widths=[36, 22, 10, 14, 12, 12, 40, 12, 12, 15, 10], text_columns=(1, 9))
    return xlsx_response(output, _("企业导入模板.xlsx"))


@roles_required(*ALL_ROLES)
@require_http_methods(["POST"])
def export_view(request):
    """The list with its current filters (the query string), scoped to the user, as .xlsx; more than
    EXPORT_INLINE_MAX_ROWS rows run on a job."""
    filters = selectors.EnterpriseFilters.from_params(request.GET)
    total = exporting.enterprise_export_count(request.user, filters)
    if total > exporting.EXPORT_INLINE_MAX_ROWS:
        job = exporting.enterprise_export_start(user=request.user, filters=filters, total=total)
        return redirect("jobs:detail", job.pk)
    output = exporting.enterprise_export_file(request.user, filters)
    return xlsx_response(output, exporting.export_filename())
