"""Liaison pages: problems (the firm, its liaison, its street, its department, the task force; out of scope
404), the daily log and its completeness, assignments and handover, and the firm's own account."""

from __future__ import annotations

from tests.permissions.spec import STREET_DS, STREET_XY, Case, each

READERS_XY = {**each(("firm_xy", "liaison_xy", *STREET_XY, "dept_gxj", "taskforce"), 200),
              **each((*STREET_DS, "dept_swj"), 404)}
PROBLEM_ROLES = ("firm_xy", "liaison_xy", *STREET_XY, *STREET_DS, "dept_gxj", "dept_swj", "taskforce")
RAISERS_XY = {**each(("firm_xy", "liaison_xy", "staff_xy", "taskforce"), 200), "staff_ds": 404}
ASSIGNERS_XY = ("staff_xy", "director_xy", "taskforce")
ASSIGNERS_DS = ("staff_ds", "director_ds")


def build_liaisons(world):
    from django.core.files.base import ContentFile

    from liaisons.models import ProblemAttachment
    from liaisons.services.problems import problem_raise

    world.enterprise_xy.daily_log_added = True
    world.enterprise_xy.save()
    world.problem_xy = problem_raise(actor=world.users["liaison_xy"], enterprise=world.enterprise_xy,
                                     category="supplies", description="口罩只够两天")
    world.attachment_xy = ProblemAttachment.objects.create(
        problem=world.problem_xy, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="a.pdf"), name="a.pdf",
        content_type="application/pdf", size=15, uploaded_by=world.users["liaison_xy"])


ENTERPRISE = lambda w: [w.enterprise_xy.pk]  # noqa: E731
PROBLEM = lambda w: [w.problem_xy.pk]  # noqa: E731

CASES = [
    Case("liaisons:problems", allowed=each(PROBLEM_ROLES, 200)),
    Case("liaisons:problems", query="status=bogus", allowed=each(PROBLEM_ROLES, 400)),
    Case("liaisons:problems_export", allowed=each(PROBLEM_ROLES, 200)),
    Case("liaisons:problem_new", query="", allowed=each(("firm_xy", "liaison_xy", "staff_xy", "staff_ds",
                                                         "taskforce"), 404), note="no enterprise given"),
    Case("liaisons:problem_new", data=lambda w: {"enterprise": w.enterprise_xy.pk}, allowed=RAISERS_XY),
    Case("liaisons:problem_new", method="post", data=lambda w: {"enterprise": w.enterprise_xy.pk, "category": ""},
         allowed={**each(("firm_xy", "liaison_xy", "staff_xy", "taskforce"), 400), "staff_ds": 404}),
    Case("liaisons:problem", args=PROBLEM, allowed=READERS_XY),
    Case("liaisons:problem_act", method="post", args=PROBLEM, data=lambda w: {"action": "resolve", "note": ""},
         allowed={**each(("liaison_xy", "staff_xy", "taskforce"), 400),
                  **each(("firm_xy", "secretary_xy", "director_xy", "dept_gxj"), 403),
                  **each((*STREET_DS, "dept_swj"), 404)},
         note="the street's problem: its leaders and its department read it but do not work it"),
    Case("liaisons:problem_rate", method="post", args=PROBLEM, data=lambda w: {"rating": ""},
         allowed={"firm_xy": 400}),
    Case("liaisons:attachment", args=lambda w: [w.attachment_xy.pk], allowed=READERS_XY),
    Case("liaisons:daily", allowed={"firm_xy": 302, **each(
        ("liaison_xy", *STREET_XY, *STREET_DS, "dept_gxj", "dept_swj", "taskforce"), 200)}),
    Case("liaisons:daily", query="day=2020-13-45", allowed={"firm_xy": 302, **each(
        ("liaison_xy", *STREET_XY, *STREET_DS, "dept_gxj", "dept_swj", "taskforce"), 400)}),
    Case("liaisons:daily_enterprise", args=ENTERPRISE, allowed=READERS_XY),
    Case("liaisons:daily_enterprise", method="post", args=ENTERPRISE, data=lambda w: {"checked_count": ""},
         allowed={**each(("firm_xy", "liaison_xy", "staff_xy"), 400),
                  **each(("secretary_xy", "director_xy", "dept_gxj", "taskforce"), 403),
                  **each((*STREET_DS, "dept_swj"), 404)}),
    Case("liaisons:regime", method="post", args=ENTERPRISE, data=lambda w: {"change": "remove", "reason": ""},
         allowed={"staff_xy": 400, "taskforce": 400, "staff_ds": 404}),
    Case("liaisons:assign", method="post", args=ENTERPRISE, data=lambda w: {"liaison": ""},
         allowed={**each(ASSIGNERS_XY, 400), **each(ASSIGNERS_DS, 404)}),
    Case("liaisons:unassign", method="post", args=ENTERPRISE, data=lambda w: {"reason": ""},
         allowed={**each(ASSIGNERS_XY, 400), **each(ASSIGNERS_DS, 404)}),
    Case("liaisons:liaison", args=lambda w: [w.users["liaison_xy"].pk],
         allowed=each((*ASSIGNERS_XY, *ASSIGNERS_DS, "district_admin"), 200)),
    Case("liaisons:handover", method="post", args=lambda w: [w.users["liaison_xy"].pk],
         data=lambda w: {"successor": "", "reason": "调岗"}, allowed=each((*ASSIGNERS_XY, *ASSIGNERS_DS), 400)),
    Case("enterprises:account_open", method="post", args=ENTERPRISE, data=lambda w: {"full_name": "", "mobile": ""},
         allowed={"staff_xy": 400, "taskforce": 400, "staff_ds": 404}),
    Case("enterprises:account_link", method="post", args=ENTERPRISE, allowed={"staff_xy": 200, "taskforce": 200,
                                                                            "staff_ds": 404}),
    Case("enterprises:account_close", method="post", args=ENTERPRISE, data=lambda w: {"reason": ""},
         allowed={"staff_xy": 400, "taskforce": 400, "staff_ds": 404}),
]
