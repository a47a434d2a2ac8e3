"""驻企联络: the problems (企业诉求) a liaison or the firm raises and drives to resolution, and the daily check
and disinfection log (日检查、日消毒) of the firms under that regime. The assignments of liaisons to firms
are the registry's (``enterprises.LiaisonAssignment``): the liaison's scope is derived from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.choices import Category, OperatingStatus
from enterprises.models import Enterprise
from org.models import Department, Jurisdiction


class ProblemCategory(models.TextChoices):
    SUPPLIES = "supplies", _("防疫物资短缺")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    STAFFING = "staffing", _("用工")
    LOGISTICS = "logistics", _("物流")
    FUNDING = "funding", _("资金")
    OTHER = "other", _("其他")


class Problem(models.Model):
    """企业诉求: raised by the firm's liaison or by the firm itself; the street owns it until it is escalated
    to the firm's department or to the task force, who then own it. Every change is a ``ProblemEvent``."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        IN_PROGRESS = "in_progress", _("处理中")
        ESCALATED = "escalated", _("已上报")
        RESOLVED = "resolved", _("已解决")

    class Owner(models.TextChoices):
        STREET = "street", _("街道/园区")
        DEPARTMENT = "department", _("主管部门")
        TASK_FORCE = "task_force", _("区工作专班")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    OPEN_STATES = (Status.OPEN, Status.IN_PROGRESS, Status.ESCALATED)

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="problems")
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("所属街道"), on_delete=models.PROTECT,
                                     related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("主管部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("诉求类别"), max_length=20, choices=ProblemCategory.choices)
    description = models.TextField(_("诉求内容"), max_length=2000)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    owner = models.CharField(_("责任单位"), max_length=20, choices=Owner.choices, default=Owner.STREET)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT,
                                  related_name="+")
    raised_by_enterprise = models.BooleanField(_("企业自行提出"), default=False)
    due_at = models.DateTimeField(_("办理期限"))
    resolution_note = models.TextField(_("办理结果"), blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("解决人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("企业评价"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    follow_up_of = models.ForeignKey("self", verbose_name=_("跟进的诉求"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="follow_ups")
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "status", "-created_at"], name="problem_street_status"),
            models.Index(fields=["department", "status"], name="problem_dept_status"),
            models.Index(fields=["enterprise", "-created_at"], name="problem_enterprise"),
            models.Index(fields=["status", "due_at"], name="problem_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("liaisons:problem", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class ProblemEvent(models.Model):
    """One line of a problem's timeline: who (and in which post), when, what and why."""

    problem = models.ForeignKey(Problem, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("岗位"), max_length=120, blank=True)
    action = models.CharField(_("办理事项"), max_length=30)
    status_from = models.CharField(_("原状态"), max_length=20, blank=True)
    status_to = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.action}"


class ProblemAttachment(models.Model):
    problem = models.ForeignKey(Problem, verbose_name=_("诉求"), on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(_("附件"), upload_to="problems/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("诉求附件")
        verbose_name_plural = _("诉求附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


def daily_regime_q(prefix: str = "") -> Q:
    """The enterprises that keep the daily log: livelihood ones and those their street added, unless closed
    for good or shut."""
    return (Q(**{f"{prefix}category": Category.LIVELIHOOD}) | Q(**{f"{prefix}daily_log_added": True})) & ~Q(
        **{f"{prefix}operating_status__in": (OperatingStatus.CEASED, OperatingStatus.CLOSED)})


class DailyLog(models.Model):
    """日检查、日消毒: one entry per enterprise and day; a second entry for the day is an edit (audited)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="daily_logs")
    day = models.DateField(_("日期"))
    checked_count = models.PositiveIntegerField(_("测温人数"))
    anomaly_count = models.PositiveIntegerField(_("异常人数"), default=0)
    anomaly_action = models.CharField(_("异常情况及处置"), max_length=500, blank=True)
    disinfection_times = models.PositiveSmallIntegerField(_("消毒次数"))
    disinfection_areas = models.CharField(_("消毒区域"), max_length=300)
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT,
                                  related_name="+")
    on_behalf = models.BooleanField(_("代企业填报"), default=False)
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日检查日消毒")
        verbose_name_plural = _("日检查日消毒")
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "day"], name="daily_log_one_per_day")]
        indexes = [models.Index(fields=["day", "enterprise"], name="daily_log_day")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.day}"


class DailyLogGap(models.Model):
    """A day an enterprise of the regime had not logged by the alert hour (recorded by the evening check)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="daily_log_gaps")
    day = models.DateField(_("日期"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    filled_late_at = models.DateTimeField(_("补填时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("日检查漏报")
        verbose_name_plural = _("日检查漏报")
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "day"], name="daily_gap_one_per_day")]
        indexes = [models.Index(fields=["day", "enterprise"], name="daily_gap_day")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.day}"
