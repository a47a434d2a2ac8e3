from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZhifuReopenConfig(AppConfig):
    name = "zhifu_reopen"
    verbose_name = _("系统")
