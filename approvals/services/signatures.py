"""The dual signature for small firms and venues: the street's party secretary and its director sign,
in either order; two different people, each holding that post for the firm's jurisdiction by a
django-guardian grant. Either may return the application instead."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifu_reopen.errors import Conflict, DomainError

from ..models import Application, Decision, Signature, Step
from .common import (
    application_lock,
    application_save,
    decision_record,
    expect_state,
    require_opinion,
    state_of,
    step_leave,
    transition_apply,
)
from .review import application_approved_send, application_finalise_approval, filer_notify

S = Application.Status
POST_PERMS = {Signature.Post.SECRETARY: "sign_as_secretary", Signature.Post.DIRECTOR: "sign_as_director"}


def signer_posts(user, application: Application) -> list[str]:
    """The posts this user holds for the application's jurisdiction (django-guardian grants)."""
    if not user.is_authenticated or user.is_superuser or not user.is_active or not application.jurisdiction_id:
        return []
    return [post for post, codename in POST_PERMS.items()
            if user.has_perm(f"enterprises.{codename}", application.jurisdiction)]


def _require_post(user, application: Application, post: str) -> None:
    if post not in POST_PERMS:
        raise DomainError(_("请选择签字职务。"), code="invalid")
    if user.is_superuser:
        raise DomainError(_("签字须由本人以所任职务办理，系统管理员不能代签。"), code="forbidden")
    if post not in signer_posts(user, application):
        raise DomainError(
            _("您不是%(j)s的%(post)s，不能以该职务签字；签字不能由他人代签。")
            % {"j": application.jurisdiction.name, "post": Signature.Post(post).label},
            code="forbidden",
        )


@transaction.atomic
def signature_add(*, user, application: Application, post: str, opinion: str,
                  seen_iteration: int | None = None) -> Application:
    application = application_lock(application)
    _require_post(user, application, post)
    expect_state(application, status=(S.IN_REVIEW,), step=Step.SIGNATURE, seen_iteration=seen_iteration)
    opinion = require_opinion(opinion)
    signed = list(Signature.objects.filter(application=application, iteration=application.iteration))
    if any(s.post == post for s in signed):
        raise Conflict(_("%(post)s已签字，不能重复签字。") % {"post": Signature.Post(post).label},
                       code="already_signed")
    if any(s.signer_id == user.pk for s in signed):
        raise DomainError(_("同一人不能同时以党工委书记和主任两个职务签字，须由另一人签字。"), code="same_person")
    before = state_of(application)
    try:
        with transaction.atomic():
            Signature.objects.create(application=application, iteration=application.iteration, post=post,
                                     signer=user, jurisdiction_id=application.jurisdiction_id)
    except IntegrityError:  # the constraint is the last line of defence
        raise Conflict(_("该职务已签字，不能重复签字。"), code="already_signed") from None
    complete = len(signed) + 1 == len(POST_PERMS)
    transition_apply(application, "sign_complete" if complete else "sign")
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
    application = application_lock(application)
    _require_post(user, application, post)
    expect_state(application, status=(S.IN_REVIEW,), step=Step.SIGNATURE, seen_iteration=seen_iteration)
    opinion = require_opinion(opinion)
    if Signature.objects.filter(application=application, iteration=application.iteration, post=post).exists():
        raise Conflict(_("%(post)s已签字，不能再退回。") % {"post": Signature.Post(post).label},
                       code="already_signed")
    before = state_of(application)
    transition_apply(application, "return")
    step_leave(application)
    application.decided_at = timezone.now()
    application_save(application, actor=user, action=f"application.sign.{post}.return", before=before,
                     reason=opinion)
    decision_record(application=application, kind=Decision.Kind(post), outcome=Decision.Outcome.RETURNED,
                    actor=user, opinion=opinion, post=_post_label(application, post))
    filer_notify(application)
    return application
