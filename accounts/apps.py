from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与岗位")

    def ready(self):
        # Imported here, not at the top: signals imports models, which exist once the app registry is ready.
        from . import signals

        signals.connect()
