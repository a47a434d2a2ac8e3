"""Signal receivers: an approval issues the placard in the same transaction."""

from __future__ import annotations


def on_application_approved(sender, *, application, actor=None, **kwargs):
    from .services import placard_issue

    placard_issue(application=application, actor=actor)
