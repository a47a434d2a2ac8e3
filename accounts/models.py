from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role as Role
from .scope import scope_for


class Agency(models.TextChoices):
    """The agency a patrol member comes from (四位一体: 街道 + 市场监管所 + 派出所 + 社区; district teams also
    take members from district departments)."""

    STREET = "street", _("街道")
    MARKET = "market", _("市场监管所")
    POLICE = "police", _("派出所")
    COMMUNITY = "community", _("社区")
    DISTRICT = "district", _("区直部门")


class User(AbstractUser):
    """A person using the system. Where they act is held by django-guardian grants on org objects."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("岗位"), max_length=30, choices=Role.choices, blank=True)
    mobile = models.CharField(_("手机"), max_length=11, blank=True)
    agency = models.CharField(_("所属单位"), max_length=12, choices=Agency.choices, blank=True,
                              help_text=_("巡查人员填写：街道、市场监管所、派出所、社区或区直部门。"))

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def post_label(self) -> str:
        """The post this user acts in, as written in the audit trail and the timeline."""
        return scope_for(self).post_label


class Notification(models.Model):
    """In-app notification (reminders, escalations, job results)."""

    user = models.ForeignKey(User, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    message = models.CharField(_("内容"), max_length=300)  # the Chinese rendering (e-mail, admin, old rows)
    code = models.CharField(_("通知类型"), max_length=40, blank=True, default="")
    message_data = models.JSONField(_("通知数据"), default=dict, blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        """The notification in the reader's (active) language; the stored Chinese text where it has
        no code (rows written before codes, or a code since retired)."""
        from .notifications import text_render

        return text_render(self.code, self.message_data) or self.message


class UserSession(models.Model):
    """A signed-in session (issue 13): written at login, removed at logout or when it is ended, so a user
    sees where they are signed in (``accounts.services.sessions``). The session itself is Django's."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(_("会话"), max_length=40, unique=True)
    started_at = models.DateTimeField(_("登录时间"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("最近活动"), auto_now_add=True)
    ip_address = models.CharField(_("地址"), max_length=45, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"
