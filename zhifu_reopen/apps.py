from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The empty choice of every select (Django's "- Select an option -" has no Chinese in Django's own
# catalog, so the Chinese UI would show it in English): a Chinese source string like the rest of the UI.
BLANK_CHOICE_LABEL = _("- 请选择 -")


class ZhifuReopenConfig(AppConfig):
    name = "zhifu_reopen"
    verbose_name = _("系统")

    def ready(self):
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL

        from . import audit_signals, request_context  # noqa: F401 (the latter connects its Celery signals)

        audit_signals.connect()
