from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from .jobs import jobs_visible
from .models import Job


def _get(request, pk: int) -> Job:
    try:
        return jobs_visible(request.user).get(pk=pk)
    except Job.DoesNotExist as exc:
        raise Http404(_("找不到该任务。")) from exc


def job_detail(request, pk: int):
    """The job page, or (htmx) just its progress fragment, which polls itself until finished."""
    job = _get(request, pk)
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})


def job_download(request, pk: int):
    job = _get(request, pk)
    if job.status != Job.Status.DONE or not job.output_file:
        raise Http404(_("结果文件尚未生成。"))
    name = job.result.get("filename") or job.output_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.output_file.open("rb"), as_attachment=True, filename=name)
