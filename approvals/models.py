from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Application(models.Model):
    """复工申请. The approvals issue owns and extends this model; this is its core."""

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

    class Meta:
        verbose_name = _("复工申请")
        verbose_name_plural = _("复工申请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.number or ''}".strip()
