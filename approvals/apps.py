from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("复工审批")

    def ready(self):
        # Imported here, not at the top: they import models, which exist once the app registry is ready.
        from enterprises.history import history_reader_add
        from enterprises.signals import enterprise_closing

        from .receivers import refuse_close_while_an_application_is_open
        from .selectors import application_history_q

        enterprise_closing.connect(refuse_close_while_an_application_is_open,
                                   dispatch_uid="approvals.refuse_close_while_open")
        history_reader_add(application_history_q)
