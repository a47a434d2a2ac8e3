"""Who a manager sees on the people pages: the rule table's ``view`` (``accounts.rules``) as a query."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Role, User
from .posts import KINDS, STREET_POST_ROLES
from .rules import may
from .scope import scope_for


def people_visible(user) -> QuerySet:
    """Everyone for a superuser; all but the superusers for the district administrator; whoever holds a
    post in their street for a street's director; nobody else."""
    people = User.objects.all()
    if user.is_superuser:
        return people
    scope = scope_for(user)
    if scope.role == Role.DISTRICT_ADMIN:
        return people.filter(is_superuser=False)
    if scope.role == Role.STREET_DIRECTOR:
        return people.filter(
            jurisdictionuserobjectpermission__content_object_id__in=sorted(scope.jurisdiction_ids),
            jurisdictionuserobjectpermission__permission__codename__in=[KINDS[r].codename for r in STREET_POST_ROLES],
        ).distinct()
    return people.none()


def person_get(user, pk: int) -> User:
    """The person, if ``user`` may see them (else User.DoesNotExist, a 404)."""
    person = User.objects.filter(pk=pk).first()
    if person is None or not may(user, "view", person):
        raise User.DoesNotExist
    return person
