from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class PatrolTeam(models.Model):
    """巡查指导小组 (district, no jurisdiction) or 四位一体 street joint team (one jurisdiction)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    jurisdiction = models.ForeignKey(
        "enterprises.Jurisdiction", verbose_name=_("所属街道"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="patrol_teams",
        help_text=_("区巡查指导小组留空；街道联合巡查组填写本街道。"),
    )

    class Meta:
        verbose_name = _("巡查组")
        verbose_name_plural = _("巡查组")
        ordering = ["name"]
        permissions = [("inspect_with_team", _("作为本组成员巡查"))]

    def __str__(self) -> str:
        return self.name

    @property
    def is_district(self) -> bool:
        return self.jurisdiction_id is None


class LiaisonAssignment(models.Model):
    """驻企联络员 — one liaison serves many firms."""

    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("联络员"), on_delete=models.CASCADE,
        related_name="liaison_assignments",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
        related_name="liaison_assignments",
    )
    assigned_at = models.DateTimeField(_("派驻时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联络员派驻")
        verbose_name_plural = _("联络员派驻")
        constraints = [
            models.UniqueConstraint(fields=["liaison", "enterprise"], name="liaison_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.liaison} → {self.enterprise}"


class PatrolTeamUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(PatrolTeam, on_delete=models.CASCADE)


class PatrolTeamGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(PatrolTeam, on_delete=models.CASCADE)
