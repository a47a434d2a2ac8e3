"""Export of the enterprise list, with the user's filters and scope, to .xlsx. Small exports are built in the
request; more than ``EXPORT_INLINE_MAX_ROWS`` rows go to a background job (download from the job page).

The first eleven columns are exactly the import template's, so an exported list can be corrected and
imported again (mode "update"); the extra columns are ignored by the importer."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from zhifu_reopen.audit import audit_record
from zhifu_reopen.export import xlsx_build, xlsx_filename
from zhifu_reopen.jobs import job_create, job_enqueue, job_finish, job_progress, job_running

from ..choices import CATEGORY_IMPORT_LABELS, SCALE_IMPORT_LABELS, OperatingStatus
from ..selectors import EnterpriseFilters, contact_mobile_visible, enterprise_filter, mask_mobile
from .importing import HEADERS, IGNORED_HEADERS

# The Celery task that runs an export job (enterprises.tasks binds export_job_run to this name).
EXPORT_TASK = "enterprises.export"

EXPORT_INLINE_MAX_ROWS = 5000
EXPORT_HEADERS = [*HEADERS, *IGNORED_HEADERS]
EXPORT_VALUES = (
    "name", "credit_code", "scale", "category", "jurisdiction__name", "department__name", "address",
    "legal_representative", "prevention_contact", "prevention_mobile", "employee_count",
    "operating_status", "community__name", "grid__name", "output_over_100m", "last_visited_on", "created_at",
    "jurisdiction_id",  # not a column: decides whether the mobile is masked
)
WIDTHS = [36, 22, 10, 14, 12, 12, 40, 12, 12, 15, 10, 10, 14, 10, 12, 12, 18]
TEXT_COLUMNS = (1, 9)  # credit code, mobile


def enterprise_export_count(user, filters: EnterpriseFilters) -> int:
    return enterprise_filter(user, filters).order_by().count()


def _rows(user, filters: EnterpriseFilters):
    scales = {code: label for label, code in SCALE_IMPORT_LABELS.items()}
    categories = {code: label for label, code in CATEGORY_IMPORT_LABELS.items()}
    statuses = {code: str(label) for code, label in OperatingStatus.choices}
    yes, no = _("是"), _("否")
    sees_mobile = contact_mobile_visible(user)
    qs = enterprise_filter(user, filters).order_by("name", "id").values_list(*EXPORT_VALUES)
    for row in qs.iterator(chunk_size=2000):
        (name, code, scale, category, street, dept, address, legal, contact, mobile, employees, status,
         community, grid, big, visited, created, jurisdiction_id) = row
        if not sees_mobile(jurisdiction_id):
            mobile = mask_mobile(mobile)
        yield (name, code, scales.get(scale, scale), categories.get(category, category), street, dept or "",
               address, legal, contact, mobile, employees, statuses.get(status, status), community or "",
               grid or "", yes if big else no, visited, created)


def enterprise_export_file(user, filters: EnterpriseFilters, progress=None):
    """The filtered, scoped list as an open .xlsx temporary file; the export is recorded
    (``enterprise.export``: how many rows, which filters)."""
    counted = [0]

    def rows():
        for row in _rows(user, filters):
            counted[0] += 1
            yield row

    output = xlsx_build(
        EXPORT_HEADERS, rows(), title=_("企业名录"), widths=WIDTHS, text_columns=TEXT_COLUMNS,
        progress=progress,
    )
    audit_record(actor=user, action="enterprise.export", target_repr=_("企业名录"),
                 after={"rows": counted[0], "filters": filters.as_params()})
    return output


def export_filename() -> str:
    return xlsx_filename(_("企业名录"))


def enterprise_export_start(*, user, filters: EnterpriseFilters, total: int):
    with transaction.atomic():
        job = job_create(kind="enterprise_export", user=user, total=total,
                         params={"filters": filters.as_params()})
        job_enqueue(job, EXPORT_TASK)
    return job


def export_job_run(job_id: int) -> None:
    """Body of the export task: rebuild the filters, scope to the job's creator, attach the file."""
    with job_running(job_id) as job:
        if job is None:  # already finished, or running elsewhere: a re-delivered task does nothing
            return
        user = get_user_model().objects.get(pk=job.created_by_id)
        filters = EnterpriseFilters.from_params(job.params.get("filters", {}))
        total = job.progress_total or enterprise_export_count(user, filters)
        output = enterprise_export_file(user, filters, progress=lambda n: job_progress(job_id, n, total))
        name = export_filename()
        try:
            job_finish(job, result={"summary": _("已导出%(n)d家企业。") % {"n": total}, "filename": name},
                       output_name=name, output=File(output, name=name))
        finally:
            output.close()
