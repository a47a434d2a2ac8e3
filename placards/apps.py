from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacardsConfig(AppConfig):
    name = "placards"
    verbose_name = _("准许复工公示牌")
