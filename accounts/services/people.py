"""People and posts, as the people pages change them: appoint, move and end a post; open, deactivate and
reactivate an account; reset a password to a one-time set-password link. Each checks the rule table
(``accounts.rules``) and writes an audit entry on the person (who did it, in which post, what, why).

A street has one party secretary and one director: appointing one ends the holder's post in the same
transaction. Every change locks the org units of its posts first, then the people concerned (in id
order), so two appointments at once are taken one after the other and never leave two holders.

Each changed grant drops only that person's cached scope (``accounts.signals``): the change holds from
their next request."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError

from ..models import Agency, Role, User
from ..posts import Post, holders, posts_of
from ..rules import PostChange, require
from ..scope import forget_scope, user_scopes_invalidate
from .sessions import sessions_end_all

REASON_MAX = 500


def _reason(reason: str, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise DomainError(_("请填写理由（如任免文件或事由）。"), code="invalid")
    if len(reason) > REASON_MAX:
        raise DomainError(_("理由最多%(n)s字。") % {"n": REASON_MAX}, code="invalid")
    return reason


def _label(post: Post) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # the audit trail is a record: in Chinese
        return post.label


def _lock(posts, people) -> tuple[list[User], dict[Post, list[User]]]:
    """Lock the posts' org units (by model and id), then the people concerned and whoever holds a
    one-holder post being appointed (by id). Returns the people, fresh, and those holders."""
    units = sorted({(p.kind.model, p.unit_id) for p in posts if p is not None and p.unit is not None})
    for label, pk in units:
        list(apps.get_model(label).objects.select_for_update().filter(pk=pk))
    people_ids = [person.pk for person in people]
    displaced = {post: holders(post, exclude=people[0] if people else None) for post in posts
                 if post is not None and post.kind.single}
    ids = sorted({*people_ids, *(u.pk for users in displaced.values() for u in users)})
    locked = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return [locked[pk] for pk in people_ids], {post: [locked[u.pk] for u in users] for post, users in displaced.items()}


def _grant(person: User, post: Post) -> None:
    if post.kind.model:
        assign_perm(post.kind.perm, person, post.unit)
    if person.role != post.role:
        person.role = post.role
        person.save(update_fields=["role"])
    forget_scope(person)


def _revoke(person: User, post: Post) -> None:
    if post.kind.model:
        remove_perm(post.kind.perm, person, post.unit)
    sessions_end_all(person)  # a revoked post signs the person out everywhere (issue 13)
    remaining = {p.role: p for p in posts_of(person) if p != post}
    role = person.role if person.role in remaining else next(iter(remaining), "")  # none left: no role
    if role != person.role:
        person.role = role
        person.save(update_fields=["role"])
    forget_scope(person)


def _end_displaced(actor, post: Post, successor: User, displaced: dict, reason: str) -> list[User]:
    """The one holder of a secretary's or director's post leaves it to the successor."""
    ended = []
    for holder in displaced.get(post, []):
        require(actor, "end", PostChange(holder, post))
        _revoke(holder, post)
        audit_record(actor=actor, action="post.end", target=holder, before={"post": _label(post)},
                     after={"successor": str(successor)}, reason=reason)
        ended.append(holder)
    return ended


def _agency(person: User | None, post: Post | None, agency: str) -> str:
    """A patrol member's agency: required for an inspector post (the one given, or the person's own);
    区直部门 only on a district team. Returns the agency to store ("" when the post is not a patrol's)."""

    if post is None or post.role != Role.INSPECTOR:
        return ""
    agency = (agency or "").strip() or (person.agency if person is not None else "")
    if agency not in Agency.values:
        raise DomainError(_("任命巡查人员须选择所属单位（街道、市场监管所、派出所、社区或区直部门）。"),
                          code="invalid")
    if agency == Agency.DISTRICT and getattr(post.unit, "jurisdiction_id", None) is not None:
        raise DomainError(_("街道联合巡查组成员的所属单位应为街道、市场监管所、派出所或社区。"), code="invalid")
    return agency


def _agency_store(person: User, agency: str, after: dict) -> None:
    if agency:
        after["agency"] = agency
        if person.agency != agency:
            User.objects.filter(pk=person.pk).update(agency=agency)
            user_scopes_invalidate([person.pk])  # an update() sends no signal: the cached user row goes
            person.agency = agency


@transaction.atomic
def post_appoint(*, actor, person: User, post: Post, reason: str, agency: str = "") -> list[User]:
    """Appoint ``person`` to ``post``. Returns whoever left it (the street's former secretary …). A patrol
    post needs the member's agency (``agency``, or the one the person has)."""
    reason = _reason(reason)
    (person,), displaced = _lock([post], [person])
    require(actor, "appoint", PostChange(person, post))
    agency = _agency(person, post, agency)
    ended = _end_displaced(actor, post, person, displaced, reason)
    _grant(person, post)
    after = {"post": _label(post)}
    _agency_store(person, agency, after)
    audit_record(actor=actor, action="post.appoint", target=person, after=after, reason=reason)
    return ended


@transaction.atomic
def post_end(*, actor, person: User, post: Post, reason: str) -> None:
    reason = _reason(reason)
    (person,), _displaced = _lock([post], [person])
    require(actor, "end", PostChange(person, post))
    _revoke(person, post)
    audit_record(actor=actor, action="post.end", target=person, before={"post": _label(post)}, reason=reason)


@transaction.atomic
def post_move(*, actor, person: User, leaving: Post, post: Post, reason: str, agency: str = "") -> list[User]:
    """Move ``person`` from ``leaving`` to ``post`` (another street, another role) in one step."""
    reason = _reason(reason)
    if leaving == post:
        raise DomainError(_("调任前后的岗位相同。"), code="invalid")
    (person,), displaced = _lock([leaving, post], [person])
    require(actor, "move", PostChange(person, post, leaving=leaving))
    agency = _agency(person, post, agency)
    ended = _end_displaced(actor, post, person, displaced, reason)
    if leaving.kind.model:
        remove_perm(leaving.kind.perm, person, leaving.unit)
    sessions_end_all(person)  # the post left is revoked: signed out everywhere (issue 13)
    _grant(person, post)
    after = {"post": _label(post)}
    _agency_store(person, agency, after)
    audit_record(actor=actor, action="post.move", target=person, before={"post": _label(leaving)},
                 after=after, reason=reason)
    return ended


def set_password_path(person: User) -> str:
    """The one-time link (path) on which ``person`` sets a password: valid until used (it is bound to the
    password it replaces) or ``PASSWORD_RESET_TIMEOUT`` has passed."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    return reverse("password_set", args=[uid, default_token_generator.make_token(person)])


@transaction.atomic
def account_create(*, actor, username: str, full_name: str, mobile: str = "", email: str = "",
                   post: Post | None = None, reason: str = "", agency: str = "") -> tuple[User, str]:
    """Open an account (no password: the person sets one on the returned one-time link), with a first
    post when given. Returns the account and the link's path."""
    reason = _reason(reason, required=False)
    _people, displaced = _lock([post], [])
    require(actor, "create", PostChange(None, post))
    agency = _agency(None, post, agency)
    person = User(username=(username or "").strip(), full_name=(full_name or "").strip(),
                  mobile=(mobile or "").strip(), email=(email or "").strip(), agency=agency)
    person.set_unusable_password()
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise DomainError(_("账号信息有误："), code="invalid",
                          messages=[m for errors in exc.message_dict.values() for m in errors]) from None
    person.save()
    audit_record(actor=actor, action="account.create", target=person,
                 after={"username": person.username, "full_name": person.full_name, "mobile": person.mobile,
                        "email": person.email}, reason=reason)
    if post is not None:
        _end_displaced(actor, post, person, displaced, reason)
        _grant(person, post)
        after = {"post": _label(post), **({"agency": agency} if agency else {})}
        audit_record(actor=actor, action="post.appoint", target=person, after=after, reason=reason)
    return person, set_password_path(person)


def _lock_person(person: User) -> User:
    return User.objects.select_for_update().get(pk=person.pk)


@transaction.atomic
def account_deactivate(*, actor, person: User, reason: str) -> User:
    """Stop the account: signed out at its next request; its posts stay (a successor's appointment ends
    them), so reactivating gives them back."""
    reason = _reason(reason)
    person = _lock_person(person)
    require(actor, "deactivate", person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    forget_scope(person)
    sessions_end_all(person)  # issue 13
    audit_record(actor=actor, action="account.deactivate", target=person, before={"is_active": True},
                 after={"is_active": False}, reason=reason)
    return person


@transaction.atomic
def account_reactivate(*, actor, person: User, reason: str) -> User:
    reason = _reason(reason)
    person = _lock_person(person)
    require(actor, "reactivate", person)
    person.is_active = True
    person.save(update_fields=["is_active"])
    forget_scope(person)
    audit_record(actor=actor, action="account.reactivate", target=person, before={"is_active": False},
                 after={"is_active": True}, reason=reason)
    return person


@transaction.atomic
def password_reset_link(*, actor, person: User, reason: str = "") -> str:
    """The person's password stops working at once (their sessions end with it); returns the path of the
    one-time link on which they set a new one. The link itself is recorded nowhere."""
    reason = _reason(reason, required=False)
    person = _lock_person(person)
    require(actor, "password_reset", person)
    person.set_unusable_password()
    person.save(update_fields=["password"])
    sessions_end_all(person)  # issue 13: the sessions end with the password
    audit_record(actor=actor, action="account.password_reset", target=person, reason=reason)
    return set_password_path(person)
