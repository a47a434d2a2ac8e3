"""The district's organisation, the bottom layer: streets and the park (属地单位), their communities and
grids, the industry departments, and the patrol teams. Grants (django-guardian, direct foreign-key
tables) sit on these objects; everything a user may see is derived from them.

The models moved here from ``enterprises`` and ``inspections`` with their tables (``Meta.db_table``):
the database did not change, only the app they belong to."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class JurisdictionKind(models.TextChoices):
    STREET = "street", _("街道")
    PARK = "park", _("园区")


class Jurisdiction(models.Model):
    """街道 / 园区 (属地单位)."""

    code = models.CharField(_("代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=JurisdictionKind.choices)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        db_table = "enterprises_jurisdiction"
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
        db_table = "enterprises_community"
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
        db_table = "enterprises_grid"
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
        db_table = "enterprises_department"
        verbose_name = _("主管部门")
        verbose_name_plural = _("主管部门")
        ordering = ["code"]
        permissions = [("review_for_department", _("作为主管部门审核"))]

    def __str__(self) -> str:
        return self.name


class PatrolTeam(models.Model):
    """巡查指导小组 (district, no jurisdiction) or 四位一体 street joint team (one jurisdiction)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属街道"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="patrol_teams",
        help_text=_("区巡查指导小组留空；街道联合巡查组填写本街道。"),
    )

    class Meta:
        db_table = "inspections_patrolteam"
        verbose_name = _("巡查组")
        verbose_name_plural = _("巡查组")
        ordering = ["name"]
        permissions = [("inspect_with_team", _("作为本组成员巡查"))]

    def __str__(self) -> str:
        return self.name

    @property
    def is_district(self) -> bool:
        return self.jurisdiction_id is None


# django-guardian: direct foreign-key permission tables for the org objects.
class JurisdictionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        db_table = "enterprises_jurisdictionuserobjectpermission"


class JurisdictionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        db_table = "enterprises_jurisdictiongroupobjectpermission"


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        db_table = "enterprises_departmentuserobjectpermission"


class DepartmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        db_table = "enterprises_departmentgroupobjectpermission"


class PatrolTeamUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(PatrolTeam, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        db_table = "inspections_patrolteamuserobjectpermission"


class PatrolTeamGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(PatrolTeam, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        db_table = "inspections_patrolteamgroupobjectpermission"
