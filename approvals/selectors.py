"""Reads of applications, always scoped to the user: out of scope an application does not exist (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification, Role
from accounts.scope import scope_for
from enterprises.choices import Category
from zhifu_reopen.params import choice_param, cursor_decode, cursor_encode, text_param

from . import rules
from .models import Application, Decision, Signature, Step
from .services.deadlines import deadline_fraction, deadline_state, time_left_label

# Roles that work with applications at all (the rule table's "view"); inspectors and liaisons have no
# business here.
APPLICATION_ROLES = rules.APPLICATION_ROLES
QUEUE_COLUMNS = (
    "id", "number", "status", "chain", "category", "priority", "current_step", "step_started_at",
    "step_deadline", "submitted_at", "iteration", "enterprise_id", "enterprise__name", "returning_headcount",
    "reminded_at", "escalated_at",
)
COUNT_CAP = 1000
CATEGORY_LABELS = dict(Category.choices)
STEP_LABELS = dict(Step.choices)
PAGE_SIZE = 50
TABLE = Application._meta.db_table


def applications_visible(user) -> QuerySet[Application]:
    scope = scope_for(user)
    if not (user.is_superuser or scope.role in APPLICATION_ROLES):
        return Application.objects.none()
    if scope.district:
        return Application.objects.all()
    q = Q(pk__in=[])
    if scope.jurisdiction_ids:
        q |= Q(jurisdiction_id__in=sorted(scope.jurisdiction_ids))
    if scope.department_ids:
        q |= Q(department_id__in=sorted(scope.department_ids))
    if scope.enterprise_ids:  # the firm's own account: its own applications
        q |= Q(enterprise_id__in=sorted(scope.enterprise_ids))
    return Application.objects.filter(q)


def application_history_q(user, enterprise) -> Q:
    """The enterprise history's reader (enterprises.history): entries about the enterprise's applications that
    the user may see."""
    applications = applications_visible(user).filter(enterprise=enterprise).values("pk")
    return Q(target_type=Application._meta.label_lower, target_id__in=applications)


def application_get(user, pk: int) -> Application:
    """Application.DoesNotExist (→ 404) when out of the user's scope."""
    return applications_visible(user).select_related(
        "enterprise", "jurisdiction", "department", "filed_by"
    ).get(pk=pk)


def reviews_application(user, application: Application) -> bool:
    """Whether the user is one of the officials who review this application (sees personal data)."""
    scope = scope_for(user)
    if scope.role == Role.STREET_STAFF:
        return application.jurisdiction_id in scope.jurisdiction_ids
    three_party = application.chain == Application.Chain.THREE_PARTY
    if scope.role in (Role.STREET_SECRETARY, Role.STREET_DIRECTOR):
        return not three_party and application.jurisdiction_id in scope.jurisdiction_ids
    if scope.role == Role.DEPARTMENT_REVIEWER:
        return three_party and application.department_id in scope.department_ids
    if scope.role == Role.TASK_FORCE:
        return three_party
    return False


# --- queues (待办 / 已办) ------------------------------------------------------------------------------

def queue_queryset(user) -> QuerySet[Application]:
    """What waits for this user's action, by role and grant."""
    scope = scope_for(user)
    # A non-empty current_step means the application is open (the services clear it on every exit), so
    # the queues filter on the leading column of the app_queue* indexes alone and even the capped count
    # is an index-only scan.
    qs = Application.objects.all()
    if scope.role == Role.TASK_FORCE:
        return qs.filter(current_step=Step.TASK_FORCE)
    if scope.role == Role.STREET_STAFF:
        return qs.filter(current_step=Step.STREET, jurisdiction_id__in=sorted(scope.jurisdiction_ids))
    if scope.role == Role.DEPARTMENT_REVIEWER:
        return qs.filter(current_step=Step.DEPARTMENT, department_id__in=sorted(scope.department_ids))
    if scope.role in (Role.STREET_SECRETARY, Role.STREET_DIRECTOR):
        post = "secretary" if scope.role == Role.STREET_SECRETARY else "director"
        mine = Signature.objects.filter(application=OuterRef("pk"), iteration=OuterRef("iteration"), post=post)
        return qs.filter(current_step=Step.SIGNATURE, jurisdiction_id__in=sorted(scope.jurisdiction_ids)).exclude(
            Exists(mine)
        )
    return Application.objects.none()


def _encode(row: dict) -> str:
    return cursor_encode(row["priority"], row["step_deadline"], row["id"])


def _decode(token: str) -> tuple[int, datetime, int] | None:
    """The (priority, deadline, id) of a queue cursor; BadParameter (400) when it is not one of ours
    (a time-zone offset PostgreSQL cannot store included)."""
    return cursor_decode(token, int, datetime, int, name="after")


@dataclass
class QueuePage:
    rows: list[dict]
    next_token: str | None
    total: int
    total_capped: bool
    now: datetime


def escalated_queryset(user) -> QuerySet[Application]:
    """超时上报: open applications escalated to the task force, whatever their step (task force only)."""
    if scope_for(user).role != Role.TASK_FORCE:
        return Application.objects.none()
    return Application.objects.filter(status__in=["submitted", "in_review"], escalated_at__isnull=False)


def queue_page(user, *, after: str = "", size: int = PAGE_SIZE, escalated: bool = False) -> QueuePage:
    """Ordered by priority (green channel first, then livelihood), then deadline, then id; keyset
    pagination on that order, matched by the ``app_queue*`` indexes; a capped count."""
    qs = escalated_queryset(user) if escalated else queue_queryset(user)
    values = qs.values(*QUEUE_COLUMNS)
    cursor = _decode(after) if after else None
    if cursor:
        priority, deadline, pk = cursor
        values = values.filter(
            Q(priority__gt=priority)
            | Q(priority=priority, step_deadline__gt=deadline)
            | Q(priority=priority, step_deadline=deadline, id__gt=pk),
            # The same condition as one row comparison, which bounds the scan of the app_queue* index (the
            # OR alone is a filter: page 60 read the 3,000 rows before it).
            RawSQL(f'("{TABLE}"."priority", "{TABLE}"."step_deadline", "{TABLE}"."id") > (%s, %s, %s)',  # nosemgrep: raw-sql-format -- only the table-name constant is interpolated  # nosec B611: only the table-name constant is interpolated; the values are bound parameters
                   (priority, deadline, pk), output_field=BooleanField()),
        )
    chunk = list(values.order_by("priority", "step_deadline", "id")[: size + 1])
    rows = chunk[:size]
    now = timezone.now()
    # Labels translated once per page, not once per row.
    categories = {code: str(label) for code, label in CATEGORY_LABELS.items()}
    steps = {code: str(label) for code, label in STEP_LABELS.items()}
    left, over = _("剩余%(h)d小时%(m)d分"), _("超时%(h)d小时%(m)d分")
    fraction = deadline_fraction()
    for row in rows:
        row["deadline_state"] = deadline_state(row["step_deadline"], row["step_started_at"], now, fraction=fraction)
        row["time_left"] = time_left_label(row["step_deadline"], now, labels=(left, over))
        row["category_label"] = categories.get(row["category"], row["category"])
        row["step_label"] = steps.get(row["current_step"], "")
    # A first page that holds everything needs no count; otherwise a count capped at COUNT_CAP.
    if not cursor and len(chunk) <= size:
        total = len(rows)
    else:  # in queue order, so the count walks the same index, and stops at the cap
        total = qs.values("id").order_by("priority", "step_deadline", "id")[: COUNT_CAP + 1].count()
    return QueuePage(
        rows=rows, next_token=_encode(rows[-1]) if len(chunk) > size else None,
        total=min(total, COUNT_CAP), total_capped=total > COUNT_CAP, now=now,
    )


def done_page(user, *, before: int | None = None, size: int = PAGE_SIZE) -> list[Decision]:
    """已办: the decisions this user made, newest first (keyset on id)."""
    qs = Decision.objects.filter(actor=user).select_related("application", "application__enterprise")
    if before:
        qs = qs.filter(id__lt=before)
    return list(qs.order_by("-id")[:size])


@dataclass
class ListFilters:
    status: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, query) -> ListFilters:
        return cls(status=choice_param(query, "status", Application.Status.values, strict=False),
                   q=text_param(query, "q", max_length=50))


def application_list(user, filters: ListFilters, *, before: int | None = None, size: int = PAGE_SIZE):
    """All applications the user may see, newest first (keyset on id) — with a capped count."""
    qs = applications_visible(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(Q(enterprise__name__contains=filters.q) | Q(number__startswith=filters.q.upper()))
    page = qs.select_related("enterprise", "jurisdiction")
    if before:
        page = page.filter(id__lt=before)
    rows = list(page.order_by("-id")[: size + 1])
    total = qs.order_by().values("id")[: COUNT_CAP + 1].count()
    return rows[:size], (rows[size - 1].pk if len(rows) > size else None), min(total, COUNT_CAP), total > COUNT_CAP


def timeline(application: Application) -> list[Decision]:
    return list(application.decisions.select_related("actor").order_by("created_at", "id"))


def reminders_unread(user, limit: int = 5) -> list:
    """The user's unread in-app reminders and escalations (催办, 超时, 上报专班), newest first; each with
    ``when`` (local time, as the date filter's "m-d H:i" would write it, without the filter's cost: the
    queue shows twenty)."""
    rows = list(Notification.objects.filter(user=user, read_at__isnull=True).order_by("-id")[:limit])
    tz = timezone.get_current_timezone()
    for n in rows:
        n.when = n.created_at.astimezone(tz).strftime("%m-%d %H:%M")
    return rows
