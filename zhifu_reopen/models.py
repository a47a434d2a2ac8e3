"""Shared base pieces: the audit trail and background job rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One business action: who did it, in which post, to what, before/after, and why."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    post = models.CharField(_("岗位"), max_length=120, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    # The subject is copied onto the entry (type, id, label), not referenced: the trail outlives it. An
    # entry of no object (a failed login, a refused page) has none.
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    target_id = models.BigIntegerField(_("对象编号"), null=True, blank=True)
    target_repr = models.CharField(_("对象"), max_length=300, blank=True)
    # The enterprise the entry belongs to: no database constraint and nothing done on delete, so deleting an
    # enterprise leaves its history in place, still filed under the enterprise's id.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="audit_entries",
    )
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("理由/意见"), blank=True)
    # The request the entry was made in (or, for a background job, the request that queued it), filled in
    # by audit_record from zhifu_reopen.request_context.
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    address = models.CharField(_("来源地址"), max_length=64, blank=True)
    path = models.CharField(_("请求路径"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["enterprise", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}"


class YearlyCounter(models.Model):
    """The last number taken of one yearly sequence (办件编号, 公示牌编号 …): one row per sequence and year,
    locked while a number is taken (``zhifu_reopen.counters.counter_next``), so numbers are gapless."""

    sequence = models.CharField(_("序列"), max_length=40)
    year = models.PositiveIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用最大序号"), default=0)

    class Meta:
        verbose_name = _("年度编号计数器")
        verbose_name_plural = _("年度编号计数器")
        constraints = [models.UniqueConstraint(fields=["sequence", "year"], name="yearly_counter_unique")]

    def __str__(self) -> str:
        return f"{self.sequence} {self.year}: {self.last}"


class Job(models.Model):
    """A background job row the UI polls (import, export, placard render, batch print)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    STATUS_COLOURS = {"pending": "info", "running": "warning", "done": "success", "failed": "danger"}

    kind = models.CharField(_("类型"), max_length=40, db_index=True)
    task_name = models.CharField(_("任务"), max_length=100, blank=True, help_text=_("执行本任务的Celery任务名"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="jobs",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("入队时间"), null=True, blank=True)
    # While running, the worker process beats every few seconds; a running job whose beat has stopped is
    # sent again by the sweep (its worker died) and taken over by whichever worker receives it.
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    runner = models.CharField(_("执行进程"), max_length=120, blank=True, help_text=_("主机名:进程号"))
    progress_done = models.PositiveIntegerField(_("已处理"), default=0)
    progress_total = models.PositiveIntegerField(_("总数"), default=0)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    input_file = models.FileField(_("输入文件"), upload_to="jobs/in/%Y/%m/", blank=True)
    output_file = models.FileField(_("结果文件"), upload_to="jobs/out/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def colour(self) -> str:
        return self.STATUS_COLOURS[self.status]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
