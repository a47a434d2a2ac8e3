"""Write path for people and their posts: grants are django-guardian permissions on org objects.

``user_create`` and ``post_grant`` here set up accounts without a rule check (the demo seed, tests);
the people pages go through ``accounts.services.people`` (rule table, one-holder posts, audit)."""

from __future__ import annotations

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from zhifu_reopen.audit import audit_record

from ..models import Role, User
from ..scope import JURISDICTION_PERMS, forget_scope


@transaction.atomic
def user_create(
    *, username: str, password: str, role: str, full_name: str = "", email: str = "", actor=None,
    jurisdictions=(), departments=(), teams=(), agency: str = "",
) -> User:
    user = User(username=username, role=role, full_name=full_name, email=email, agency=agency)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    post_grant(user=user, jurisdictions=jurisdictions, departments=departments, teams=teams, actor=actor)
    return user


@transaction.atomic
def post_grant(*, user: User, jurisdictions=(), departments=(), teams=(), actor=None) -> None:
    """Bind a user to the org objects where their role acts."""
    perm = JURISDICTION_PERMS.get(user.role)
    for jurisdiction in jurisdictions:
        if perm is None:
            raise ValueError(f"role {user.role} acts in no jurisdiction")
        assign_perm(f"org.{perm}", user, jurisdiction)
    for department in departments:
        if user.role != Role.DEPARTMENT_REVIEWER:
            raise ValueError(f"role {user.role} reviews for no department")
        assign_perm("org.review_for_department", user, department)
    for team in teams:
        if user.role != Role.INSPECTOR:
            raise ValueError(f"role {user.role} is in no patrol team")
        assign_perm("org.inspect_with_team", user, team)
    forget_scope(user)
    granted = [str(o) for o in (*jurisdictions, *departments, *teams)]
    if granted:
        audit_record(actor=actor, action="post.grant", target=user, after={"objects": granted}, post="")


@transaction.atomic
def post_revoke(*, user: User, obj, actor=None) -> None:
    for codename in ["work_in_jurisdiction", "sign_as_secretary", "sign_as_director"]:
        if obj._meta.model_name == "jurisdiction":
            remove_perm(f"org.{codename}", user, obj)
    if obj._meta.model_name == "department":
        remove_perm("org.review_for_department", user, obj)
    if obj._meta.model_name == "patrolteam":
        remove_perm("org.inspect_with_team", user, obj)
    forget_scope(user)
    audit_record(actor=actor, action="post.revoke", target=user, before={"objects": [str(obj)]}, post="")
