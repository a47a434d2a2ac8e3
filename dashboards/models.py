"""Summary tables of the dashboards: every figure of every scope (the district, each street, each
department) as computed by the last good refresh, the log of refreshes, and the daily reports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Summary(models.Model):
    """The figures of one scope: ``district``, ``street:<id>`` or ``department:<id>`` (see
    ``services.summaries``). Replaced as a whole by each good refresh; a failed refresh leaves it."""

    scope = models.CharField(_("范围"), max_length=40, unique=True)
    computed_at = models.DateTimeField(_("统计时间"))
    data = models.JSONField(_("数据"), default=dict)

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")

    def __str__(self) -> str:
        return f"{self.scope} {self.computed_at:%Y-%m-%d %H:%M}"


class SummaryDay(models.Model):
    """A scope's headline figures as the last refresh of each day left them: the day-on-day changes."""

    scope = models.CharField(_("范围"), max_length=40)
    day = models.DateField(_("日期"))
    kpi = models.JSONField(_("指标"), default=dict)

    class Meta:
        verbose_name = _("每日指标")
        verbose_name_plural = _("每日指标")
        constraints = [models.UniqueConstraint(fields=["scope", "day"], name="summary_day_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.day}"


class SummaryRefresh(models.Model):
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    ok = models.BooleanField(_("成功"), default=False)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    seconds = models.FloatField(_("用时（秒）"), default=0)

    class Meta:
        verbose_name = _("统计刷新")
        verbose_name_plural = _("统计刷新")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'failed'}"


class DailyReport(models.Model):
    """日报: the district's figures and each street's on ``day``, with the change from the day before."""

    day = models.DateField(_("日期"), unique=True)
    made_at = models.DateTimeField(_("生成时间"))
    data = models.JSONField(_("数据"), default=dict)
    xlsx = models.FileField(_("Excel"), upload_to="reports/%Y/")
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/")

    class Meta:
        verbose_name = _("日报")
        verbose_name_plural = _("日报")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}"
