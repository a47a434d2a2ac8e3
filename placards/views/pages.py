from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import engines
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST

from accounts.http import roles_required
from accounts.scope import scope_for
from zhifu_reopen.client_ip import client_ip
from zhifu_reopen.errors import DomainError
from zhifu_reopen.models import AuditEntry
from zhifu_reopen.params import id_list_param, id_param, url_token

from .. import services
from ..forms import PlacardFilterForm, StatusForm
from ..models import Placard
from ..rules import PRINT_ROLES, STATUS_ROLES, page_actions
from ..selectors import placard_get, placards_visible, verify_lookup
from ..services.scans import scan_record, scan_total, verify_admit

PAGE_SIZE = 50
ACTION_LABELS = {
    "placard.issue": gettext_lazy("发放公示牌"), "placard.reprint": gettext_lazy("重新生成"),
    "placard.suspend": gettext_lazy("暂停"), "placard.revoke": gettext_lazy("撤销"),
    "placard.reinstate": gettext_lazy("恢复有效"),
}


def _get(request, pk: int) -> Placard:
    try:
        return placard_get(request.user, pk)
    except Placard.DoesNotExist as exc:
        raise Http404(_("找不到该公示牌，或不在您的管辖范围内。")) from exc


def _filtered(request):
    form = PlacardFilterForm(request.GET or None, scope=scope_for(request.user))
    qs = placards_visible(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["jurisdiction"]:
            qs = qs.filter(enterprise__jurisdiction=data["jurisdiction"])
        if data["new"]:
            qs = qs.filter(printed_at__isnull=True)
        if data["q"]:
            term = data["q"].strip()
            qs = qs.filter(Q(enterprise__name__contains=term) | Q(number__contains=term) | Q(code=term.upper()))
    return form, qs


@roles_required(*PRINT_ROLES)
@require_GET
def placard_list(request):
    return _list_page(request)


def _list_page(request, status: int = 200):
    form, qs = _filtered(request)
    total = qs.count()
    after = id_param(request.GET, "after")
    page_qs = qs.order_by("-id")
    if after:
        page_qs = page_qs.filter(id__lt=after)
    rows = list(page_qs[: PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    params = request.GET.copy()
    params.pop("after", None)
    return render(request, "placards/list.html", {
        "form": form, "rows": rows, "total": total, "filter_query": params.urlencode(),
        "next_after": rows[-1].pk if has_next and rows else None,
    }, status=status)


@roles_required(*PRINT_ROLES)
@require_GET
def placard_detail(request, pk: int):
    return _detail_page(request, _get(request, pk))


def _detail_page(request, placard: Placard, status: int = 200, status_form=None):
    history = list(AuditEntry.objects.filter(target_type="placards.placard", target_id=placard.pk)
                   .select_related("actor")[:50])
    for entry in history:
        entry.label = ACTION_LABELS.get(entry.action, entry.action)
    allowed = page_actions(request.user, placard)
    context = {
        "placard": placard, "allowed": allowed, "status_form": status_form or StatusForm(),
        "can_change_status": any(allowed[a] for a in ("suspend", "reinstate", "revoke")),
        "history": history,
        "scan_count": scan_total(placard),  # raw scans + the daily counts older scans were folded into
        "under_review": services.placard_under_change_review(placard.status, placard.application.status),
    }
    if request.headers.get("HX-Request"):
        return render(request, "placards/_file.html", context, status=status)
    return render(request, "placards/detail.html", context, status=status)


@roles_required(*PRINT_ROLES)
@require_GET
def placard_download(request, pk: int):
    placard = _get(request, pk)
    if not placard.pdf:
        raise Http404(_("公示牌PDF尚未生成。"))
    filename = f"准许复工公示牌-{placard.year}-{placard.serial:05d}.pdf"
    return FileResponse(placard.pdf.open("rb"), as_attachment=True, filename=filename,
                        content_type="application/pdf")


@roles_required(*PRINT_ROLES)
@require_POST
def placard_reprint(request, pk: int):
    placard = _get(request, pk)
    try:
        job = services.placard_render_request(placard=placard, actor=request.user)
    except DomainError as exc:  # refused: the page says why, with a 4xx (409 for a revoked placard)
        messages.error(request, exc.message)
        placard.refresh_from_db()
        return _detail_page(request, placard, status=409 if exc.code == "revoked" else _status(exc))
    messages.success(request, _("已提交重新生成，完成后可下载。"))
    return redirect("jobs:detail", job.pk)


@roles_required(*PRINT_ROLES)
@require_POST
def placard_batch(request):
    """Print the ticked placards, or (``all=1``) every placard matching the list's filters."""
    if request.POST.get("all") == "1":
        request.GET = request.POST  # the filters travel with the form
        _form, qs = _filtered(request)
        ids = list(qs.exclude(status=Placard.Status.REVOKED).order_by("id").values_list("pk", flat=True))
    else:
        ids = id_list_param(request.POST, "ids")
    try:
        job = services.batch_print_request(actor=request.user, placard_ids=ids)
    except DomainError as exc:
        if exc.code == "forbidden":
            raise Http404(exc.message) from exc
        # Refused (nothing ticked, too many, a revoked one): the list again, filtered as it was, with why.
        for line in [exc.message, *exc.messages]:
            messages.error(request, line)
        request.GET = request.POST
        return _list_page(request, status=409 if exc.code == "revoked" else exc.status_code)
    messages.success(request, _("已提交批量打印（%(n)s 张），正在生成PDF。") % {"n": job.progress_total})
    return redirect("jobs:detail", job.pk)


def _status(exc: DomainError) -> int:
    return 403 if exc.code == "forbidden" else exc.status_code


def _status_action(request, pk: int, service, done: str):
    """Refused (no reason given, a rule says no): the placard's page again with why, answered 4xx."""
    placard = _get(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写原因。"))
        return _detail_page(request, placard, status=400, status_form=form)
    try:
        service(placard=placard, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
        placard.refresh_from_db()
        return _detail_page(request, placard, status=_status(exc), status_form=form)
    messages.success(request, done)
    return redirect(placard)


@roles_required(*STATUS_ROLES)
@require_POST
def placard_suspend(request, pk: int):
    return _status_action(request, pk, services.placard_suspend, _("公示牌已暂停。"))


@roles_required(*STATUS_ROLES)
@require_POST
def placard_revoke(request, pk: int):
    return _status_action(request, pk, services.placard_revoke, _("公示牌已撤销。"))


@roles_required(*STATUS_ROLES)
@require_POST
def placard_reinstate(request, pk: int):
    return _status_action(request, pk, services.placard_reinstate, _("公示牌已恢复有效。"))


STATUS_WORDS = {
    Placard.Status.VALID: gettext_lazy("有效 · 准许复工"),
    Placard.Status.SUSPENDED: gettext_lazy("已暂停 · 暂停营业整改中"),
    Placard.Status.REVOKED: gettext_lazy("已撤销 · 不得复工"),
}
UNDER_REVIEW_WORD = gettext_lazy("有效 · 准许复工（变更审核中）")


def _public_page(name: str, context: dict, status: int = 200) -> HttpResponse:
    """The public pages render without context processors (no session, no navigation): a scan costs
    one SELECT and a template."""
    response = HttpResponse(engines["jinja2"].get_template(name).render(context), status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
@require_GET
def verify(request, token: str):
    """Public: is this placard valid right now? No personal data; every scan recorded; rate-limited."""
    address = client_ip(request)  # the client behind a trusted proxy (issue 13, item 6)
    refused = verify_admit(address)  # Redis only: a flood is refused before any database query
    if refused is not None:
        response = _public_page("placards/verify_limited.html", {"busy": refused.scope == "global",
                                                                 "retry_after": refused.retry_after}, status=429)
        response["Retry-After"] = str(refused.retry_after)
        return response
    row = verify_lookup(token) if url_token(token, min_length=16, max_length=64) else None
    if row is None:
        return _public_page("placards/verify_404.html", {}, status=404)
    scan_record(placard_id=row["id"], address=address, user_agent=request.META.get("HTTP_USER_AGENT", ""))
    under_review = services.placard_under_change_review(row["status"], row["application__status"])
    return _public_page("placards/verify.html", {
        "placard": row, "status_word": UNDER_REVIEW_WORD if under_review else STATUS_WORDS[row["status"]],
        "under_review": under_review,
        "enterprise_name": row["enterprise__name"], "unit": row["enterprise__jurisdiction__name"],
        "approved_on": row["approved_on"],  # formatted by the page, in the reader's language
        "day_format": pgettext("date format", "Y年n月j日"), "moment_format": pgettext("date format", "Y年n月j日 H:i"),
        "changed_at": timezone.localtime(row["status_changed_at"]),
        # A signed-in patrol member gets a button starting an inspection of this enterprise (a hook of
        # inspections); the public page itself stays the same for everyone else.
        "signed_in": request if request.user.is_authenticated else None,
    })
