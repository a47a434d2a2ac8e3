"""The enterprise list page (issue 2 §5): filters, scope, keyset first / previous / next (ties on name), the
totals from the counter table (PostgreSQL) or the capped count, and a bounded number of queries."""

from __future__ import annotations

import itertools
import re

import pytest
from django.db import connection
from django.urls import reverse

from enterprises import selectors
from enterprises.models import Enterprise
from enterprises.selectors import EnterpriseFilters, counted_total, enterprise_list_page, keyset_page
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

URL = "/enterprises/"


def names_on(response) -> list[str]:
    body = response.content.decode()
    return re.findall(r'<td><a href="/enterprises/\d+/">([^<]*)</a></td>', body)


def total_on(response) -> str:
    return re.search(r'<p class="muted">[^<]*?(\d+\+?)\s', response.content.decode()).group(1)


@pytest.fixture
def mixed(xy, ds, gxj, swj):
    """Enterprises of two streets, scales, categories and statuses."""
    return [
        EnterpriseFactory(name="向阳甲商贸有限公司", jurisdiction=xy, department=gxj, scale="small",
                          category="general", operating_status="reopened"),
        EnterpriseFactory(name="向阳乙便利店", jurisdiction=xy, department=swj, scale="venue",
                          category="livelihood", operating_status="not_reopened"),
        EnterpriseFactory(name="向阳丙机械制造有限公司", jurisdiction=xy, department=gxj, scale="large",
                          category="key_backbone", operating_status="reopened"),
        EnterpriseFactory(name="东山丁便利店", jurisdiction=ds, department=swj, scale="venue",
                          category="livelihood", operating_status="closed"),
        EnterpriseFactory(name="东山戊无主管单位", jurisdiction=ds, department=None, scale="venue",
                          category="general", operating_status="unauthorised"),
    ]


# ------------------------------------------------------------------------------------- filters and scope


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"向阳甲商贸有限公司", "向阳乙便利店", "向阳丙机械制造有限公司", "东山丁便利店", "东山戊无主管单位"}),
        ("scale=venue", {"向阳乙便利店", "东山丁便利店", "东山戊无主管单位"}),
        ("category=livelihood", {"向阳乙便利店", "东山丁便利店"}),
        ("status=reopened", {"向阳甲商贸有限公司", "向阳丙机械制造有限公司"}),
        ("scale=venue&status=closed", {"东山丁便利店"}),
        ("q=便利", {"向阳乙便利店", "东山丁便利店"}),
        ("q=便", {"向阳乙便利店", "东山丁便利店"}),
        ("q=机械制造", {"向阳丙机械制造有限公司"}),
        ("scale=nonsense", set()),
    ],
)
def test_filters_as_the_task_force(client_for, mixed, query, expected):
    response = client_for("taskforce").get(f"{URL}?{query}")
    assert response.status_code == 200
    assert set(names_on(response)) == expected
    assert total_on(response) == str(len(expected))


def test_filter_by_jurisdiction_and_credit_code_prefix(client_for, mixed, ds):
    c = client_for("taskforce")
    assert set(names_on(c.get(f"{URL}?jurisdiction={ds.pk}"))) == {"东山丁便利店", "东山戊无主管单位"}
    code = mixed[2].credit_code
    assert names_on(c.get(f"{URL}?q={code[:16].lower()}")) == ["向阳丙机械制造有限公司"]
    assert names_on(c.get(f"{URL}?q={code}")) == ["向阳丙机械制造有限公司"]


def test_street_official_sees_only_own_street(client_for, mixed, ds):
    c = client_for("staff_xy")
    response = c.get(URL)
    assert set(names_on(response)) == {"向阳甲商贸有限公司", "向阳乙便利店", "向阳丙机械制造有限公司"}
    assert total_on(response) == "3"
    # Another street's id in the filter finds nothing rather than that street's enterprises.
    response = c.get(f"{URL}?jurisdiction={ds.pk}")
    assert names_on(response) == [] and total_on(response) == "0"
    assert "东山" not in re.sub(r"<option[^>]*>[^<]*</option>", "", response.content.decode())


def test_department_reviewer_sees_own_department(client_for, mixed):
    response = client_for("dept_gxj").get(URL)
    assert set(names_on(response)) == {"向阳甲商贸有限公司", "向阳丙机械制造有限公司"}
    assert total_on(response) == "2"


def test_liaison_sees_assigned_enterprises_with_a_counted_total(client_for, personas, mixed):
    from enterprises.models import LiaisonAssignment

    LiaisonAssignment.objects.create(liaison=personas["liaison_xy"], enterprise=mixed[1])
    response = client_for("liaison_xy").get(URL)
    assert names_on(response) == ["向阳乙便利店"] and total_on(response) == "1"


def test_filter_bar_keeps_the_chosen_values_and_the_street_choices_of_the_scope(client_for, mixed, xy, ds):
    body = client_for("staff_xy").get(f"{URL}?q=%3Cb%3E&status=closed&jurisdiction={xy.pk}").content.decode()
    assert 'name="q" value="&lt;b&gt;"' in body  # escaped
    assert '<option value="closed" selected>' in body
    assert f'<option value="{xy.pk}" selected>向阳街道</option>' in body
    assert f'<option value="{ds.pk}"' not in body
    body = client_for("taskforce").get(URL).content.decode()
    assert f'<option value="{ds.pk}">' in body and '<option value="" selected>' in body


def test_rows_show_labels_links_and_blank_department(client_for, mixed):
    body = client_for("taskforce").get(f"{URL}?q=东山戊").content.decode()
    enterprise = mixed[4]
    assert f'href="/enterprises/{enterprise.pk}/"' in body
    assert "九小场所" in body and "私开偷开" in body and "东山街道" in body and "None" not in body


def test_htmx_request_gets_the_fragment_only(client_for, mixed):
    response = client_for("taskforce").get(f"{URL}?scale=venue", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="enterprise-table"' in body
    assert set(names_on(response)) == {"向阳乙便利店", "东山丁便利店", "东山戊无主管单位"}


def test_user_entered_values_are_escaped(client_for, xy):
    EnterpriseFactory(name="<script>alert(1)</script>商店", prevention_contact='<img src=x onerror="y">',
                      jurisdiction=xy)
    body = client_for("taskforce").get(URL).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;商店" in body
    assert "<img" not in body and "&lt;img src=x onerror=&#34;y&#34;&gt;" in body


# ---------------------------------------------------------------------------------------------- keyset


@pytest.fixture
def tied(xy):
    """Eleven enterprises, seven of them with the same name: the id breaks the tie."""
    enterprises = [EnterpriseFactory(name="同名商店", jurisdiction=xy) for _ in range(7)]
    enterprises += [EnterpriseFactory(name=n, jurisdiction=xy) for n in ("甲店", "乙店", "一店", "丁店")]
    return sorted(enterprises, key=lambda f: (f.name, f.pk))


def _walk_forward(qs, size):
    pages, token = [], ""
    while True:
        page = keyset_page(qs, after=token, size=size)
        pages.append(page)
        if not page.next_token:
            return pages
        token = page.next_token


def test_keyset_next_covers_every_row_once_in_order_with_ties(personas, tied):
    qs = Enterprise.objects.visible_to(personas["taskforce"])
    pages = _walk_forward(qs, 3)
    ids = [r["id"] for p in pages for r in p.rows]
    assert ids == [f.pk for f in tied]
    assert [len(p.rows) for p in pages] == [3, 3, 3, 2]
    assert pages[0].prev_token is None and all(p.prev_token for p in pages[1:])
    assert pages[-1].next_token is None


def test_keyset_previous_returns_the_page_before(personas, tied):
    qs = Enterprise.objects.visible_to(personas["taskforce"])
    pages = _walk_forward(qs, 3)
    for before, page in itertools.pairwise(pages):
        back = keyset_page(qs, before=page.prev_token, size=3)
        assert [r["id"] for r in back.rows] == [r["id"] for r in before.rows]
    first = keyset_page(qs, before=pages[1].prev_token, size=3)
    assert first.prev_token is None and first.next_token


def test_bad_tokens_are_refused_with_a_400(client_for, tied):
    """A cursor that is not ours (garbage, [], ["a"], a NUL byte) is a 400 that says so, not a 500 nor a
    silent first page."""
    c = client_for("taskforce")
    for name in ("after", "before"):
        for token in ("garbage", "W10=", "WyJhIl0=", "WyJhIiwgMV0%00", "%C2%B2"):
            response = c.get(f"{URL}?{name}={token}")
            assert response.status_code == 400, (name, token)
            assert f"参数“{name}”" in response.content.decode()


def test_pager_links_through_the_view(client_for, xy):
    for i in range(120):
        EnterpriseFactory(name=f"翻页商店{i:03d}", jurisdiction=xy)
    c = client_for("staff_xy")
    first = c.get(URL)
    body = first.content.decode()
    assert names_on(first)[0] == "翻页商店000" and len(names_on(first)) == 50
    assert "上一页" not in body and total_on(first) == "120"
    after = re.search(r'href="\?after=([^"]+)">下一页', body).group(1)
    second = c.get(f"{URL}?after={after}")
    assert names_on(second)[0] == "翻页商店050"
    before = re.search(r'href="\?before=([^"]+)">上一页', second.content.decode()).group(1)
    assert names_on(c.get(f"{URL}?before={before}")) == names_on(first)
    third = c.get(f"{URL}?after={re.search(r'after=([^"]+)">下一页', second.content.decode()).group(1)}")
    assert len(names_on(third)) == 20 and "下一页" not in third.content.decode()


def test_pager_keeps_the_filters(client_for, xy):
    for i in range(60):
        EnterpriseFactory(name=f"筛选商店{i:03d}", jurisdiction=xy, scale="venue")
    body = client_for("staff_xy").get(f"{URL}?scale=venue&q=商店").content.decode()
    link = re.search(r'href="\?([^"]+)">下一页', body).group(1)
    assert "scale=venue&amp;" in link and "q=%E5%95%86%E5%BA%97&amp;" in link and "after=" in link


# ------------------------------------------------------------------------------------------------ totals


def test_capped_count_without_exact_total(personas, xy):
    EnterpriseFactory.create_batch(4, jurisdiction=xy)
    qs = Enterprise.objects.visible_to(personas["taskforce"])
    page = keyset_page(qs, size=2)
    assert (page.total, page.total_capped) == (4, False)


def test_capped_count_caps(monkeypatch, personas, xy):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    EnterpriseFactory.create_batch(5, jurisdiction=xy)
    page = keyset_page(Enterprise.objects.visible_to(personas["taskforce"]))
    assert (page.total, page.total_capped, len(page.rows)) == (3, True, 5)


@pytest.mark.parametrize("cap", [1000, 4, 2])
def test_text_search_pages_and_totals(monkeypatch, personas, tied, xy, cap):
    """Exact total and the page confined to the matching ids when there are few matches; "cap+" and
    the ordinary keyset query when there are more; the same rows in the same order either way."""
    monkeypatch.setattr(selectors, "TEXT_COUNT_CAP", cap)
    EnterpriseFactory(name="别的名字", jurisdiction=xy)
    user, filters = personas["taskforce"], EnterpriseFilters(q="店")
    expected = [f.pk for f in tied]
    seen, token = [], ""
    while True:
        page = enterprise_list_page(user, filters, after=token, size=3)
        assert (page.total, page.total_capped) == ((11, False) if cap >= 11 else (cap, True))
        seen += [r["id"] for r in page.rows]
        if not page.next_token:
            break
        token = page.next_token
    assert seen == expected
    back = enterprise_list_page(user, filters, before=enterprise_list_page(
        user, filters, after=token, size=3).prev_token, size=3)
    assert [r["id"] for r in back.rows] == expected[-5:-2]


def test_text_search_with_no_match(client_for, mixed):
    response = client_for("taskforce").get(f"{URL}?q=不存在的名字")
    assert names_on(response) == [] and total_on(response) == "0"


def test_counted_total_is_none_without_postgres_or_with_text(personas, mixed):
    if connection.vendor != "postgresql":
        assert counted_total(personas["taskforce"], EnterpriseFilters()) is None
    assert counted_total(personas["taskforce"], EnterpriseFilters(q="向阳")) is None


PERSONA_FILTERS = [
    ("taskforce", {}), ("taskforce", {"scale": "venue"}), ("taskforce", {"status": "closed", "scale": "venue"}),
    ("staff_xy", {}), ("staff_xy", {"status": "reopened"}), ("staff_ds", {"category": "livelihood"}),
    ("dept_gxj", {}), ("dept_swj", {"scale": "venue"}), ("inspector_xy", {}), ("inspector_d1", {}),
    ("secretary_ds", {}),
]


def assert_counters_match(personas, extra=()):
    from org.models import Department, Jurisdiction

    cases = [*PERSONA_FILTERS, *extra]
    for jurisdiction in Jurisdiction.objects.all()[:3]:
        cases.append(("taskforce", {"jurisdiction": jurisdiction.pk}))
    cases += [("taskforce", {"jurisdiction": 0}), ("staff_xy", {"scale": "nonsense"}),
              ("taskforce", {"department": Department.objects.get(code="gxj").pk, "status": "reopened"})]
    for name, params in cases:
        user = personas[name]
        filters = EnterpriseFilters.from_params({k: str(v) for k, v in params.items()})
        expected = selectors.enterprise_filter(user, filters).count()
        assert counted_total(user, filters) == expected, (name, params)


@pytest.mark.postgres
def test_counter_table_follows_every_write(personas, mixed, xy, ds, gxj, swj):
    assert_counters_match(personas)
    # create (one by one and in bulk)
    EnterpriseFactory(jurisdiction=xy, department=gxj, scale="venue", operating_status="closed")
    Enterprise.objects.bulk_create(EnterpriseFactory.build_batch(
        30, jurisdiction=ds, department=swj, scale="venue", category="livelihood"))
    assert_counters_match(personas)
    # update: save() of every column, queryset update of the counted columns, and of others only
    enterprise = mixed[0]
    enterprise.operating_status, enterprise.jurisdiction, enterprise.department = "closed", ds, None
    enterprise.save()
    Enterprise.objects.filter(jurisdiction=ds, scale="venue").update(operating_status="reopened")
    Enterprise.objects.filter(jurisdiction=xy).update(employee_count=7)
    assert_counters_match(personas)
    # delete, one and many
    mixed[1].delete()
    Enterprise.objects.filter(jurisdiction=ds, category="livelihood").delete()
    assert_counters_match(personas)
    assert counted_total(personas["taskforce"], EnterpriseFilters()) == Enterprise.objects.count()


@pytest.mark.postgres
def test_counter_table_follows_a_bulk_import(personas, mixed):
    from enterprises.services.importing import MODE_UPDATE, enterprise_import
    from tests.enterprises.import_helpers import row, xlsx

    staff = personas["staff_xy"]
    rows = [row(i, 规模="九小场所", 类别="民生保障") for i in range(1, 41)]
    result = enterprise_import(user=staff, file=xlsx(rows), filename="企业.xlsx")
    assert result.ok and result.created == 40
    assert_counters_match(personas)
    changed = [row(i, 规模="规下", 类别="一般") for i in range(1, 11)]
    result = enterprise_import(user=staff, file=xlsx(changed), filename="企业.xlsx", mode=MODE_UPDATE)
    assert result.ok and result.updated == 10
    assert_counters_match(personas)


@pytest.mark.postgres
def test_list_page_total_comes_from_the_counter_table(client_for, mixed, xy):
    from django.test.utils import CaptureQueriesContext

    c = client_for("staff_xy")
    with CaptureQueriesContext(connection) as captured:
        response = c.get(f"{URL}?status=reopened")
    assert total_on(response) == "2"
    sqls = [q["sql"] for q in captured.captured_queries]
    assert any(selectors.COUNTER_TABLE in s for s in sqls)
    assert not any("COUNT(" in s.upper() for s in sqls)


@pytest.mark.postgres
def test_counter_table_is_emptied_by_truncate(personas, mixed):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred FK checks before TRUNCATE
        cursor.execute(f"TRUNCATE {Enterprise._meta.db_table} CASCADE")
    assert counted_total(personas["taskforce"], EnterpriseFilters()) == 0


# ------------------------------------------------------------------------------------------------ queries


@pytest.mark.parametrize(("persona", "query"), [
    ("staff_xy", "status=reopened"), ("taskforce", ""), ("taskforce", "q=商贸"), ("dept_gxj", "scale=small"),
    ("liaison_xy", ""),
])
def test_query_count_is_bounded_and_flat(client_for, django_assert_max_num_queries, xy, ds, persona, query):
    from django.test.utils import CaptureQueriesContext

    from accounts.scope import user_scopes_invalidate

    c = client_for(persona)
    user_id = int(c.session["_auth_user_id"])
    EnterpriseFactory.create_batch(3, jurisdiction=xy, operating_status="reopened")
    user_scopes_invalidate([user_id])  # both measured requests compute the scope afresh
    with CaptureQueriesContext(connection) as small:
        assert c.get(f"{URL}?{query}").status_code == 200
    EnterpriseFactory.create_batch(120, jurisdiction=xy, operating_status="reopened")
    EnterpriseFactory.create_batch(120, jurisdiction=ds, operating_status="reopened")
    c = client_for(persona)  # a fresh request: session and user loaded again
    user_scopes_invalidate([user_id])
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as large:
        response = c.get(f"{URL}?{query}")
    assert response.status_code == 200
    after = re.search(r'after=([^"]+)">下一页', response.content.decode())
    if after:
        with django_assert_max_num_queries(8):
            assert c.get(f"{URL}?{query}&after={after.group(1)}").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_list_uses_no_server_side_cursor_or_joins(client_for, mixed):
    from django.test.utils import CaptureQueriesContext

    c = client_for("taskforce")
    with CaptureQueriesContext(connection) as captured:
        c.get(URL)
    rows_sql = [q["sql"] for q in captured.captured_queries if 'FROM "enterprises_enterprise"' in q["sql"]]
    assert rows_sql and not any("JOIN" in s for s in rows_sql)
    assert not any(q["sql"].startswith("DECLARE") for q in captured.captured_queries)


def test_export_button_still_posts_the_filters(client_for, mixed):
    body = client_for("taskforce").get(f"{URL}?scale=venue").content.decode()
    assert f'action="{reverse("enterprises:export")}?scale=venue"' in body
