"""Step deadlines, reminders (催办) and escalation of long-overdue steps to the task force."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification, Role, User
from zhifu_reopen.audit import audit_record

from ..models import Application, Signature, Step
from ..rules import require
from .locking import application_lock

DEFAULT_HOURS = 72
logger = logging.getLogger(__name__)


def deadline_hours(category: str) -> int:
    table = getattr(settings, "STEP_DEADLINE_HOURS", {})
    return int(table.get(category, table.get("general", DEFAULT_HOURS)))


def step_deadline(category: str, start: datetime) -> datetime:
    return start + timedelta(hours=deadline_hours(category))


def priority_for(category: str) -> int:
    return {"epidemic_supply": 0, "livelihood": 1}.get(category, 2)


def deadline_fraction() -> float:
    return getattr(settings, "APPROVALS_NEAR_DEADLINE_FRACTION", 0.25)


def deadline_state(deadline: datetime | None, started: datetime | None, now: datetime | None = None, *,
                   fraction: float | None = None) -> str:
    """'overdue' (red), 'near' (yellow: the last quarter of the allowed time, at least the last hour)
    or 'ok'."""
    if deadline is None:
        return ""
    now = now or timezone.now()
    if now >= deadline:
        return "overdue"
    total = (deadline - started).total_seconds() if started else 0
    fraction = deadline_fraction() if fraction is None else fraction
    if (deadline - now).total_seconds() <= max(total * fraction, 3600):
        return "near"
    return "ok"


def time_left_label(deadline: datetime | None, now: datetime | None = None, *,
                    labels: tuple[str, str] | None = None) -> str:
    if deadline is None:
        return ""
    now = now or timezone.now()
    left, over = labels or (_("剩余%(h)d小时%(m)d分"), _("超时%(h)d小时%(m)d分"))
    seconds = int((deadline - now).total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return (left if seconds >= 0 else over) % {"h": hours, "m": minutes}


def responsible_users(application: Application) -> list[User]:
    """The people who must act on the application's current step (by their django-guardian grants)."""
    from guardian.shortcuts import get_users_with_perms

    step = application.current_step
    if step == Step.STREET:
        users = get_users_with_perms(application.jurisdiction, only_with_perms_in=["work_in_jurisdiction"])
    elif step == Step.DEPARTMENT and application.department_id:
        users = get_users_with_perms(application.department, only_with_perms_in=["review_for_department"])
    elif step == Step.TASK_FORCE:
        users = User.objects.filter(role=Role.TASK_FORCE)
    elif step == Step.SIGNATURE:
        signed = set(
            Signature.objects.filter(application=application, iteration=application.iteration)
            .values_list("post", flat=True)
        )
        perms = [f"sign_as_{p}" for p in ("secretary", "director") if p not in signed]
        users = get_users_with_perms(application.jurisdiction, only_with_perms_in=perms) if perms else []
    else:
        users = []
    return [u for u in users if u.is_active]


def notify(users, *, code: str, data: dict, link: str) -> int:
    """In-app notification for each user, stored as a message code and its data (accounts.notifications)
    and shown in the reader's language; an e-mail too, in Chinese, where the user has an address."""
    from accounts.notifications import chinese, subject_render, text_render

    users = list({u.pk: u for u in users}.values())
    message = chinese(text_render, code, data)
    Notification.objects.bulk_create([
        Notification(user=u, code=code, message_data=data, message=message[:300], link=link) for u in users
    ])
    emails = [u.email for u in users if u.email]
    subject = chinese(subject_render, code)

    def send():
        try:
            send_mail(subject, f"{message}\n{link}", None, emails)
        except Exception:  # the in-app notification stands; mail trouble must not undo the work
            logger.warning("approvals: reminder e-mail to %d recipients failed", len(emails))

    if emails:
        transaction.on_commit(send)
    return len(users)


def _data(application: Application, **extra) -> dict:
    """What a notification about the application says: codes, not words (translated when shown). The
    enterprise's name is under the key ``firm``, the placeholder of the stored messages
    (accounts.notifications)."""
    return {"number": application.number or "", "firm": application.enterprise.name,
            "step": application.current_step or "", **extra}


@transaction.atomic
def application_remind(*, user, application: Application, note: str = "") -> int:
    """催办: a superior reminds the officials of the current step. Task force: any open application;
    secretary/director: their own street's."""
    application = application_lock(application)
    require(user, "remind", application)
    sent = notify(
        responsible_users(application), code="application.remind",
        data=_data(application, **({"note": note.strip()[:100]} if note.strip() else {})),
        link=application.get_absolute_url(),
    )
    Application.objects.filter(pk=application.pk).update(reminded_at=timezone.now())
    audit_record(actor=user, action="application.remind", target=application, enterprise=application.enterprise,
                 after={"step": application.current_step, "notified": sent}, reason=note.strip()[:300])
    return sent


def deadline_reminders_send(*, now: datetime | None = None) -> int:
    """Beat: remind the officials of every step that is near or past its deadline, at most once per
    ``APPROVALS_REMIND_INTERVAL_HOURS``. Idempotent: the conditional UPDATE claims each row once."""
    now = now or timezone.now()
    interval = timedelta(hours=getattr(settings, "APPROVALS_REMIND_INTERVAL_HOURS", 4))
    fraction = getattr(settings, "APPROVALS_NEAR_DEADLINE_FRACTION", 0.25)
    horizon = now + timedelta(hours=max(deadline_hours("general") * fraction, 1))
    candidates = (
        Application.objects.filter(status__in=["submitted", "in_review"], step_deadline__lte=horizon)
        .exclude(current_step="")
        .exclude(reminded_at__gt=now - interval)
        .select_related("enterprise", "jurisdiction", "department")
        .order_by("priority", "step_deadline", "id")[:500]
    )
    count = 0
    for application in candidates:
        if deadline_state(application.step_deadline, application.step_started_at, now) == "ok":
            continue
        with transaction.atomic():
            claimed = Application.objects.filter(
                pk=application.pk, current_step=application.current_step, step_deadline=application.step_deadline,
            ).exclude(reminded_at__gt=now - interval).update(reminded_at=now)
            if not claimed:
                continue
            overdue = application.step_deadline <= now
            notify(responsible_users(application),
                   code="application.overdue" if overdue else "application.deadline_near",
                   data=_data(application), link=application.get_absolute_url())
            audit_record(actor=None, action="application.deadline_reminder", target=application,
                         enterprise=application.enterprise, after={"step": application.current_step,
                                                                   "overdue": overdue}, post=_("系统"))
            count += 1
    return count


def overdue_escalate(*, now: datetime | None = None) -> int:
    """Beat: a step overdue by more than ``APPROVALS_ESCALATE_AFTER_HOURS`` is reported to the task
    force once (in-app and e-mail)."""
    now = now or timezone.now()
    after = timedelta(hours=getattr(settings, "APPROVALS_ESCALATE_AFTER_HOURS", 24))
    candidates = (
        Application.objects.filter(
            status__in=["submitted", "in_review"], step_deadline__lte=now - after, escalated_at__isnull=True
        )
        .exclude(current_step="")
        .select_related("enterprise")
        .order_by("priority", "step_deadline", "id")[:500]
    )
    task_force = list(User.objects.filter(role=Role.TASK_FORCE, is_active=True))
    count = 0
    for application in candidates:
        with transaction.atomic():
            claimed = Application.objects.filter(
                pk=application.pk, escalated_at__isnull=True, current_step=application.current_step
            ).update(escalated_at=now)
            if not claimed:
                continue
            notify(task_force, code="application.escalated", data=_data(application),
                   link=application.get_absolute_url())
            audit_record(actor=None, action="application.escalate", target=application,
                         enterprise=application.enterprise, after={"step": application.current_step},
                         post=_("系统"))
            count += 1
    return count
