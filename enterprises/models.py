from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .choices import Category, JurisdictionKind, OperatingStatus, Scale
from .validators import validate_credit_code, validate_mobile


class Jurisdiction(models.Model):
    """街道 / 园区 (属地单位)."""

    code = models.CharField(_("代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=JurisdictionKind.choices)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("街道/园区")
        verbose_name_plural = _("街道/园区")
        ordering = ["code"]
        permissions = [
            ("work_in_jurisdiction", _("作为街道工作人员办理本街道业务")),
            ("sign_as_secretary", _("以党工委书记身份签字")),
            ("sign_as_director", _("以街道主任身份签字")),
        ]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """社区."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("街道/园区"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["jurisdiction", "name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="community_unique_name")]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    """网格."""

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="grids"
    )
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="grid_unique_name")]

    def __str__(self) -> str:
        return f"{self.community.name}{self.name}"


class Department(models.Model):
    """主管部门 / 行业部门."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("主管部门")
        verbose_name_plural = _("主管部门")
        ordering = ["code"]
        permissions = [("review_for_department", _("作为主管部门审核"))]

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        from accounts.scope import scope_for

        return scope_for(user).filter_enterprises(self)


class Enterprise(models.Model):
    """企业 / 生产经营单位."""

    name = models.CharField(_("企业名称"), max_length=100)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
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


# django-guardian: direct foreign-key permission tables for the org objects.
class JurisdictionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE)


class JurisdictionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE)


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)


class DepartmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)
