"""The placard's rule table (placards.rules) walked against the services: for every status a placard can
be in, every action of the table and every persona (signed out included), the service succeeds exactly
when the table says so, a refusal carries the table's reason, code and list, and a success leaves the
placard in the status the table names. Then the placard page: it offers exactly the buttons the table
allows on a page.

As in tests/approvals/test_rules.py, "the table says" is read from the rows and from each persona's scopes
on the sample placard (a 向阳街道 enterprise) written out here.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from approvals.models import Application
from placards import rules, selectors
from placards.models import Placard
from placards.services import (
    batch_print_request,
    placard_issue,
    placard_reinstate,
    placard_render_request,
    placard_revoke,
    placard_revoke_for_application,
    placard_suspend,
)
from zhifu_reopen.errors import DomainError
from zhifu_reopen.rules import ANY, SUPERUSER

from .helpers import approve

pytestmark = pytest.mark.django_db

T = rules.TABLE
P = Placard.Status

ROLES = {
    "staff_xy": Role.STREET_STAFF, "staff_ds": Role.STREET_STAFF, "secretary_xy": Role.STREET_SECRETARY,
    "director_xy": Role.STREET_DIRECTOR, "secretary_ds": Role.STREET_SECRETARY, "dept_gxj": Role.DEPARTMENT_REVIEWER,
    "taskforce": Role.TASK_FORCE, "inspector_xy": Role.INSPECTOR, "inspector_d1": Role.INSPECTOR,
    "inspector_ds": Role.INSPECTOR, "liaison_xy": Role.LIAISON, "admin": SUPERUSER, "anonymous": "",
}
# Every actor stands on an approvals decision's authority ("decision") when that decision issues or
# revokes; the rest is what each persona is to a placard of a 向阳街道 enterprise.
SCOPES = {
    "staff_xy": {"jurisdiction"}, "staff_ds": set(), "secretary_xy": {"jurisdiction"},
    "director_xy": {"jurisdiction"}, "secretary_ds": set(), "dept_gxj": set(), "taskforce": {"district"},
    "inspector_xy": {"jurisdiction"}, "inspector_d1": {"district"}, "inspector_ds": set(), "liaison_xy": set(),
    "admin": {"district"}, "anonymous": set(),
}


@pytest.fixture
def walkers(personas):
    people = {name: personas[name] for name in ROLES if name not in ("admin", "anonymous")}
    people["admin"] = User.objects.create_superuser("admin_walk", "a@example.com", "pw-zhifu-123")
    people["anonymous"] = None
    return people


# --- states -------------------------------------------------------------------------------------------

def _application(enterprise, actor, status):
    return Application.objects.create(
        enterprise=enterprise, status=status, chain=Application.Chain.DUAL_SIGNATURE, requested_reopen_on=date(2020, 2, 15),
        returning_headcount=12, filed_by=actor, approved_at=timezone.now() if status == "approved" else None,
    )


def _valid(w, enterprise):
    return approve(enterprise, w["secretary_xy"])


def _then(service):
    def build(w, enterprise):
        placard = _valid(w, enterprise)
        if service is placard_revoke:
            placard = placard_suspend(placard=placard, actor=w["taskforce"], reason="停工整改")
        return service(placard=placard, actor=w["taskforce"], reason="巡查发现问题")
    return build


# name → (builder returning a Placard, or an Application still without one; the status the table sees)
STATES = {
    "new": (lambda w, f: _application(f, w["secretary_xy"], "approved"), rules.NEW),
    "new_not_approved": (lambda w, f: _application(f, w["secretary_xy"], "in_review"), rules.NEW),
    "valid": (_valid, P.VALID),
    "suspended": (_then(placard_suspend), P.SUSPENDED),
    "revoked": (_then(placard_revoke), P.REVOKED),
}

REASON = "巡查发现未落实测温登记"
SERVICES = {
    "view": lambda u, p: selectors.placard_get(u, p.pk),
    "issue": lambda u, p: placard_issue(application=p.application, actor=u),
    "render": lambda u, p: placard_render_request(placard=p, actor=u),
    "print": lambda u, p: batch_print_request(actor=u, placard_ids=[p.pk]),
    "suspend": lambda u, p: placard_suspend(placard=p, actor=u, reason=REASON),
    "revoke": lambda u, p: placard_revoke(placard=p, actor=u, reason=REASON),
    "reinstate": lambda u, p: placard_reinstate(placard=p, actor=u, reason=REASON),
    "revoke_lapsed": lambda u, p: placard_revoke_for_application(application=p.application, actor=u, reason=REASON),
}


def table_says(action: str, placard: Placard, persona: str, user):
    rows = T.rules_for(action)
    first = rows[0]
    if first.refuse_anonymous and user is None:
        return None
    superuser = bool(user and user.is_superuser)
    scopes = SCOPES[persona] | {"decision"}
    if not any((g.role is ANY or g.role == ROLES[persona] or (g.role == SUPERUSER and superuser)) and g.scope in scopes
               for g in first.who):
        return None
    state = rules.state_of(placard)
    for row in rows:
        if any(p is ANY or p == state for p in row.states):
            refused = [g for g in row.guards if T.guards[g](T, user, placard, row, {}) is not None]
            return None if refused else row
    return None


class _Undo(Exception):
    pass


def attempt(call, user, placard):
    try:
        with transaction.atomic():
            call(user, placard)
            after = Placard.objects.filter(application_id=placard.application_id).values_list("status", flat=True).get()
            raise _Undo(after)
    except _Undo as undo:
        return True, undo.args[0]
    except DomainError as error:
        return False, error
    except Placard.DoesNotExist:
        return False, None


def walk(placard: Placard, people) -> list[str]:
    problems = []
    actions = ["issue"] if placard.pk is None else list(SERVICES)
    for action in actions:
        for persona, user in people.items():
            row = table_says(action, placard, persona, user)
            verdict = rules.may(user, action, placard)
            where = f"{action} as {persona} at {rules.state_of(placard)}"
            if verdict.allowed != (row is not None):
                problems.append(f"{where}: the rows say {row is not None}, may() says {verdict.allowed} "
                                f"({verdict.reason})")
            ok, outcome = attempt(SERVICES[action], user, placard)
            if ok != (row is not None):
                problems.append(f"{where}: service {'succeeded' if ok else 'refused'} "
                                f"({getattr(outcome, 'message', outcome)}), the table says {row is not None}")
            elif ok and outcome != (row.to or placard.status):
                problems.append(f"{where}: left it {outcome}, the table says {row.to or placard.status}")
            elif not ok and isinstance(outcome, DomainError):
                said = (outcome.message, outcome.code, tuple(outcome.messages))
                if said != (verdict.reason, verdict.code, verdict.messages):
                    problems.append(f"{where}: refused with {said}, the table's reason is "
                                    f"{(verdict.reason, verdict.code, verdict.messages)}")
    return problems


def in_savepoint(build):
    class _Done(Exception):
        pass

    result = []
    try:
        with transaction.atomic():
            result.append(build())
            raise _Done
    except _Done:
        return result[0]


def as_placard(obj) -> Placard:
    if isinstance(obj, Placard):
        return Placard.objects.select_related("enterprise", "application").get(pk=obj.pk)
    return Placard(application=obj, enterprise_id=obj.enterprise_id)  # not issued yet


def test_the_services_do_what_the_table_says(walkers, enterprise_xy):
    problems = []
    for name, (build, status) in STATES.items():
        def look(name=name, build=build, status=status):
            placard = as_placard(build(walkers, enterprise_xy))
            assert rules.state_of(placard) == status, name
            return walk(placard, walkers)

        problems += [f"[{name}] {p}" for p in in_savepoint(look)]
    assert not problems, f"{len(problems)} mismatches:\n" + "\n".join(problems[:60])


def test_the_walk_covers_every_action_and_status():
    assert set(T.actions) == set(SERVICES)
    statuses = {status for _build, status in STATES.values()}
    for rule in T.rules:
        assert all(s is ANY or s in statuses for s in rule.states), rule.action


def test_inspectors_act_through_a_finding_not_on_the_page(walkers, enterprise_xy):
    placard = approve(enterprise_xy, walkers["secretary_xy"])
    inspector = walkers["inspector_xy"]
    assert rules.may(inspector, "suspend", placard)
    assert not rules.may(inspector, "suspend", placard, on_page=True)
    assert Role.INSPECTOR not in rules.STATUS_ROLES and rules.STATUS_ROLES == (Role.TASK_FORCE,)


PAGE_VIEWERS = ("staff_xy", "secretary_xy", "director_xy", "taskforce", "admin")


def test_the_page_shows_exactly_the_buttons_the_table_allows(walkers, enterprise_xy, client):
    problems = []

    def check(name, build):
        placard = as_placard(build(walkers, enterprise_xy))
        found = []
        for persona in PAGE_VIEWERS:
            user = walkers[persona]
            client.force_login(user)
            response = client.get(reverse("placards:detail", args=[placard.pk]))
            assert response.status_code == 200, persona
            html = response.text
            shown = {
                "render": reverse("placards:reprint", args=[placard.pk]) in html,
                "suspend": 'id="btn-suspend"' in html, "reinstate": 'id="btn-reinstate"' in html,
                "revoke": 'id="btn-revoke"' in html,
            }
            allowed = {a: T.may(user, a, placard, on_page=True).allowed for a in shown}
            if shown != allowed:
                found.append(f"{name} as {persona}: the page shows {shown}, the table allows {allowed}")
            if ('id="status-actions"' in html) != any(allowed[a] for a in rules.STATUS_ACTIONS):
                found.append(f"{name} as {persona}: the status section without an allowed action")
        return found

    for name in ("valid", "suspended", "revoked"):
        problems += in_savepoint(lambda name=name: check(name, STATES[name][0]))
    assert not problems, "\n".join(problems)
