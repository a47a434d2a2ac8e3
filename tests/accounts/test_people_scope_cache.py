"""Cached scopes are dropped person by person: a login or a post changed drops only that person's; an
org object changed drops everyone's. A revoked post holds from the person's next request."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.posts import Post
from accounts.scope import scope_cached, scope_for
from accounts.services import people as svc
from tests.conftest import PASSWORD


def cached(user) -> bool:
    return scope_cached(user.pk) is not None


@pytest.fixture
def two_cached(client_for, personas, enterprise_xy, enterprise_ds):
    """staff_xy and staff_ds, each with a page seen (their scopes cached)."""
    a, b = personas["staff_xy"], personas["staff_ds"]
    client_a, client_b = client_for("staff_xy"), client_for("staff_ds")
    assert client_a.get(enterprise_xy.get_absolute_url()).status_code == 200
    assert client_b.get(enterprise_ds.get_absolute_url()).status_code == 200
    assert cached(a) and cached(b)
    return a, b, client_a, client_b


def test_a_login_drops_no_cached_scope(two_cached, client):
    a, b, _client_a, _client_b = two_cached
    response = client.post(reverse("login"), {"username": a.username, "password": PASSWORD})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.last_login is not None
    assert cached(b), "a login of A dropped B's cached scope"
    assert cached(a)  # A's own grants did not change either


def test_a_revoked_post_holds_from_the_next_request_and_drops_only_that_scope(two_cached, personas, xy, enterprise_xy):
    a, b, client_a, _client_b = two_cached
    svc.post_end(actor=personas["district_admin"], person=a, post=Post(Role.STREET_STAFF, xy), reason="调离")
    assert not cached(a) and cached(b)
    # The next request: the revoked post ended the session (issue 13), and signed in again the person has
    # no post and no role.
    response = client_a.get(enterprise_xy.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client_a.force_login(a)
    assert client_a.get(enterprise_xy.get_absolute_url()).status_code == 403


def test_an_appointment_holds_from_the_next_request(two_cached, personas, enterprise_xy):
    a, b, _client_a, client_b = two_cached
    assert client_b.get(enterprise_xy.get_absolute_url()).status_code == 404
    svc.post_appoint(actor=personas["district_admin"], person=b, post=Post(Role.STREET_STAFF, enterprise_xy.jurisdiction),
                     reason="增援向阳")
    assert cached(a) and not cached(b)
    assert client_b.get(enterprise_xy.get_absolute_url()).status_code == 200


def test_a_street_renamed_drops_every_scope(two_cached, xy):
    a, b, _client_a, _client_b = two_cached
    xy.name = "向阳街道（新）"
    xy.save()
    assert not cached(a) and not cached(b)
    a.refresh_from_db()
    assert "向阳街道（新）" in scope_for(a).post_label


def test_a_group_grant_drops_its_members_scopes_only(two_cached, ds, enterprise_ds):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    a, b, client_a, _client_b = two_cached
    group = Group.objects.create(name="东山帮办")
    a.groups.add(group)
    assert not cached(a) and cached(b)
    assert client_a.get(enterprise_ds.get_absolute_url()).status_code == 404
    assign_perm("org.work_in_jurisdiction", group, ds)
    assert not cached(a) and cached(b)
    assert client_a.get(enterprise_ds.get_absolute_url()).status_code == 200
