from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacardsConfig(AppConfig):
    name = "placards"
    verbose_name = _("准许复工公示牌")

    def ready(self):
        # Imported here, not at the top: they import models, which exist once the app registry is ready.
        from approvals.signals import application_approval_lapsed, application_approved
        from enterprises.history import history_reader_add
        from enterprises.signals import enterprise_closing

        from .receivers import (
            on_application_approval_lapsed,
            on_application_approved,
            refuse_close_while_a_placard_stands,
        )
        from .selectors import placard_history_q

        application_approved.connect(on_application_approved, dispatch_uid="placards.issue_on_approval")
        application_approval_lapsed.connect(on_application_approval_lapsed,
                                            dispatch_uid="placards.revoke_on_lapsed_approval")
        enterprise_closing.connect(refuse_close_while_a_placard_stands,
                                   dispatch_uid="placards.refuse_close_while_standing")
        history_reader_add(placard_history_q)
