"""Signal receivers: an approval issues the placard, and an approval that lapses (rejected or withdrawn
after a change of substance) revokes it, each in the deciding transaction."""

from __future__ import annotations


def on_application_approved(sender, *, application, actor=None, **kwargs):
    from .services import placard_issue

    placard_issue(application=application, actor=actor)


def on_application_approval_lapsed(sender, *, application, actor=None, reason="", **kwargs):
    from .services import placard_revoke_for_application

    placard_revoke_for_application(application=application, actor=actor, reason=reason)
