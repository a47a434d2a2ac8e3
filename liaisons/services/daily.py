"""The daily log (日检查、日消毒): the firm's (or, on its behalf, its liaison's or street's) entry for a day,
the street's regime (which firms keep one), and the evening check that records the gaps and tells each
liaison and street which of their firms have not logged. Each write checks ``liaisons.rules.daily``
and is audited; a second entry for a day is an edit of the first (audited with what changed)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from approvals.services.deadlines import notify
from enterprises.models import Enterprise, LiaisonAssignment
from zhifu_reopen.audit import audit_record, changed
from zhifu_reopen.date_bounds import epidemic_response_start
from zhifu_reopen.errors import DomainError

from ..models import DailyLog, DailyLogGap, daily_regime_q
from ..rules import daily as rules

FIELDS = ("checked_count", "anomaly_count", "anomaly_action", "disinfection_times", "disinfection_areas")
COUNT_MAX = 100_000


def _int(data: dict, key: str, label: str, errors: list[str], *, low: int = 0, high: int = COUNT_MAX) -> int | None:
    raw = data.get(key)
    if raw is None or str(raw).strip() == "":
        errors.append(_("请填写%(label)s。") % {"label": label})
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors.append(_("%(label)s须为整数。") % {"label": label})
        return None
    if not low <= value <= high:
        errors.append(_("%(label)s须在%(low)s到%(high)s之间。") % {"label": label, "low": low, "high": high})
        return None
    return value


def _clean(data: dict, day: dt.date | None) -> tuple[dict, list[str]]:
    errors: list[str] = []
    today = timezone.localdate()
    if day is None:
        errors.append(_("请选择日期。"))
    elif day > today:
        errors.append(_("不能填报今天以后的日期。"))
    elif day < epidemic_response_start():
        errors.append(_("日期不能早于疫情防控开始日（%(d)s）。") % {"d": epidemic_response_start().isoformat()})
    checked = _int(data, "checked_count", _("测温人数"), errors)
    anomalies = _int(data, "anomaly_count", _("异常人数"), errors)
    times = _int(data, "disinfection_times", _("消毒次数"), errors, low=1, high=48)
    action = (data.get("anomaly_action") or "").strip()
    areas = (data.get("disinfection_areas") or "").strip()
    if not areas:
        errors.append(_("请填写消毒区域。"))
    if len(areas) > 300 or len(action) > 500:
        errors.append(_("消毒区域最多300字，异常情况及处置最多500字。"))
    if anomalies and checked is not None and anomalies > checked:
        errors.append(_("异常人数不能多于测温人数。"))
    if anomalies and not action:
        errors.append(_("有体温异常人员时，请写明异常情况及处置。"))
    cleaned = {"checked_count": checked, "anomaly_count": anomalies or 0, "anomaly_action": action,
               "disinfection_times": times, "disinfection_areas": areas}
    return cleaned, errors


def daily_log_save(*, actor, enterprise: Enterprise, day: dt.date | None, data: dict) -> tuple[DailyLog, bool]:
    """Record (or edit) ``enterprise``'s log for ``day``. Returns the log and whether it was new. Filled by
    anyone but the firm itself, it is marked as filled on the firm's behalf."""
    cleaned, errors = _clean(data, day)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        rules.require(actor, "log", enterprise)
        if errors:
            raise DomainError(_("日检查日消毒未保存，请修改以下问题："), messages=errors, code="invalid")
        on_behalf = actor.role != Role.ENTERPRISE
        log = DailyLog.objects.filter(enterprise=enterprise, day=day).first()
        created = log is None
        if created:
            log = DailyLog(enterprise=enterprise, day=day, filled_by=actor, on_behalf=on_behalf, **cleaned)
            try:
                with transaction.atomic():
                    log.save()
            except IntegrityError:  # pragma: no cover - the enterprise lock serialises writers
                raise DomainError(_("该日已有填报，请刷新后修改。"), code="conflict") from None
            audit_record(actor=actor, action="daily.log", target=log, enterprise=enterprise,
                         after={"day": day.isoformat(), "on_behalf": on_behalf, **cleaned})
            DailyLogGap.objects.filter(enterprise=enterprise, day=day, filled_late_at__isnull=True).update(
                filled_late_at=timezone.now())
        else:
            before = {f: getattr(log, f) for f in FIELDS}
            old, new = changed(before, cleaned)
            if not new:
                return log, False
            for key, value in cleaned.items():
                setattr(log, key, value)
            log.filled_by, log.on_behalf = actor, on_behalf
            log.save()
            audit_record(actor=actor, action="daily.edit", target=log, enterprise=enterprise,
                         before=old, after={**new, "on_behalf": on_behalf})
    return log, created


def regime_change(*, actor, enterprise: Enterprise, add: bool, reason: str) -> Enterprise:
    """The street puts ``enterprise`` into the daily-log regime (``add``) or takes it out (not livelihood)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写理由。"), code="invalid")
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        rules.require(actor, "regime_add" if add else "regime_remove", enterprise)
        enterprise.daily_log_added = add
        enterprise.save(update_fields=["daily_log_added", "updated_at"])
        audit_record(actor=actor, action="daily.regime_add" if add else "daily.regime_remove",
                     target=enterprise, before={"daily_log_added": not add}, after={"daily_log_added": add},
                     reason=reason[:500])
    return enterprise


def alert_moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(settings.LIAISONS_DAILY_LOG_HOUR)))


def daily_log_alerts(*, day: dt.date | None = None) -> int:
    """The evening check for ``day``: each firm of the regime without a log gets a gap row, and each liaison
    and each street official is told which of their firms are missing (one notification each). Runs once
    per day: a second run finds the gaps recorded and tells no one again. Returns the gaps recorded."""
    day = day or timezone.localdate()
    with transaction.atomic():
        missing = list(Enterprise.objects.filter(daily_regime_q()).exclude(daily_logs__day=day)
                       .exclude(daily_log_gaps__day=day).values("pk", "name", "jurisdiction_id"))
        if not missing:
            return 0
        DailyLogGap.objects.bulk_create([DailyLogGap(enterprise_id=row["pk"], day=day) for row in missing],
                                        ignore_conflicts=True)
        by_user: dict[int, list[str]] = {}
        names = {row["pk"]: row["name"] for row in missing}
        for enterprise_id, liaison_id in LiaisonAssignment.objects.filter(
                enterprise_id__in=list(names), ended_at__isnull=True).values_list("enterprise_id", "liaison_id"):
            by_user.setdefault(liaison_id, []).append(names[enterprise_id])
        streets: dict[int, list[str]] = {}
        for row in missing:
            streets.setdefault(row["jurisdiction_id"], []).append(row["name"])
        from guardian.shortcuts import get_users_with_perms

        from org.models import Jurisdiction

        for jurisdiction in Jurisdiction.objects.filter(pk__in=list(streets)):
            for user in get_users_with_perms(jurisdiction, only_with_perms_in=["work_in_jurisdiction"]):
                by_user.setdefault(user.pk, []).extend(streets[jurisdiction.pk])
        users = {u.pk: u for u in User.objects.filter(pk__in=list(by_user), is_active=True)}
        link = f"{reverse('liaisons:daily')}?day={day.isoformat()}"
        for pk, firms in by_user.items():
            if pk in users:
                notify([users[pk]], code="daily_log.missing", link=link,
                       data={"day": day.isoformat(), "count": len(firms), "firms": "、".join(firms[:5])})
    return len(missing)


def daily_log_alerts_if_due(*, now=None) -> int:
    """Celery beat, every quarter of an hour: once ``LIAISONS_DAILY_LOG_HOUR`` has come, today's check (it
    records each gap once, so later looks the same evening do nothing)."""
    now = timezone.localtime(now or timezone.now())
    if now < alert_moment(now.date()):
        return 0
    return daily_log_alerts(day=now.date())
