from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacardsConfig(AppConfig):
    name = "placards"
    verbose_name = _("准许复工公示牌")

    def ready(self):
        from approvals.signals import application_approval_lapsed, application_approved

        from .receivers import on_application_approval_lapsed, on_application_approved

        application_approved.connect(on_application_approved, dispatch_uid="placards.issue_on_approval")
        application_approval_lapsed.connect(on_application_approval_lapsed,
                                            dispatch_uid="placards.revoke_on_lapsed_approval")
