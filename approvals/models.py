from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhifu_reopen.pii import BlindIndexField, EncryptedCharField, mask_id_number, mask_mobile, mask_name


class Step(models.TextChoices):
    """Where an open application waits. Large enterprises: street → department → task_force;
    small enterprises and venues: street → signature (secretary + director, either order)."""

    STREET = "street", _("街道/园区审核")
    DEPARTMENT = "department", _("主管部门审核")
    TASK_FORCE = "task_force", _("领导小组审定")
    SIGNATURE = "signature", _("党工委书记、主任签字")


class Application(models.Model):
    """复工申请."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        IN_REVIEW = "in_review", _("审核中")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")
        REJECTED = "rejected", _("不予通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Chain(models.TextChoices):
        THREE_PARTY = "three_party", _("三方联审")
        DUAL_SIGNATURE = "dual_signature", _("双签字")

    STATUS_COLOURS = {
        "draft": "info", "submitted": "warning", "in_review": "primary", "approved": "success",
        "returned": "danger", "rejected": "danger", "withdrawn": "info",
    }
    FINAL = ("rejected", "withdrawn")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="applications"
    )
    number = models.CharField(_("办件编号"), max_length=30, unique=True, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    chain = models.CharField(_("审批流程"), max_length=16, choices=Chain.choices)
    iteration = models.PositiveIntegerField(_("提交轮次"), default=0)
    requested_reopen_on = models.DateField(_("拟复工日期"))
    returning_headcount = models.PositiveIntegerField(_("返岗人数"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    # Set when the retention purge deleted the roster and the materials (approvals.services.retention).
    personal_data_purged_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    # Denormalised from the enterprise at filing, so queues filter and order on one table with one index.
    jurisdiction = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("所属街道"), on_delete=models.PROTECT, related_name="+",
        null=True,
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("主管部门"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True,
    )
    category = models.CharField(_("类别"), max_length=20, default="general")
    priority = models.PositiveSmallIntegerField(
        _("优先级"), default=2, help_text=_("0 防疫物资生产（绿色通道），1 民生保障，2 其他")
    )
    current_step = models.CharField(_("当前环节"), max_length=12, choices=Step.choices, blank=True, default="")
    step_started_at = models.DateTimeField(_("环节开始时间"), null=True, blank=True)
    step_deadline = models.DateTimeField(_("环节办理时限"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("最近催办时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报专班时间"), null=True, blank=True)

    # 防疫物资清单 (quantities; the list itself is a material).
    masks_qty = models.PositiveIntegerField(_("口罩（只）"), default=0)
    thermometers_qty = models.PositiveIntegerField(_("体温计（支）"), default=0)
    disinfectant_litres = models.PositiveIntegerField(_("消毒液（升）"), default=0)
    # 商务楼宇: 线上复工 with the building's liaison.
    online_work = models.BooleanField(_("线上复工"), default=False)
    building_liaison = models.CharField(_("楼宇联络员"), max_length=50, blank=True)
    building_liaison_mobile = models.CharField(_("楼宇联络员手机"), max_length=11, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("复工申请")
        verbose_name_plural = _("复工申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The queues rely on it: only an open application waits at a step, and a step has a deadline.
            models.CheckConstraint(
                condition=Q(current_step="") | Q(status__in=["submitted", "in_review"], step_deadline__isnull=False),
                name="app_step_only_when_open",
            ),
        ]
        indexes = [
            # Queue order: priority, then deadline, then id — one index per way a queue is scoped.
            models.Index(fields=["current_step", "priority", "step_deadline", "id"], name="app_queue"),
            models.Index(fields=["current_step", "jurisdiction", "priority", "step_deadline", "id"],
                         name="app_queue_juris"),
            models.Index(fields=["current_step", "department", "priority", "step_deadline", "id"],
                         name="app_queue_dept"),
            models.Index(fields=["enterprise", "-id"], name="app_enterprise"),
            models.Index(fields=["jurisdiction", "-id"], name="app_juris_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.number or ''}".strip()

    def save(self, *args, **kwargs):
        # Rows created outside the services (fixtures, other apps' tests) still get the denormalised
        # scope and order keys the queues rely on.
        if self.jurisdiction_id is None and self.enterprise_id is not None:
            enterprise = self.enterprise
            self.jurisdiction_id = enterprise.jurisdiction_id
            self.department_id = self.department_id or enterprise.department_id
            self.category = enterprise.category
            self.priority = {"epidemic_supply": 0, "livelihood": 1}.get(enterprise.category, 2)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("approvals:detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return self.STATUS_COLOURS.get(self.status, "info")

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.IN_REVIEW)


def material_upload_to(instance, filename: str) -> str:
    # The stored name never carries the user's file name (which stays in original_name).
    return f"materials/{instance.application_id}/{instance.kind}-{instance.uploaded_token}{instance.extension}"


class Material(models.Model):
    """申请材料: one file per kind is current; older uploads are kept (superseded)."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("疫情防控工作方案")
        EMERGENCY = "emergency", _("应急预案")
        SUPPLIES = "supplies", _("防疫物资清单")
        PLEDGE = "pledge", _("承诺书")

    class Verdict(models.TextChoices):
        PENDING = "pending", _("待审")
        ACCEPTED = "accepted", _("合格")
        REVISION = "revision", _("需修改")

    VERDICT_COLOURS = {"pending": "info", "accepted": "success", "revision": "danger"}

    application = models.ForeignKey(
        Application, verbose_name=_("复工申请"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("材料类型"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=material_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    extension = models.CharField(_("扩展名"), max_length=8)
    uploaded_token = models.CharField(_("存储标识"), max_length=32)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    iteration = models.PositiveIntegerField(_("提交轮次"), default=0)
    is_current = models.BooleanField(_("当前版本"), default=True)
    verdict = models.CharField(_("审核结论"), max_length=10, choices=Verdict.choices, default=Verdict.PENDING)
    verdict_reason = models.CharField(_("修改意见"), max_length=300, blank=True)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True,
    )
    verdict_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["application", "kind", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], condition=Q(is_current=True), name="material_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def verdict_colour(self) -> str:
        return self.VERDICT_COLOURS[self.verdict]


class ReturningEmployee(models.Model):
    """返岗员工 (personal data: encrypted at rest, shown masked except to the officials reviewing the
    application — approvals.personal decides who and how)."""

    class Health(models.TextChoices):
        HEALTHY = "healthy", _("健康")
        QUARANTINE_DONE = "quarantine_done", _("隔离期满")
        QUARANTINING = "quarantining", _("正在隔离")
        SYMPTOMS = "symptoms", _("有发热等症状")

    FIT = ("healthy", "quarantine_done")

    application = models.ForeignKey(
        Application, verbose_name=_("复工申请"), on_delete=models.CASCADE, related_name="employees"
    )
    # Encrypted columns (zhifu_reopen.pii): the database holds Fernet tokens only, never filter on them.
    name = EncryptedCharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(_("身份证号"), max_length=18)
    # The blind index of the ID number (an HMAC): what the unique constraint and the duplicate checks use.
    id_index = BlindIndexField(_("身份证号索引"), source="id_number")
    mobile = EncryptedCharField(_("手机"), max_length=11)
    residence = EncryptedCharField(_("现居住地"), max_length=200)
    travel_history = EncryptedCharField(_("14天内行程"), max_length=300, blank=True)
    health_status = EncryptedCharField(_("健康状况"), max_length=20, choices=Health.choices, default=Health.HEALTHY)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("返岗员工")
        verbose_name_plural = _("返岗员工")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "id_index"], name="employee_unique_id_index"),
        ]

    def __str__(self) -> str:
        return self.name_masked

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)

    @property
    def health_masked(self) -> str:
        """Health is personal data too: nothing of it shows (not even fit / unfit) to non-reviewers."""
        return "****"


class LeaderMeeting(models.Model):
    """负责人见面: a street official met the enterprise's principal before the street approves."""

    application = models.ForeignKey(
        Application, verbose_name=_("复工申请"), on_delete=models.CASCADE, related_name="meetings"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("见面人员"), on_delete=models.PROTECT, related_name="+"
    )
    principal = models.CharField(_("企业负责人"), max_length=50)
    met_at = models.DateTimeField(_("见面时间"))
    outcome = models.TextField(_("见面情况"))
    iteration = models.PositiveIntegerField(_("提交轮次"), default=0)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("负责人见面")
        verbose_name_plural = _("负责人见面")
        ordering = ["application", "-met_at", "-id"]

    def __str__(self) -> str:
        return f"{self.principal} {self.met_at:%Y-%m-%d}"


class Decision(models.Model):
    """One recorded act on an application: filing, each step's outcome, each signature. The timeline."""

    class Kind(models.TextChoices):
        FILING = "filing", _("提交申请")
        STREET = "street", _("街道/园区审核")
        DEPARTMENT = "department", _("主管部门审核")
        TASK_FORCE = "task_force", _("领导小组审定")
        SECRETARY = "secretary", _("党工委书记签字")
        DIRECTOR = "director", _("街道主任签字")
        WITHDRAWAL = "withdrawal", _("撤回申请")

    class Outcome(models.TextChoices):
        SUBMITTED = "submitted", _("提交")
        RESUBMITTED = "resubmitted", _("重新提交")
        REOPENED = "reopened", _("变更后重新审核")
        APPROVED = "approved", _("同意")
        SIGNED = "signed", _("签字同意")
        RETURNED = "returned", _("退回修改")
        REJECTED = "rejected", _("不予复工")
        WITHDRAWN = "withdrawn", _("撤回")

    OUTCOME_COLOURS = {
        "submitted": "info", "resubmitted": "info", "reopened": "warning", "approved": "success",
        "signed": "success", "returned": "warning", "rejected": "danger", "withdrawn": "info",
    }

    application = models.ForeignKey(
        Application, verbose_name=_("复工申请"), on_delete=models.CASCADE, related_name="decisions"
    )
    iteration = models.PositiveIntegerField(_("提交轮次"))
    kind = models.CharField(_("环节"), max_length=12, choices=Kind.choices)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("岗位"), max_length=120)
    office = models.CharField(_("办理单位"), max_length=60)
    opinion = models.TextField(_("意见"), blank=True)
    items = models.JSONField(_("一次性告知事项"), default=list, blank=True)
    created_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["application", "created_at", "id"]
        constraints = [
            # Each step is decided once per iteration — the database refuses a second outcome.
            models.UniqueConstraint(fields=["application", "iteration", "kind"], name="decision_once_per_step"),
        ]
        indexes = [models.Index(fields=["actor", "-created_at", "-id"], name="decision_actor_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_outcome_display()}"

    @property
    def outcome_colour(self) -> str:
        return self.OUTCOME_COLOURS.get(self.outcome, "info")


class Signature(models.Model):
    """One of the two signatures approving a small enterprise; each post once, by two different people."""

    class Post(models.TextChoices):
        SECRETARY = "secretary", _("党工委书记")
        DIRECTOR = "director", _("街道主任")

    application = models.ForeignKey(
        Application, verbose_name=_("复工申请"), on_delete=models.CASCADE, related_name="signatures"
    )
    iteration = models.PositiveIntegerField(_("提交轮次"))
    post = models.CharField(_("签字职务"), max_length=10, choices=Post.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签字人"), on_delete=models.PROTECT, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        "org.Jurisdiction", verbose_name=_("街道/园区"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("签字时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("签字")
        verbose_name_plural = _("签字")
        ordering = ["application", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "iteration", "post"], name="signature_once_per_post"),
            models.UniqueConstraint(fields=["application", "iteration", "signer"],
                                    name="signature_two_people"),
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.signer}"
