"""The enterprise registry: enterprises, their survey visits and the liaisons stationed in them. The org
objects an enterprise belongs to (street, community, grid, department) are the layer below, in ``org``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scope import Scope, scope_for
from org.models import Community, Department, Grid, Jurisdiction

from .choices import Category, OperatingStatus, Scale
from .validators import validate_credit_code, validate_mobile


def scope_enterprise_q(scope: Scope, prefix: str = "") -> Q | None:
    """A Q restricting Enterprise rows (or rows with an enterprise FK under ``prefix``) to what ``scope``
    sees; None when it sees the whole district. The grants are on org objects, except a liaison's: the
    enterprises it is stationed in (LiaisonAssignment)."""
    if scope.district:
        return None
    q = Q(pk__in=[])
    if scope.jurisdiction_ids:
        q |= Q(**{f"{prefix}jurisdiction_id__in": sorted(scope.jurisdiction_ids)})
    if scope.department_ids:
        q |= Q(**{f"{prefix}department_id__in": sorted(scope.department_ids)})
    if scope.liaison_user_id:
        assigned = LiaisonAssignment.objects.filter(liaison_id=scope.liaison_user_id, ended_at__isnull=True)
        q |= Q(**{f"{prefix}id__in": assigned.values("enterprise_id")})
    if scope.enterprise_ids:
        q |= Q(**{f"{prefix}id__in": sorted(scope.enterprise_ids)})
    return q


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        q = scope_enterprise_q(scope_for(user))
        return self if q is None else self.filter(q)


class Enterprise(models.Model):
    """企业 / 生产经营单位."""

    name = models.CharField(_("企业名称"), max_length=100)
    # NULL only for a venue found open unregistered (私开偷开, registered by a patrol on the spot): forms and
    # imports still require a code (blank=False), and the street adds it when it regularises the venue.
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, validators=[validate_credit_code]
    )
    scale = models.CharField(_("规模"), max_length=10, choices=Scale.choices)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.GENERAL)
    department = models.ForeignKey(
        Department, verbose_name=_("主管部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="enterprises",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属街道"), on_delete=models.PROTECT, related_name="enterprises"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("经营地址"), max_length=200)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    prevention_contact = models.CharField(_("防疫负责人"), max_length=50, blank=True)
    prevention_mobile = models.CharField(
        _("防疫负责人手机"), max_length=11, blank=True, validators=[validate_mobile]
    )
    employee_count = models.PositiveIntegerField(_("员工人数"), default=0)
    output_over_100m = models.BooleanField(_("产值超1亿元"), default=False)
    operating_status = models.CharField(
        _("经营状态"), max_length=20, choices=OperatingStatus.choices, default=OperatingStatus.NOT_REOPENED
    )
    last_visited_on = models.DateField(_("最近走访"), null=True, blank=True)
    # 日检查、日消毒: every livelihood enterprise keeps the daily log; the street adds others to the regime.
    daily_log_added = models.BooleanField(_("街道纳入日检查日消毒"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="ent_name_id"),
            models.Index(fields=["jurisdiction", "name", "id"], name="ent_juris_name_id"),
            models.Index(fields=["department", "name", "id"], name="ent_dept_name_id"),
            models.Index(fields=["jurisdiction", "last_visited_on"], name="ent_juris_visited"),
            # The daily-log regime of a street (liaisons.models.daily_regime_q), in name order: a street's
            # completeness page reads its few hundred regime firms, not its thousands.
            models.Index(fields=["jurisdiction", "name", "id"], name="ent_daily_regime",
                         condition=Q(category="livelihood") | Q(daily_log_added=True)),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.pk])


class SurveyVisit(models.Model):
    """走访摸排."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="survey_visits"
    )
    visited_on = models.DateField(_("走访日期"))
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访人员"), on_delete=models.PROTECT, related_name="+"
    )
    observed_status = models.CharField(_("现场状态"), max_length=20, choices=OperatingStatus.choices)
    notes = models.TextField(_("情况记录"), blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访摸排")
        verbose_name_plural = _("走访摸排")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "-visited_on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"


class LiaisonAssignment(models.Model):
    """驻企联络员 — one liaison serves many enterprises; an enterprise has at most one liaison at a time (the
    row without ``ended_at``), and the ended rows are its history. The liaison's grant: what it sees is its
    current enterprises. (Moved here from ``inspections`` with its table: the registry's scope is derived
    from it.) Written only by ``liaisons.services.assignments``."""

    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("联络员"), on_delete=models.CASCADE,
        related_name="liaison_assignments",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="liaison_assignments",
    )
    assigned_at = models.DateTimeField(_("派驻时间"), auto_now_add=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("派驻人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结束人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    end_reason = models.CharField(_("结束理由"), max_length=200, blank=True)

    class Meta:
        db_table = "inspections_liaisonassignment"
        verbose_name = _("联络员派驻")
        verbose_name_plural = _("联络员派驻")
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise"], condition=Q(ended_at__isnull=True),
                                    name="liaison_assignment_one_current"),
        ]
        indexes = [models.Index(fields=["liaison", "ended_at"], name="liaison_current")]

    def __str__(self) -> str:
        return f"{self.liaison} → {self.enterprise}"


class EnterpriseAccount(models.Model):
    """The firm's own account (企业用户): its prevention contact signs in with the mobile as login name and
    sees only this enterprise. Opened by the street (``enterprises.services.accounts``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                                related_name="enterprise_account")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="accounts")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("开通人"), null=True,
                                  on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("开通时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.user}"
