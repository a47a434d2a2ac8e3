"""What a user may see and where they act, derived once per request from django-guardian grants on
org objects (jurisdictions, departments, patrol teams) — never granted enterprise by enterprise."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from org.models import Department, Jurisdiction, PatrolTeam
from zhifu_reopen.punctuation import list_join

from .roles import Role

JURISDICTION_PERMS = {
    Role.STREET_STAFF: "work_in_jurisdiction",
    Role.STREET_SECRETARY: "sign_as_secretary",
    Role.STREET_DIRECTOR: "sign_as_director",
}


@dataclass(frozen=True)
class Scope:
    role: str = ""
    district: bool = False  # task force, superuser, district patrol team
    jurisdiction_ids: frozenset[int] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    team_ids: frozenset[int] = field(default_factory=frozenset)
    liaison_user_id: int | None = None
    enterprise_ids: frozenset[int] = field(default_factory=frozenset)  # a firm's own account: its firm
    post_label: str = ""  # the record (audit trail, timeline): always Chinese
    # What the post label is made of, to show it in the reader's language (``post_title``). Plain
    # defaults, so a scope pickled before these fields existed still reads.
    post_orgs: tuple[str, ...] = ()
    post_role: str = ""
    # The district's cache version this scope was read under (``scope_for``): the current one while the
    # scope is in use, so per-process memos of org data (``enterprises.selectors.org_names``) key on it.
    # None when the cache could not say (Redis down): nothing may be memoised then.
    district_version: int | None = field(default=None, compare=False)

    @property
    def post_title(self) -> str:
        """The post as shown on a page: the same parts as ``post_label``, in the current language."""
        role = str(Role(self.post_role).label) if self.post_role in Role.values else ""
        orgs = list_join(self.post_orgs)
        if not orgs:
            return role
        if not role:
            return orgs
        return _("%(orgs)s%(role)s") % {"orgs": orgs, "role": role}

    @property
    def is_empty(self) -> bool:
        return not (
            self.district or self.jurisdiction_ids or self.department_ids or self.liaison_user_id
            or self.enterprise_ids
        )

    def can_see_jurisdiction(self, jurisdiction_id: int) -> bool:
        return self.district or jurisdiction_id in self.jurisdiction_ids

    def filter_jurisdictions(self, qs: QuerySet) -> QuerySet:
        """The jurisdictions (streets and parks) of ``qs`` in this scope: all of them for the district."""
        return qs if self.district else qs.filter(pk__in=sorted(self.jurisdiction_ids))


def _granted(user, model, codename: str, *fields: str) -> list[dict]:
    """The org objects on which the user holds ``codename`` — directly or through a group — read in one
    query from django-guardian's direct foreign-key permission tables (cheaper than
    get_objects_for_user, which this replaces on every request)."""
    name = model._meta.model_name
    direct = Q(**{f"{name}userobjectpermission__user": user,
                  f"{name}userobjectpermission__permission__codename": codename})
    via_group = Q(**{f"{name}groupobjectpermission__group__user": user,
                     f"{name}groupobjectpermission__permission__codename": codename})
    return list(model.objects.filter(direct | via_group).distinct().order_by("pk").values("pk", *fields))


def compute_scope(user) -> Scope:
    if not user or not user.is_authenticated or not user.is_active:
        return Scope()
    role = user.role
    if user.is_superuser or role == Role.TASK_FORCE:
        return Scope(role=role or "superuser", district=True, post_label=str(Role.TASK_FORCE.label),
                     post_role=Role.TASK_FORCE)
    if role in JURISDICTION_PERMS:
        rows = _granted(user, Jurisdiction, JURISDICTION_PERMS[role], "name")
        names = tuple(r["name"] for r in rows)
        return Scope(role=role, jurisdiction_ids=frozenset(r["pk"] for r in rows),
                     post_label=f"{'、'.join(names)}{Role(role).label}", post_orgs=names, post_role=role)
    if role == Role.DEPARTMENT_REVIEWER:
        rows = _granted(user, Department, "review_for_department", "name")
        names = tuple(r["name"] for r in rows)
        return Scope(role=role, department_ids=frozenset(r["pk"] for r in rows),
                     post_label=f"{'、'.join(names)}{Role(role).label}", post_orgs=names, post_role=role)
    if role == Role.INSPECTOR:
        teams = _granted(user, PatrolTeam, "inspect_with_team", "name", "jurisdiction_id")
        names = tuple(t["name"] for t in teams)
        return Scope(
            role=role,
            district=any(t["jurisdiction_id"] is None for t in teams),
            jurisdiction_ids=frozenset(t["jurisdiction_id"] for t in teams if t["jurisdiction_id"]),
            team_ids=frozenset(t["pk"] for t in teams),
            post_label="、".join(names) or str(Role(role).label),
            post_orgs=names, post_role="" if names else role,
        )
    if role == Role.LIAISON:
        return Scope(role=role, liaison_user_id=user.pk, post_label=str(Role(role).label), post_role=role)
    if role == Role.ENTERPRISE:  # the firm's own account (enterprises.EnterpriseAccount): that firm only
        from django.contrib.auth import get_user_model

        rows = list(get_user_model().objects.filter(pk=user.pk, enterprise_account__isnull=False)
                    .values_list("enterprise_account__enterprise_id", "enterprise_account__enterprise__name"))
        names = tuple(name for _pk, name in rows)
        return Scope(role=role, enterprise_ids=frozenset(pk for pk, _name in rows),
                     post_label=f"{'、'.join(names)}{Role(role).label}", post_orgs=names, post_role=role)
    if role == Role.DISTRICT_ADMIN:  # manages people and posts (accounts.rules), sees no enterprise
        return Scope(role=role, post_label=str(Role(role).label), post_role=role)
    return Scope(role=role)


# Scopes are cached (shared cache) under two versions: the district's, which a change of an org object
# bumps (a street renamed, a patrol team moved: every scope may change), and the user's own, which a
# change of that user's grants, account or group membership bumps (accounts.signals) — so a login, a
# post appointed or ended drops only that person's cached scope. The TTL is only a backstop.
#
# Each user has one scope entry and one account entry (the user row, read by the authentication
# middleware), each holding the two versions it was computed under; an entry whose versions are not the
# current ones is a miss. The versions and both entries come in one MGET: a request reads its user and
# its scope in one round trip to Redis.
SCOPE_CACHE_SECONDS = 300
VERSION_KEY = "scope-version"
# A user's version outlives every scope cached under an older one: when it runs out, a fresh "0" can
# only meet scopes that ran out before it.
USER_VERSION_SECONDS = 2 * SCOPE_CACHE_SECONDS


def _user_version_key(user_id: int) -> str:
    return f"scope-version:{connection.settings_dict['NAME']}:{user_id}"


def _scope_key(user_id: int) -> str:
    return f"scope:{connection.settings_dict['NAME']}:{user_id}"


def _account_key(user_id: int) -> str:
    return f"account:{connection.settings_dict['NAME']}:{user_id}"


def _cache_read(user_id: int, *, account: bool = False) -> tuple[tuple | None, Scope | None, object | None]:
    """(current versions, the cached scope, the cached user row) in one round trip; an entry under other
    versions is None. Versions None: the cache cannot say (Redis down) — nothing is cached then."""
    user_key, scope_key, account_key = _user_version_key(user_id), _scope_key(user_id), _account_key(user_id)
    keys = [VERSION_KEY, user_key, scope_key] + ([account_key] if account else [])
    found = cache.get_many(keys)
    district = found.get(VERSION_KEY)
    if district is None:
        # First use (or a restarted Redis): a version never used before, so that nothing memoised under
        # an earlier one (a per-process memo) can be taken for current.
        cache.add(VERSION_KEY, time.time_ns(), None)
        district = cache.get(VERSION_KEY)
        if district is None:
            return None, None, None
    versions = (district, found.get(user_key, 0))

    def current(entry):
        return entry[1] if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == versions else None

    return versions, current(found.get(scope_key)), current(found.get(account_key))


def scope_cached(user_id: int) -> Scope | None:
    """The user's cached scope if it is current (tests: what a change dropped)."""
    return _cache_read(user_id)[1]


def scopes_invalidate(**_kwargs) -> None:
    """Forget every cached scope (an org object changed) — now, and again when the transaction commits (a
    request that read the old org rows meanwhile cached under a version no longer read). Connected to
    the signals in accounts.signals."""
    _district_version_bump()
    if connection.in_atomic_block:
        transaction.on_commit(_district_version_bump)


def _district_version_bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)


def _user_version_bump(user_ids) -> None:
    stamp = time.time_ns()
    cache.set_many({_user_version_key(pk): stamp for pk in user_ids}, USER_VERSION_SECONDS)


def user_scopes_invalidate(user_ids) -> None:
    """Forget the cached scopes (and user rows) of these users only — now, and again when the transaction
    commits: a request of theirs that read the old grants meanwhile cached its scope under a version no
    longer read."""
    user_ids = sorted({int(pk) for pk in user_ids if pk})
    if not user_ids:
        return
    _user_version_bump(user_ids)
    transaction.on_commit(lambda: _user_version_bump(user_ids))


def _scope_compute_store(user, versions) -> Scope:
    with translation.override(settings.LANGUAGE_CODE):  # the post label is a record: in Chinese
        scope = compute_scope(user)
    if versions is None:
        return scope
    scope = dataclasses.replace(scope, district_version=versions[0])
    cache.set(_scope_key(user.pk), (versions, scope), SCOPE_CACHE_SECONDS)
    return scope


def _scope_attach(user, scope: Scope) -> Scope:
    with contextlib.suppress(AttributeError):
        user._zhifu_scope = scope
    return scope


def scope_for(user) -> Scope:
    """The user's scope: once per request on the user object, and across requests in the cache."""
    cached = getattr(user, "_zhifu_scope", None)
    if cached is not None:
        return cached
    if user is None or not getattr(user, "pk", None) or not user.is_authenticated:
        return compute_scope(user)
    versions, scope, _account = _cache_read(user.pk)
    return _scope_attach(user, scope or _scope_compute_store(user, versions))


def user_load(user_id, load):
    """The signed-in user for the authentication middleware: the user row cached beside the scope (one
    round trip for both), else ``load(user_id)`` (the database) and cached under the versions read before
    it, so that a change committed meanwhile (its version bumped again on commit) is not taken for
    current. The user carries its scope for the request. None when ``load`` finds no user."""
    versions, scope, user = _cache_read(user_id, account=True)
    if user is None:
        user = load(user_id)
        if user is None:
            return None
        if versions is not None:
            cache.set(_account_key(user_id), (versions, user), SCOPE_CACHE_SECONDS)
    _scope_attach(user, scope or _scope_compute_store(user, versions))
    return user


def forget_scope(user) -> None:
    """Forget this user's scope: on the object at hand and in the cache (their next request recomputes)."""
    if hasattr(user, "_zhifu_scope"):
        del user._zhifu_scope
    user_scopes_invalidate([user.pk])
