"""Issue 12: the list's per-request overhead — the names of streets and departments memoised in the process
under the district's cache version, so a warm list page reads only its rows and its total; a street
renamed (or added) shows at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises import selectors
from enterprises.choices import CATEGORY_COLOURS, OPERATING_STATUS_COLOURS
from org.models import Jurisdiction
from tests.factories import EnterpriseFactory

URL = "/enterprises/"
ORG_SQL = "FROM enterprises_jurisdiction UNION ALL"


def get(client, url=URL):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db(transaction=True)  # the memo is filled outside a transaction only
def test_a_warm_list_page_reads_its_rows_and_total_only_and_a_renamed_street_shows_at_once(client_for, xy, ds):
    selectors._org_names_memo.clear()
    EnterpriseFactory(name="向阳测试商贸有限公司", jurisdiction=xy)
    client = client_for("taskforce")
    _body, cold = get(client)
    assert any(ORG_SQL in sql for sql in cold)
    body, warm = get(client)
    assert not any(ORG_SQL in sql for sql in warm)
    assert len(warm) <= 2, warm  # the counter total and the page (user row and scope: the cache)
    assert xy.name in body
    xy.name = "向阳新区街道"
    xy.save()
    body, queries = get(client)
    assert "向阳新区街道" in body and any(ORG_SQL in sql for sql in queries)
    Jurisdiction.objects.create(name="新设测试街道", code="370602099")
    body, _queries = get(client)
    assert re.search(r'<option value="\d+">新设测试街道</option>', body)


@pytest.mark.django_db
def test_inside_a_transaction_nothing_is_memoised(client_for, xy):
    """A request in a transaction (here: the test's) may see its own uncommitted org rows."""
    selectors._org_names_memo.clear()
    client = client_for("taskforce")
    get(client)
    _body, queries = get(client)
    assert any(ORG_SQL in sql for sql in queries)
    assert selectors._org_names_memo == {}


# The rows as the template wrote them before issue 12 (templates/enterprises/_rows.html): rows_html must
# write the same HTML to the byte, in either language, whatever a firm's name holds.
JINJA_ROWS = """{%- set L = {"code": _("统一社会信用代码"), "street": _("街道"), "scale": _("规模"), "category": _("类别"),
             "department": _("主管部门"), "status": _("经营状态"), "staff": _("员工"),
             "contact": _("防疫负责人"), "visited": _("最近走访")} -%}
{%- set unregistered = _("未登记") -%}
{%- set body %}{% for r in rows %}<tr><td><a href="{{ detail_prefix }}{{ r["id"] }}/">{{ r["name"] }}</a></td><td class="mono wide" data-label="{{ L["code"] }}">{{ r["credit_code"] or unregistered }}</td><td data-label="{{ L["street"] }}">{{ r["jurisdiction__name"] }}</td><td data-label="{{ L["scale"] }}">{{ labels["scale"][r["scale"]] }}</td><td data-label="{{ L["category"] }}"><span class="tag {{ category_colours[r["category"]] }}">{{ labels["category"][r["category"]] }}</span></td><td data-label="{{ L["department"] }}">{{ r["department__name"] or "—" }}</td><td data-label="{{ L["status"] }}"><span class="tag {{ status_colours[r["operating_status"]] }}">{{ labels["status"][r["operating_status"]] }}</span></td><td class="num" data-label="{{ L["staff"] }}">{{ r["employee_count"] }}</td><td data-label="{{ L["contact"] }}">{{ r["prevention_contact"] }}</td><td data-label="{{ L["visited"] }}">{{ r["last_visited_on"] or "—" }}</td></tr>
{% endfor %}{% endset %}{{ body }}"""


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_templates_to_the_byte(client_for, xy, gxj, language):
    from django.template import engines
    from django.test.signals import template_rendered
    from django.utils import translation

    from enterprises.views.list_rows import rows_html

    EnterpriseFactory(name='<script>alert("x")</script> & 店\'s', jurisdiction=xy, department=gxj,
                      prevention_contact="<b>张三</b>", category="livelihood", operating_status="closed")
    EnterpriseFactory(name="无代码场所", credit_code=None, jurisdiction=xy, department=None, employee_count=0)
    client = client_for("taskforce")
    client.cookies["django_language"] = language
    contexts = []

    def grab(sender, template, context, **_kwargs):
        if template.name == "enterprises/list.html":
            contexts.append(context)

    template_rendered.connect(grab)
    try:
        body = client.get(URL).content.decode()
    finally:
        template_rendered.disconnect(grab)
    context = contexts[0]
    with translation.override(language):
        expected = engines["jinja2"].from_string(JINJA_ROWS).render({
            "rows": context["rows"], "labels": _row_labels(), "detail_prefix": "/enterprises/",
            "status_colours": OPERATING_STATUS_COLOURS, "category_colours": CATEGORY_COLOURS,
        })
        written = rows_html(context["rows"], detail_prefix="/enterprises/", labels=_row_labels(),
                            status_colours=OPERATING_STATUS_COLOURS, category_colours=CATEGORY_COLOURS)
    assert str(written) == expected and expected in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; 店&#39;s" in body and "<script>alert" not in body


def _row_labels():
    from enterprises.choices import Category, OperatingStatus, Scale

    return {"scale": {c: str(v) for c, v in Scale.choices}, "category": {c: str(v) for c, v in Category.choices},
            "status": {c: str(v) for c, v in OperatingStatus.choices}}
