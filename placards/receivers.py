"""Signal receivers: an approval issues the placard, and an approval that lapses (rejected or withdrawn
after a change of substance) revokes it, each in the deciding transaction; an enterprise is not closed for
good while its placard stands."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhifu_reopen.errors import DomainError

from . import services  # called through the package: the one write path, where a test may replace it
from .models import Placard


def on_application_approved(sender, *, application, actor=None, **kwargs):
    services.placard_issue(application=application, actor=actor)


def on_application_approval_lapsed(sender, *, application, actor=None, reason="", **kwargs):
    services.placard_revoke_for_application(application=application, actor=actor, reason=reason)


def refuse_close_while_a_placard_stands(sender, *, enterprise, **kwargs):
    """enterprises.signals.enterprise_closing: an enterprise whose placard is valid or suspended is not
    closed."""
    if Placard.objects.filter(
        enterprise=enterprise, status__in=(Placard.Status.VALID, Placard.Status.SUSPENDED)
    ).exists():
        raise DomainError(_("该企业的准许复工公示牌尚未撤销，请先由工作专班撤销公示牌再关闭。"), code="conflict")
