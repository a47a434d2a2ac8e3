"""The application's rule table (approvals.rules) walked against the services: for every state an
application can be in, every action of the table and every persona, the service succeeds exactly when the
table says so, a refusal carries the table's reason and code, and a success leaves the application in the
state the table names. Then the application page: it offers exactly the actions the table allows.

What "the table says" is read here from the table's rows themselves — the state patterns and the grants —
with each persona's scopes on the sample application written out below (not computed by the table's
scope functions), so a scope function that drifts from what the people are shows as a mismatch.
Each state is built once through the real services; every attempt runs in a savepoint rolled back after.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.models import Role, User
from accounts.services import user_create
from approvals import rules, selectors
from approvals.models import Application, Step
from approvals.services import applications as filing
from approvals.services.chain import department_decide, task_force_decide
from approvals.services.deadlines import application_remind
from approvals.services.review import leader_meeting_record, material_verdicts_set, street_decide
from approvals.services.signatures import signature_add, signature_return
from tests.approvals import helpers as h
from tests.factories import EnterpriseFactory
from zhifu_reopen.errors import Conflict, DomainError
from zhifu_reopen.rules import ANY, SUPERUSER

pytestmark = pytest.mark.django_db

S = Application.Status
T = rules.TABLE

# The walk's people and what each is to an application of a 向阳街道 enterprise under 工信局, filed by staff_xy.
ROLES = {
    "staff_xy": Role.STREET_STAFF, "staff_xy2": Role.STREET_STAFF, "staff_ds": Role.STREET_STAFF,
    "secretary_xy": Role.STREET_SECRETARY, "director_xy": Role.STREET_DIRECTOR, "both_xy": Role.STREET_SECRETARY,
    "secretary_ds": Role.STREET_SECRETARY, "dept_gxj": Role.DEPARTMENT_REVIEWER, "dept_swj": Role.DEPARTMENT_REVIEWER,
    "taskforce": Role.TASK_FORCE, "liaison_xy": Role.LIAISON, "admin": SUPERUSER,
}
SCOPES = {
    "staff_xy": {"jurisdiction"},  # the filer: never the street step's other official
    "staff_xy2": {"jurisdiction", "other_official"},
    "staff_ds": set(),
    "secretary_xy": {"jurisdiction", "secretary_post"},
    "director_xy": {"jurisdiction", "director_post"},
    "both_xy": {"jurisdiction", "secretary_post", "director_post"},  # holds both posts: signs only one
    "secretary_ds": set(),
    "dept_gxj": {"department"},
    "dept_swj": set(),
    "taskforce": {"district"},
    "liaison_xy": set(),  # no business with applications (inspectors neither)
    "admin": {"district"},
}


@pytest.fixture
def walkers(personas, xy):
    people = {name: personas[name] for name in ROLES if name in (
        "staff_xy", "staff_ds", "secretary_xy", "director_xy", "secretary_ds", "dept_gxj", "dept_swj", "taskforce",
        "liaison_xy")}
    people["staff_xy2"] = h.colleague(people["staff_xy"])
    both = user_create(username="both_xy", password="x" * 12, role=Role.STREET_SECRETARY, jurisdictions=[xy])
    assign_perm("org.sign_as_director", both, xy)
    people["both_xy"] = both
    people["admin"] = User.objects.create_superuser("admin_walk", "a@example.com", "pw-zhifu-123")
    return people


# --- the states, built through the services ------------------------------------------------------------

def _submitted(w, enterprise):
    app = h.submitted(w["staff_xy"], enterprise)
    h.accept_all(w["staff_xy2"], app)
    h.meet(w["staff_xy"], app)
    return app


def _street_approved(w, enterprise):
    return street_decide(user=w["staff_xy2"], application=_submitted(w, enterprise), outcome="approve", opinion="同意")


def _signed(*by):
    def build(w, enterprise):
        app = _street_approved(w, enterprise)
        for name, post in by:
            app = signature_add(user=w[name], application=app, post=post, opinion="同意")
        return app
    return build


def _at_task_force(w, enterprise):
    return department_decide(user=w["dept_gxj"], application=_street_approved(w, enterprise), outcome="approve",
                             opinion="同意")


def _approved(w, enterprise):
    if enterprise.scale == "large":
        return task_force_decide(user=w["taskforce"], application=_at_task_force(w, enterprise), outcome="approve",
                                 opinion="同意")
    return _signed(("secretary_xy", "secretary"), ("director_xy", "director"))(w, enterprise)


def _street(outcome):
    def build(w, enterprise):
        return street_decide(user=w["staff_xy2"], application=_submitted(w, enterprise), outcome=outcome, opinion="意见")
    return build


def _withdrawn(w, enterprise):
    return filing.application_withdraw(user=w["staff_xy"], application=h.draft(w["staff_xy"], enterprise), reason="暂不复工")


DUAL, THREE = Application.Chain.DUAL_SIGNATURE, Application.Chain.THREE_PARTY
# name → (enterprise scale, builder, the state key the table sees). Every (status, step) an application
# reaches, in the chain that reaches it; where no row of the table tells the chains apart (draft, returned,
# rejected, withdrawn: ``chain=ANY``) one chain is walked — test_the_walk_covers… checks that.
STATES = {
    "draft": ("small", lambda w, f: h.draft(w["staff_xy"], f), (S.DRAFT, "", DUAL)),
    "submitted": ("small", _submitted, (S.SUBMITTED, Step.STREET, DUAL)),
    "signature": ("small", _street_approved, (S.IN_REVIEW, Step.SIGNATURE, DUAL)),
    "signature_secretary_signed": ("small", _signed(("secretary_xy", "secretary")),
                                   (S.IN_REVIEW, Step.SIGNATURE, DUAL)),
    "signature_director_signed": ("small", _signed(("director_xy", "director")), (S.IN_REVIEW, Step.SIGNATURE, DUAL)),
    "signature_both_signed_secretary": ("small", _signed(("both_xy", "secretary")),
                                        (S.IN_REVIEW, Step.SIGNATURE, DUAL)),
    "approved": ("small", _approved, (S.APPROVED, "", DUAL)),
    "returned": ("small", _street("return"), (S.RETURNED, "", DUAL)),
    "rejected": ("small", _street("reject"), (S.REJECTED, "", DUAL)),
    "withdrawn": ("small", _withdrawn, (S.WITHDRAWN, "", DUAL)),
    "large_submitted": ("large", _submitted, (S.SUBMITTED, Step.STREET, THREE)),
    "large_department": ("large", _street_approved, (S.IN_REVIEW, Step.DEPARTMENT, THREE)),
    "large_task_force": ("large", _at_task_force, (S.IN_REVIEW, Step.TASK_FORCE, THREE)),
    "large_approved": ("large", _approved, (S.APPROVED, "", THREE)),
}


def enterprise_for(scale, xy, gxj):
    if scale == "large":
        return EnterpriseFactory(jurisdiction=xy, department=gxj, scale="large", employee_count=500)
    return EnterpriseFactory(jurisdiction=xy, department=gxj, scale="small")


# --- the services, one call per action ----------------------------------------------------------------

def _data(app, **extra):
    return h.app_data(requested_reopen_on=app.requested_reopen_on, returning_headcount=app.returning_headcount,
                      **extra)


EDIT = "已通过后变更"
_ROSTER: list[bytes] = []


def _roster():
    """A one-row roster workbook (drawn once: openpyxl is slow next to a refused call)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if not _ROSTER:
        _ROSTER.append(h.xlsx([["李雷", h.employee_data(41)["id_number"], "13905350041", "芝罘区", "无", "健康"]])
                       .read())
    return SimpleUploadedFile("花名册.xlsx", _ROSTER[0])
SERVICES = {
    "view": [("application_get", lambda u, a: selectors.application_get(u, a.pk))],
    "edit": [
        ("application_update", lambda u, a: filing.application_update(
            user=u, application=a, data=_data(a, masks_qty=a.masks_qty + 1), reason=EDIT)),
        ("material_upload", lambda u, a: filing.material_upload(user=u, application=a, kind="plan",
                                                                upload=h.pdf(), reason=EDIT)),
        ("employee_add", lambda u, a: filing.employee_add(user=u, application=a, data=h.employee_data(40),
                                                          reason=EDIT)),
        ("employee_remove", lambda u, a: filing.employee_remove(
            user=u, application=a, employee_id=a.employees.values_list("pk", flat=True).first(), reason=EDIT)),
        ("roster_import", lambda u, a: filing.roster_import(user=u, application=a, reason=EDIT, upload=_roster())),
    ],
    "submit": [("application_submit", lambda u, a: filing.application_submit(user=u, application=a))],
    "withdraw": [("application_withdraw", lambda u, a: filing.application_withdraw(user=u, application=a,
                                                                                    reason="企业暂不复工"))],
    "meeting": [("leader_meeting_record", lambda u, a: leader_meeting_record(
        user=u, application=a, principal="王伟", met_at=timezone.now() - timedelta(hours=2), outcome="已落实"))],
    "verdicts": [("material_verdicts_set", lambda u, a: material_verdicts_set(
        user=u, application=a, verdicts={m.pk: ("accepted", "") for m in a.materials.filter(is_current=True)}))],
    "remind": [("application_remind", lambda u, a: application_remind(user=u, application=a, note="请加快"))],
}
STEP_SERVICES = {Step.STREET: street_decide, Step.DEPARTMENT: department_decide, Step.TASK_FORCE: task_force_decide}
for _step, _service in STEP_SERVICES.items():
    for _outcome in rules.OUTCOMES:
        SERVICES[f"{_step}_{_outcome}"] = [(_service.__name__, lambda u, a, s=_service, o=_outcome: s(
            user=u, application=a, outcome=o, opinion="办理意见", seen_iteration=a.iteration))]
for _post in rules.SIGN_POSTS:
    SERVICES[f"{_post}_sign"] = [("signature_add", lambda u, a, p=_post: signature_add(
        user=u, application=a, post=p, opinion="同意", seen_iteration=a.iteration))]
    SERVICES[f"{_post}_return"] = [("signature_return", lambda u, a, p=_post: signature_return(
        user=u, application=a, post=p, opinion="退回", seen_iteration=a.iteration))]
# Taken only as the follow-up of another row (``then``) or before the application exists: walked there.
FOLLOW_UPS = {"reopen"}
CREATE = {"create"}


def _matches(pattern, state) -> bool:
    return all(p is ANY or p == s for p, s in zip(pattern, state, strict=True))


def table_says(action: str, app: Application, persona: str, user):
    """The row that allows ``persona`` to take ``action`` on ``app`` by the table's rows and the persona's
    scopes written out above — or None."""
    rows = T.rules_for(action)
    first = rows[0]
    if first.refuse_superuser and user.is_superuser:
        return None
    role = ROLES[persona]
    if not any((g.role is ANY or g.role == role or (g.role == SUPERUSER and user.is_superuser))
               and g.scope in SCOPES[persona] for g in first.who):
        return None
    state = rules.state_of(app)
    for row in rows:
        if any(_matches(p, state) for p in row.states) and (
            not row.when or T.conditions[row.when](T, app, row, {})
        ):
            refused = [g for g in row.guards if T.guards[g](T, user, app, row, {}) is not None]
            return None if refused else row
    return None


def target_of(row, app) -> tuple[str, str]:
    if row.then:
        row = next(r for r in T.rules_for(row.then) if any(_matches(p, rules.state_of(app)) for p in r.states))
    return tuple(row.to) if row.to is not None else (app.status, app.current_step)


class _Undo(Exception):
    pass


def attempt(call, user, app, *, expect_refusal: bool = False):
    """Run the service and undo it: (True, state after) or (False, the refusal). A call the table
    refuses runs without a savepoint of its own (the service's atomic block undoes a refusal; one that
    wrongly succeeds is a mismatch, and its writes stay only until the state's savepoint is undone)."""
    try:
        if expect_refusal:
            call(user, app)
            return True, Application.objects.filter(pk=app.pk).values_list("status", "current_step").get()
        with transaction.atomic():
            call(user, app)
            after = Application.objects.filter(pk=app.pk).values_list("status", "current_step").get()
            raise _Undo(after)
    except _Undo as undo:
        return True, undo.args[0]
    except DomainError as error:
        return False, error
    except Application.DoesNotExist:
        return False, None


def walk(app, people, actions) -> list[str]:
    app = Application.objects.select_related("enterprise", "jurisdiction", "department").get(pk=app.pk)
    problems = []
    for action in actions:
        for persona, user in people.items():
            row = table_says(action, app, persona, user)
            verdict = rules.may(user, action, app)
            if verdict.allowed != (row is not None):
                problems.append(f"{action} as {persona}: the table's rows say {row is not None}, may() says "
                                f"{verdict.allowed} ({verdict.reason})")
            for name, call in SERVICES[action]:
                ok, outcome = attempt(call, user, app, expect_refusal=row is None)
                where = f"{action} ({name}) as {persona} at {rules.state_of(app)}"
                if ok != (row is not None):
                    problems.append(f"{where}: service {'succeeded' if ok else 'refused'} "
                                    f"({getattr(outcome, 'message', outcome)}), the table says {row is not None}")
                elif ok and outcome != target_of(row, app):
                    problems.append(f"{where}: left it at {outcome}, the table says {target_of(row, app)}")
                elif not ok and isinstance(outcome, DomainError):
                    said = (outcome.message, outcome.code, isinstance(outcome, Conflict))
                    if said != (verdict.reason, verdict.code, verdict.conflict):
                        problems.append(f"{where}: refused with {said}, the table's reason is "
                                        f"{(verdict.reason, verdict.code, verdict.conflict)}")
    return problems


def in_savepoint(build):
    """Build a state, look at it, undo it: each state of the walk starts from a clean database."""
    class _Done(Exception):
        pass

    result = []
    try:
        with transaction.atomic():
            result.append(build())
            raise _Done
    except _Done:
        return result[0]


@pytest.mark.parametrize("scale", ["small", "large"])
def test_the_services_do_what_the_table_says(scale, walkers, xy, gxj):
    """Every state of one chain (small enterprises: dual signature; large: three-party), every action, every
    persona; the mismatches listed together, by state."""
    problems = []
    for name, (state_scale, build, key) in STATES.items():
        if state_scale != scale:
            continue

        def look(name=name, build=build, key=key):
            app = build(walkers, enterprise_for(scale, xy, gxj))
            assert rules.state_of(app) == key, name
            return walk(app, walkers, list(SERVICES))

        problems += [f"[{name}] {p}" for p in in_savepoint(look)]
    assert not problems, f"{len(problems)} mismatches:\n" + "\n".join(problems[:60])


def test_create_does_what_the_table_says(walkers, xy, gxj):
    problems = []
    for scale in ("small", "large"):
        enterprise = enterprise_for(scale, xy, gxj)
        new = Application(enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id, department_id=enterprise.department_id,
                          chain=THREE if scale == "large" else DUAL)
        for persona, user in walkers.items():
            row = table_says("create", new, persona, user)
            verdict = rules.may(user, "create", new)
            try:
                with transaction.atomic():
                    created = filing.application_create(user=user, enterprise=enterprise, data=h.app_data())
                    outcome = (True, (created.status, created.current_step))
                    transaction.set_rollback(True)
            except DomainError as error:
                outcome = (False, (error.message, error.code))
            expected = (True, tuple(row.to)) if row else (False, (verdict.reason, verdict.code))
            if verdict.allowed != (row is not None) or outcome != expected:
                problems.append(f"create ({scale}) as {persona}: service {outcome}, table {expected}, "
                                f"may {verdict.allowed}")
    assert not problems, "\n".join(problems)


def test_the_walk_covers_every_action_and_every_row_of_the_table():
    assert set(T.actions) == set(SERVICES) | FOLLOW_UPS | CREATE
    keys = [key for _scale, _build, key in STATES.values()]
    for rule in T.rules:
        if rule.action in CREATE:
            continue
        assert any(_matches(p, k) for p in rule.states for k in keys), f"no walked state for {rule.action} {rule.states}"
    for rule in T.rules:
        if rule.then:
            assert rule.then in FOLLOW_UPS


@pytest.mark.parametrize("sole_may_review", [True, False])
def test_the_street_step_of_a_street_with_one_official(settings, sole_may_review, personas, ds, swj):
    """The filer of a street with a single official takes its street step only with the setting, and the
    verdict carries the note the timeline shows."""
    settings.APPROVALS_SOLE_OFFICIAL_MAY_REVIEW = sole_may_review
    filer = personas["staff_ds"]
    app = h.submitted(filer, EnterpriseFactory(jurisdiction=ds, department=swj, scale="small"))
    h.meet(filer, app)
    actions = ["verdicts", *(f"street_{o}" for o in rules.OUTCOMES)]
    for action in actions:
        verdict = rules.may(filer, action, app)
        assert verdict.allowed is sole_may_review
        assert (verdict.note == str(rules.SOLE_OFFICIAL_NOTE)) is sole_may_review
        if not sole_may_review:
            assert verdict.check == "other_official" and "其他工作人员" in verdict.reason
    h.accept_all(filer, app) if sole_may_review else None
    for action in actions[1:]:
        ok, outcome = attempt(SERVICES[action][0][1], filer, app)
        assert ok is sole_may_review, outcome
        if not ok:
            assert outcome.message == rules.may(filer, action, app).reason


def test_a_stale_round_is_refused_as_the_table_says(walkers, xy, gxj):
    app = _street_approved(walkers, enterprise_for("large", xy, gxj))
    verdict = rules.may(walkers["dept_gxj"], "department_approve", app, seen_iteration=0)
    assert not verdict and verdict.conflict and verdict.code == "stale"
    with pytest.raises(Conflict) as info:
        department_decide(user=walkers["dept_gxj"], application=app, outcome="approve", opinion="同意",
                          seen_iteration=0)
    assert info.value.message == verdict.reason


# --- the page offers exactly what the table allows -----------------------------------------------------

PAGE_STATES = ["draft", "submitted", "signature", "signature_secretary_signed", "signature_both_signed_secretary",
               "approved", "returned", "rejected", "large_department", "large_task_force"]
VIEWERS = ("staff_xy", "staff_xy2", "secretary_xy", "director_xy", "both_xy", "dept_gxj", "taskforce", "admin")


def shown_on_page(html: str, app: Application) -> dict[str, bool]:
    """What the page offers, read from its forms."""
    import re

    sign_form = re.search(r'<section class="card action" id="sign">.*?</section>', html, re.S)
    sign = sign_form.group(0) if sign_form else ""
    shown = {
        "edit": 'id="upload-form"' in html and reverse("approvals:edit", args=[app.pk]) in html,
        "submit": 'id="submit-btn"' in html,
        "withdraw": reverse("approvals:withdraw", args=[app.pk]) in html,
        "meeting": 'id="meeting-form"' in html,
        "verdicts": 'id="verdicts-form"' in html,
        "remind": reverse("approvals:remind", args=[app.pk]) in html,
        "decide": 'id="decide-btn"' in html,
    }
    for post in rules.SIGN_POSTS:
        offered = f'<option value="{post}"' in sign
        shown[f"{post}_sign"] = offered and 'name="action" value="sign"' in sign
        shown[f"{post}_return"] = offered and 'name="action" value="return"' in sign
    return shown


def test_the_page_shows_exactly_the_actions_the_table_allows(walkers, xy, gxj, client):
    """A sample of states, every persona who may open the page: the forms on it against the table."""
    problems = []
    for state in PAGE_STATES:
        problems += in_savepoint(lambda state=state: page_check(state, walkers, xy, gxj, client))
    assert not problems, "\n".join(problems)


def page_check(state, walkers, xy, gxj, client) -> list[str]:
    scale, build, _key = STATES[state]
    app = build(walkers, enterprise_for(scale, xy, gxj))
    app = Application.objects.select_related("enterprise", "jurisdiction", "department").get(pk=app.pk)
    problems = []
    for persona in VIEWERS:
        user = walkers[persona]
        client.force_login(user)
        response = client.get(reverse("approvals:detail", args=[app.pk]))
        assert response.status_code == 200, persona
        shown = shown_on_page(response.text, app)
        allowed = {a: rules.TABLE.may(user, a, app, on_page=True).allowed for a in T.actions}
        step = app.current_step
        outcomes = [allowed[f"{step}_{o}"] for o in rules.OUTCOMES] if step in rules.STEPS else [False]
        expected = {a: allowed[a] for a in ("edit", "submit", "withdraw", "meeting", "verdicts", "remind")}
        # The decision form offers approve, return and reject together: shown when the table allows all three.
        expected["decide"] = all(outcomes)
        assert any(outcomes) == all(outcomes), f"{persona}: the step's outcomes differ {outcomes}"
        for post in rules.SIGN_POSTS:
            offered = allowed[f"{post}_sign"] or allowed[f"{post}_return"]
            # The sign form offers each of the user's posts with the acts allowed on one of them.
            mine = [p for p in rules.SIGN_POSTS if allowed[f"{p}_sign"] or allowed[f"{p}_return"]]
            for act in ("sign", "return"):
                expected[f"{post}_{act}"] = offered and any(allowed[f"{p}_{act}"] for p in mine)
        for action, value in expected.items():
            if shown[action] != value:
                problems.append(f"{state} as {persona}: {action} shown={shown[action]}, the table allows {value}")
    return problems


def test_the_table_answers_in_the_users_language(walkers, xy, gxj):
    from django.utils import translation

    app = h.draft(walkers["staff_xy"], enterprise_for("small", xy, gxj))
    with translation.override("en"):
        verdict = rules.may(walkers["dept_gxj"], "submit", app)
    assert not verdict and verdict.code == "forbidden" and verdict.check == "who"
    assert verdict.reason == "Only the enterprise itself or an official of its street or park may file a reopening application."
