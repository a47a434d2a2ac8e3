"""The dual signature for small enterprises and venues: the street's party secretary and its director sign,
in either order; two different people, each holding that post for the enterprise's jurisdiction by a
django-guardian grant. Either may return the application instead."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen.errors import Conflict, DomainError

from ..models import Application, Decision, Signature
from ..rules import POST_PERMS, require, signer_posts  # noqa: F401 (signer_posts: re-exported)
from .common import (
    application_lock,
    application_save,
    decision_record,
    require_opinion,
    state_of,
    transition_apply,
)
from .review import application_approved_send, application_finalise_approval, filer_notify

S = Application.Status


def _require_post(post: str) -> str:
    if post not in POST_PERMS:
        raise DomainError(_("请选择签字职务。"), code="invalid")
    return str(post)


@transaction.atomic
def signature_add(*, user, application: Application, post: str, opinion: str,
                  seen_iteration: int | None = None) -> Application:
    post = _require_post(post)
    application = application_lock(application)
    verdict = require(user, f"{post}_sign", application, seen_iteration=seen_iteration)
    opinion = require_opinion(opinion)
    before = state_of(application)
    try:
        with transaction.atomic():
            Signature.objects.create(application=application, iteration=application.iteration, post=post,
                                     signer=user, jurisdiction_id=application.jurisdiction_id)
    except IntegrityError:  # the constraint is the last line of defence
        raise Conflict(_("该职务已签字，不能重复签字。"), code="already_signed") from None
    transition_apply(application, verdict)  # the second signature approves (the table's row says so)
    complete = application.status == S.APPROVED
    if complete:
        application_finalise_approval(application, actor=user)
    application_save(application, actor=user, action=f"application.sign.{post}", before=before, reason=opinion)
    decision_record(application=application, kind=Decision.Kind(post), outcome=Decision.Outcome.SIGNED,
                    actor=user, opinion=opinion, post=_post_label(application, post))
    if complete:
        application_approved_send(application, actor=user)
        filer_notify(application)
    return application


def _post_label(application: Application, post: str) -> str:
    return f"{application.jurisdiction.name}{Signature.Post(post).label}"


@transaction.atomic
def signature_return(*, user, application: Application, post: str, opinion: str,
                     seen_iteration: int | None = None) -> Application:
    """Either signer may return the application for correction instead of signing."""
    post = _require_post(post)
    application = application_lock(application)
    verdict = require(user, f"{post}_return", application, seen_iteration=seen_iteration)
    opinion = require_opinion(opinion)
    before = state_of(application)
    transition_apply(application, verdict)
    application.decided_at = timezone.now()
    application_save(application, actor=user, action=f"application.sign.{post}.return", before=before,
                     reason=opinion)
    decision_record(application=application, kind=Decision.Kind(post), outcome=Decision.Outcome.RETURNED,
                    actor=user, opinion=opinion, post=_post_label(application, post))
    filer_notify(application)
    return application
