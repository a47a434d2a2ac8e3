"""Issue 13 §3: the Content-Security-Policy blocks nothing the product itself does. Headless Chromium walks
the main pages of several roles — login, the enterprise list and page, the 待办 queue, an application,
the placard list and page, the dashboard with its ECharts charts (a tooltip hovered), the patrol record
page, the people pages, the public verify page, a form answered 400, and the Django admin — and the test
fails on any ``securitypolicyviolation`` event or CSP console error."""

from __future__ import annotations

import pytest

from approvals.services.signatures import signature_add
from dashboards.services.reports import daily_report_make
from placards.models import Placard
from tests.approvals.helpers import street_approved
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs (Playwright injects it outside the page's policy); every
# violation of the page is kept on window.__csp for the test to read before it leaves the page.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " +
                    (e.sourceFile || location.pathname) + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""


class Walker:
    def __init__(self, new_page, login, user=None, viewport=(1280, 900)):
        self.page = new_page(viewport=viewport)
        self.page.context.add_init_script(LISTEN)
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}")
                     if m.type == "error" or "Content Security Policy" in m.text else None)
        self.seen: list[str] = []
        self.violations: list[str] = []
        if user is not None:
            login(self.page, user)
            self.collect()

    def collect(self):
        self.page.wait_for_load_state("load")
        found = self.page.evaluate("() => window.__csp || []")
        self.violations += [f"{self.page.url}: {v}" for v in found]

    def visit(self, url: str, wait_for: str | None = None, status: int = 200):
        response = self.page.goto(url)
        assert response.status == status, (url, response.status)
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
        if wait_for:
            self.page.wait_for_selector(wait_for)
        self.seen.append(url)
        self.collect()

    def problems(self) -> list[str]:
        return self.violations + [c for c in self.console if "Content Security Policy" in c or "Refused to" in c]


def test_the_main_pages_of_each_role_break_no_policy(new_page, login, personas, enterprise_xy, xy, live_server,
                                                     settings):
    settings.PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    staff = personas["staff_xy"]
    for i, status in enumerate(("reopened", "not_reopened")):
        EnterpriseFactory(jurisdiction=xy, operating_status=status, name=f"烟台策略测试第{i}有限公司")
    application = street_approved(staff, enterprise_xy)
    signature_add(user=personas["secretary_xy"], application=application, post="secretary", opinion="同意")
    signature_add(user=personas["director_xy"], application=application, post="director", opinion="同意")
    placard = Placard.objects.get(application=application)
    daily_report_make()
    walkers = []

    anonymous = Walker(new_page, login)
    walkers.append(anonymous)
    anonymous.visit(f"{base}/accounts/login/", "input[name=username]")
    anonymous.visit(f"{base}/v/{placard.token}/", ".status")
    anonymous.visit(f"{base}/v/no-such-token/", status=404)

    official = Walker(new_page, login, staff)
    walkers.append(official)
    official.visit(f"{base}/", "main")
    official.visit(f"{base}/enterprises/", "main table")
    official.visit(f"{base}/enterprises/{enterprise_xy.pk}/", "main h1")
    official.visit(f"{base}/enterprises/new/", "#id_credit_code")
    official.page.fill("#id_credit_code", "91370602MA3C")  # htmx checks the code as it is typed
    official.page.wait_for_selector("#code-check *")
    official.page.click("main button[type=submit]")  # an empty form: answered 400, errors shown
    official.page.wait_for_selector(".field.has-error .error-text")
    official.collect()
    official.visit(f"{base}/applications/queue/", "main")
    official.visit(f"{base}/applications/{application.pk}/", "main h1")
    official.visit(f"{base}/placards/", "#placard-table")
    official.page.check("#placard-table thead input[type=checkbox]")  # the select-all box (app.js)
    assert official.page.locator("#placard-table tbody input[type=checkbox]").first.is_checked()
    official.visit(f"{base}/placards/{placard.pk}/", "main h1")
    official.visit(f"{base}/dashboard/", "#chart-trend svg")

    taskforce = Walker(new_page, login, personas["taskforce"])
    walkers.append(taskforce)
    taskforce.visit(f"{base}/dashboard/", "#chart-ranking svg")
    # An ECharts tooltip (HTML ECharts writes itself) shown as a hover would show it.
    taskforce.page.evaluate("() => echarts.getInstanceByDom(document.getElementById('chart-category'))"
                            ".dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})")
    taskforce.page.wait_for_selector("#chart-category .chart-tip-row")
    taskforce.collect()
    taskforce.visit(f"{base}/enterprises/coverage/", "main")

    inspector = Walker(new_page, login, personas["inspector_xy"], viewport=(375, 812))
    walkers.append(inspector)
    inspector.visit(f"{base}/inspections/due/", "main")
    inspector.visit(f"{base}/inspections/new/?enterprise={enterprise_xy.pk}", "#record-submit")

    admin_walker = Walker(new_page, login, personas["district_admin"])
    walkers.append(admin_walker)
    admin_walker.visit(f"{base}/people/", "main table")
    admin_walker.visit(f"{base}/people/{staff.pk}/", "#person-name")

    from accounts.models import User

    root = User.objects.create_superuser("root-csp-walk", password="zhifu-test-pw")
    superuser = Walker(new_page, login, root)
    walkers.append(superuser)
    superuser.visit(f"{base}/admin/", "#content")
    superuser.visit(f"{base}/admin/accounts/user/", "#changelist")
    superuser.visit(f"{base}/admin/accounts/user/{staff.pk}/change/", "#content-main form")
    superuser.visit(f"{base}/admin/org/jurisdiction/", "#changelist")
    superuser.visit(f"{base}/admin/org/jurisdiction/{xy.pk}/permissions/", "#grants-read-only")

    problems = [p for walker in walkers for p in walker.problems()]
    assert not problems, "\n".join(problems)
    assert sum(len(w.seen) for w in walkers) >= 20
