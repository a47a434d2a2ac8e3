"""准许复工公示牌: the placard an approval issues and the public scans of its QR code (its number comes from
zhifu_reopen.counters)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Placard(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        SUSPENDED = "suspended", _("暂停")
        REVOKED = "revoked", _("已撤销")

    STATUS_COLOURS = {"valid": "success", "suspended": "warning", "revoked": "danger"}

    application = models.OneToOneField(
        "approvals.Application", verbose_name=_("复工申请"), on_delete=models.PROTECT, related_name="placard"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="placards"
    )
    year = models.PositiveIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("公示牌编号"), max_length=40, unique=True)
    token = models.CharField(_("验证令牌"), max_length=64, unique=True)
    code = models.CharField(_("核验码"), max_length=12, unique=True)
    approved_on = models.DateField(_("准许复工日期"))
    approved_headcount = models.PositiveIntegerField(_("核准返岗人数"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.VALID)
    status_reason = models.TextField(_("状态原因"), blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"))
    issued_at = models.DateTimeField(_("发放时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    pdf = models.FileField(_("公示牌PDF"), upload_to="placards/", blank=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    render_job = models.ForeignKey(
        "zhifu_reopen.Job", verbose_name=_("生成任务"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    printed_at = models.DateTimeField(_("批量打印时间"), null=True, blank=True)
    # The QR code's modules, computed once on the first render (choosing the mask is most of a page's
    # cost) and reused by reprints and batch prints while the URL they encode stays the same.
    qr_url = models.CharField(_("二维码内容"), max_length=300, blank=True)
    qr_matrix = models.TextField(_("二维码模块"), blank=True)

    class Meta:
        verbose_name = _("准许复工公示牌")
        verbose_name_plural = _("准许复工公示牌")
        ordering = ["-year", "-serial"]
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="placard_year_serial")]
        indexes = [models.Index(fields=["enterprise", "status"]), models.Index(fields=["printed_at", "id"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("placards:detail", args=[self.pk])

    @property
    def verify_path(self) -> str:
        return reverse("placard_verify", args=[self.token])

    @property
    def verify_url(self) -> str:
        return settings.PUBLIC_BASE_URL + self.verify_path

    @property
    def colour(self) -> str:
        return self.STATUS_COLOURS[self.status]


class PlacardScan(models.Model):
    """One scan of the QR code (a visit of the public verify page). No personal data: the address is
    truncated (/24 for IPv4, /48 for IPv6)."""

    placard = models.ForeignKey(Placard, verbose_name=_("公示牌"), on_delete=models.CASCADE, related_name="scans")
    scanned_at = models.DateTimeField(_("扫码时间"), db_index=True)
    network = models.CharField(_("来源网段"), max_length=50, blank=True)
    user_agent = models.CharField(_("浏览器标识"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("扫码记录")
        verbose_name_plural = _("扫码记录")
        ordering = ["-scanned_at", "-id"]
        indexes = [models.Index(fields=["placard", "-scanned_at"])]

    def __str__(self) -> str:
        return f"{self.placard_id} {self.scanned_at:%Y-%m-%d %H:%M}"


class PlacardScanDay(models.Model):
    """The scans of one placard on one (local) day, once the raw scans are older than
    ``PLACARD_SCAN_RAW_DAYS`` (``services.scans.scans_fold``): only the count is kept."""

    placard = models.ForeignKey(Placard, verbose_name=_("公示牌"), on_delete=models.CASCADE, related_name="scan_days")
    day = models.DateField(_("日期"))
    scans = models.PositiveIntegerField(_("扫码次数"), default=0)

    class Meta:
        verbose_name = _("每日扫码统计")
        verbose_name_plural = _("每日扫码统计")
        ordering = ["placard", "-day"]
        constraints = [models.UniqueConstraint(fields=["placard", "day"], name="placard_scan_day_once")]

    def __str__(self) -> str:
        return f"{self.placard_id} {self.day:%Y-%m-%d} {self.scans}"
