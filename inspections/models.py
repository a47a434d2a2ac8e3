"""Patrols and enforcement (巡查与执法): checklists kept as versions, inspections of an enterprise by a
patrol team with their answers and photos, the findings (问题隐患) they record, the rectification orders
(整改通知) and stop-works (责令停工) those findings lead to, and each team's look-back due list (回头看).

The top of the layers: this app calls the registry's and the placards' services; nothing below imports it.
Who may do what, from which state: ``inspections.rules``; every write: ``inspections.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from org.models import PatrolTeam

# --- checklists ---------------------------------------------------------------------------------------

class ChecklistPurpose(models.TextChoices):
    """What is inspected chooses the checklist."""

    REOPENED = "reopened", _("已复工企业")
    DAILY_REGIME = "daily_regime", _("日检查日消毒企业")
    VENUE = "venue", _("小场所")
    LOOKBACK = "lookback", _("回头看")


class FindingCategory(models.TextChoices):
    UNAUTHORISED = "unauthorised", _("私开偷开")
    DISINFECTION = "disinfection", _("消杀不到位")
    STAFF_CONTROL = "staff_control", _("人员管控不严")
    NO_TEMPERATURE_LOG = "no_temperature_log", _("未测温登记")
    MASKS = "masks", _("未佩戴口罩")
    GATHERING = "gathering", _("人员聚集")
    CONCEALED_TRAVEL = "concealed_travel", _("隐瞒行程")
    PRINCIPAL_ABSENT = "principal_absent", _("负责人始终未见")
    OTHER = "other", _("其他")


class Answer(models.TextChoices):
    YES = "yes", _("是")
    NO = "no", _("否")
    NA = "na", _("不适用")


class Checklist(models.Model):
    """检查表: one per purpose; its items live in versions."""

    purpose = models.CharField(_("适用对象"), max_length=20, choices=ChecklistPurpose.choices, unique=True)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ChecklistVersion(models.Model):
    """One version of a checklist. A published version is frozen: an edit makes a new draft, publishing it
    retires the version before. Each inspection records the version it used."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已停用")

    checklist = models.ForeignKey(Checklist, verbose_name=_("检查表"), on_delete=models.PROTECT,
                                  related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查表版本")
        verbose_name_plural = _("检查表版本")
        ordering = ["checklist", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="checklist_version_unique"),
            models.UniqueConstraint(fields=["checklist"], condition=Q(status="published"),
                                    name="checklist_one_published"),
            models.UniqueConstraint(fields=["checklist"], condition=Q(status="draft"),
                                    name="checklist_one_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.checklist} v{self.number}"


class ChecklistItem(models.Model):
    """检查项. ``code`` is stable across versions (a re-inspection checks the same item in a later version);
    ``photo_on`` lists the answers that need a photo (e.g. ``["no"]``)."""

    version = models.ForeignKey(ChecklistVersion, verbose_name=_("版本"), on_delete=models.CASCADE,
                                related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"))
    code = models.SlugField(_("代码"), max_length=40)
    text = models.CharField(_("检查内容"), max_length=200)
    allow_na = models.BooleanField(_("可选不适用"), default=True)
    photo_on = models.JSONField(_("需拍照的回答"), default=list, blank=True)
    finding_category = models.CharField(_("不合格时的问题类别"), max_length=30, choices=FindingCategory.choices,
                                        default=FindingCategory.OTHER)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="checklist_item_code_unique"),
            models.UniqueConstraint(fields=["version", "position"], name="checklist_item_position_unique"),
        ]

    def __str__(self) -> str:
        return self.text


# --- inspections ----------------------------------------------------------------------------------------

class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常巡查")
    LOOKBACK = "lookback", _("回头看")
    REINSPECTION = "reinspection", _("整改复查")
    UNAUTHORISED = "unauthorised", _("私开偷开现场登记")


class Inspection(models.Model):
    """巡查: one visit of a team to an enterprise, recorded in one act (start and end time, who was there,
    the answers, notes, photos)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="inspections")
    team = models.ForeignKey(PatrolTeam, verbose_name=_("巡查组"), on_delete=models.PROTECT,
                             related_name="inspections")
    kind = models.CharField(_("类型"), max_length=20, choices=InspectionKind.choices,
                            default=InspectionKind.ROUTINE)
    checklist_version = models.ForeignKey(ChecklistVersion, verbose_name=_("检查表版本"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="inspections")
    # A re-inspection checks the findings of this order only.
    order = models.ForeignKey("RectificationOrder", verbose_name=_("整改通知"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="reinspections")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("参加人员"), related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    notes = models.TextField(_("情况记录"), blank=True)
    # The form's one-time token: a second submit of the same form shows the first record.
    submission_token = models.UUIDField(_("提交令牌"), null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-started_at"], name="insp_ent_started"),
            models.Index(fields=["team", "-started_at"], name="insp_team_started"),
        ]
        constraints = [models.CheckConstraint(condition=Q(ended_at__gte=models.F("started_at")),
                                              name="inspection_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.started_at:%Y-%m-%d}"


class InspectionAnswer(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name=_("巡查记录"), on_delete=models.CASCADE,
                                   related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("结果"), max_length=4, choices=Answer.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["inspection", "item__position"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_answer_unique")]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_answer_display()}"


class Finding(models.Model):
    """问题隐患: one per failed item or added by hand, with the action taken."""

    class Action(models.TextChoices):
        FIXED = "fixed", _("当场整改")
        RECTIFY = "rectify", _("限期整改")
        STOP_WORK = "stop_work", _("责令停工")

    inspection = models.ForeignKey(Inspection, verbose_name=_("巡查记录"), on_delete=models.PROTECT,
                                   related_name="findings")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="findings")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查项"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("问题类别"), max_length=30, choices=FindingCategory.choices)
    description = models.TextField(_("问题描述"))
    action = models.CharField(_("处理方式"), max_length=12, choices=Action.choices)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("问题隐患")
        verbose_name_plural = _("问题隐患")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-created_at"], name="finding_ent_created")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description[:30]}"


class Photo(models.Model):
    """现场照片, stored by content (sha256) with a server-made thumbnail. ``captured_at`` is the photo's own
    time (EXIF) where it has one; ``received_at`` always; the location is the browser's, where allowed."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("巡查记录"), on_delete=models.CASCADE,
                                   related_name="photos")
    finding = models.ForeignKey(Finding, verbose_name=_("问题隐患"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="photos")
    answer = models.ForeignKey(InspectionAnswer, verbose_name=_("检查结果"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="photos")
    sha256 = models.CharField(_("内容摘要"), max_length=64, db_index=True)
    file = models.FileField(_("照片"), upload_to="inspections/photos/", max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to="inspections/thumbs/", max_length=200)
    content_type = models.CharField(_("格式"), max_length=40)
    size = models.PositiveIntegerField(_("大小"))
    width = models.PositiveIntegerField(_("宽"), default=0)
    height = models.PositiveIntegerField(_("高"), default=0)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("拍摄人"), on_delete=models.PROTECT,
                                 related_name="+")
    captured_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return self.sha256[:12]


# --- enforcement ------------------------------------------------------------------------------------------

class RectificationOrder(models.Model):
    """整改通知: a finding to be rectified by a deadline. The re-inspection checks it: passing closes it,
    failing escalates it to a stop-work, or extends it once with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        CLOSED = "closed", _("已办结")
        ESCALATED = "escalated", _("已转停工")

    finding = models.OneToOneField(Finding, verbose_name=_("问题隐患"), on_delete=models.PROTECT,
                                   related_name="order")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="rectification_orders")
    team = models.ForeignKey(PatrolTeam, verbose_name=_("巡查组"), on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(_("整改期限"))
    first_due_on = models.DateField(_("原定期限"))
    extension_reason = models.CharField(_("延期理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("下达时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="order_status_due"),
                   models.Index(fields=["enterprise", "status"], name="order_ent_status")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.due_on}"

    @property
    def extended(self) -> bool:
        return bool(self.extension_reason)


class StopWork(models.Model):
    """责令停工: the enterprise is 责令关停 and its placard suspended while it is active; a passed re-inspection
    lifts it (the enterprise back to 已复工 and the placard reinstated), with a reason."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("停工中")
        LIFTED = "lifted", _("已解除")

    finding = models.OneToOneField(Finding, verbose_name=_("问题隐患"), on_delete=models.PROTECT,
                                   related_name="stop_work")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="stop_works")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    reason = models.TextField(_("停工原因"))
    started_at = models.DateTimeField(_("停工时间"), auto_now_add=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("下达人"), on_delete=models.PROTECT,
                                   related_name="+")
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("解除人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    lift_reason = models.TextField(_("解除理由"), blank=True)
    lifted_by_inspection = models.ForeignKey(Inspection, verbose_name=_("复查记录"), null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("责令停工")
        verbose_name_plural = _("责令停工")
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise"], condition=Q(status="active"),
                                               name="stop_work_one_active")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_status_display()}"


# --- look-back due list ------------------------------------------------------------------------------------

class DueReason(models.TextChoices):
    LOOKBACK = "lookback", _("回头看到期")
    ORDER_DUE = "order_due", _("整改到期待复查")
    UNAUTHORISED = "unauthorised", _("私开偷开待处置")


class DueLine(models.Model):
    """One line of a team's due list (待巡查), rebuilt every morning by Celery beat and on demand, ordered by
    ``risk`` (see ``inspections.services.due``)."""

    team = models.ForeignKey(PatrolTeam, verbose_name=_("巡查组"), on_delete=models.CASCADE,
                             related_name="due_lines")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="+")
    reason = models.CharField(_("原因"), max_length=20, choices=DueReason.choices)
    order = models.ForeignKey(RectificationOrder, verbose_name=_("整改通知"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    risk = models.PositiveIntegerField(_("风险分"))
    last_inspected_at = models.DateTimeField(_("最近巡查"), null=True, blank=True)
    open_findings = models.PositiveIntegerField(_("未办结问题"), default=0)
    built_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("待巡查")
        verbose_name_plural = _("待巡查")
        ordering = ["team", "-risk", "id"]
        indexes = [models.Index(fields=["team", "-risk", "id"], name="due_team_risk")]

    def __str__(self) -> str:
        return f"{self.team} {self.enterprise}"
