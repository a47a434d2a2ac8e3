"""Dashboards and daily reports: the task force (the district, any street), a street's officials and leaders
(their street; another's 404), a department's reviewers (their department; a street's 404); reports for the
task force and the streets."""

from __future__ import annotations

from tests.permissions.spec import STREET_DS, STREET_XY, Case, each

READERS = (*STREET_XY, *STREET_DS, "dept_gxj", "dept_swj", "taskforce")
REPORT_READERS = (*STREET_XY, *STREET_DS, "taskforce")


def build_dashboards(world):
    from dashboards.services.reports import daily_report_make

    world.report = daily_report_make()  # refreshes the summaries too


REPORT = lambda fmt: (lambda w: [w.report.pk, fmt])  # noqa: E731

CASES = [
    Case("dashboard", allowed=each(READERS, 200)),
    Case("dashboard", data=lambda w: {"street": w.xy.pk},
         allowed={**each((*STREET_XY, "taskforce"), 200), **each((*STREET_DS, "dept_gxj", "dept_swj"), 404)}),
    Case("dashboard", data=lambda w: {"department": w.enterprise_xy.department_id},
         allowed={"dept_gxj": 200, "taskforce": 200, **each((*STREET_XY, *STREET_DS, "dept_swj"), 404)}),
    Case("dashboard", query="street=abc", allowed=each(READERS, 400)),
    Case("dashboard_refresh", method="post", allowed=each(READERS, 302)),
    Case("dashboard_list", args=lambda w: ["not_reopened"], allowed=each(READERS, 200)),
    Case("dashboard_list", args=lambda w: ["not_reopened"], query="category=bogus", allowed=each(READERS, 400)),
    Case("dashboard_list", args=lambda w: ["no_such_list"], allowed=each(READERS, 400)),
    Case("dashboard_export", args=lambda w: ["overdue"], allowed=each(READERS, 200)),
    Case("reports", allowed=each(REPORT_READERS, 200)),
    Case("report_make", method="post", allowed={"taskforce": 302}),
    Case("report_file", args=REPORT("pdf"), allowed=each(REPORT_READERS, 200)),
    Case("report_file", args=REPORT("xlsx"), allowed=each(REPORT_READERS, 200)),
    Case("report_file", args=REPORT("doc"), allowed=each(REPORT_READERS, 404)),
]
