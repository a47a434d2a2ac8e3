"""Free-text search on firm names and addresses (issue 12): on PostgreSQL the candidates come from the GIN
index of character bigrams (migration 0008) and a substring recheck; the rows are exactly those of a plain
substring search, in the order exact name, name starting with the term, the rest (by name, id), paged by
keyset in that order, scoped to the user."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.db.models import Q

from enterprises import selectors
from enterprises.models import Enterprise
from enterprises.selectors import EnterpriseFilters, enterprise_filter, enterprise_list_page, search_grams
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

# (name, address): exact, prefix and inner matches of 华宇, address-only matches, Latin letters, the LIKE
# wildcards and the escape character, one-character names.
FIRMS = [
    ("华宇", "烟台市芝罘区南大街1号"),
    ("华宇鑫源商贸有限公司", "烟台市芝罘区南大街2号"),
    ("华宇", "烟台市芝罘区北马路3号"),
    ("烟台华宇机械有限公司", "烟台市芝罘区西关路4号"),
    ("福山宇华食品有限公司", "烟台市芝罘区华宇路5号"),
    ("向阳便利店", "烟台市芝罘区华宇大厦6号"),
    ("东山华丰便利店", "烟台市芝罘区南大街7号"),
    ("便利", "烟台市芝罘区便利街8号"),
    ("便利店之家", "烟台市芝罘区环山路9号"),
    ("ABC Trading 烟台有限公司", "烟台市芝罘区abc路10号"),
    ("abc小超市", "烟台市芝罘区青年路11号"),
    ("百分之百%商店", "烟台市芝罘区南大街12号"),
    ("下划_线五金店", "烟台市芝罘区南大街13号"),
    ("反斜\\杠理发店", "烟台市芝罘区南大街14号"),
    ("店", "烟台市芝罘区南大街15号"),
    ("华", "烟台市芝罘区南大街16号"),
    ("宇", "烟台市芝罘区华路17号"),
]

TERMS = [
    "华宇", "华", "宇", "店", "便利", "便利店", "华宇鑫源", "宇华", "华宇路", "华宇大厦6号", "芝罘区南大街1",
    "大街1号", "源商", "ABC", "abc", "Trading", "B", "%", "_", "\\", "%商", "_线", "\\杠", "不存在", "华宇宇华",
]


@pytest.fixture
def firms(xy, ds):
    created = []
    for i, (name, address) in enumerate(FIRMS):
        created.append(EnterpriseFactory(name=name, address=address, jurisdiction=xy if i % 3 else ds))
    return created


def _plain(user, term: str) -> list[Enterprise]:
    """What a plain substring search gives (Python's ``in``, no index): name or address contains the term,
    or an ASCII term starts the credit code. SQLite's LIKE (the laptop default's plain contains, as before)
    ignores the case of ASCII letters."""
    fold = str.lower if connection.vendor != "postgresql" else str
    code = term.upper() if term.isascii() and term.isalnum() else None
    return [e for e in Enterprise.objects.visible_to(user)
            if fold(term) in fold(e.name) or fold(term) in fold(e.address)
            or (code and (e.credit_code or "").startswith(code))]


def _expected_order(user, term: str) -> list[int]:
    def key(e):
        return (0 if e.name == term else 1 if e.name.startswith(term) else 2, e.name, e.pk)

    return [e.pk for e in sorted(_plain(user, term), key=key)]


def _walk(user, term: str, size: int) -> list:
    pages, token = [], ""
    while True:
        page = enterprise_list_page(user, EnterpriseFilters(q=term), after=token, size=size)
        pages.append(page)
        if not page.next_token:
            return pages
        token = page.next_token


@pytest.mark.parametrize("term", TERMS)
def test_search_gives_the_rows_of_a_plain_substring_search(personas, firms, search_path, term):
    user = personas["taskforce"]
    got = set(enterprise_filter(user, EnterpriseFilters(q=term)).values_list("id", flat=True))
    assert got == {e.pk for e in _plain(user, term)}, term


@pytest.mark.postgres
@pytest.mark.parametrize("term", TERMS)
def test_index_path_equals_the_plain_like(personas, firms, term):
    """The query with the index condition and the same query without it (plain LIKE) find the same rows."""
    user = personas["taskforce"]
    indexed = set(enterprise_filter(user, EnterpriseFilters(q=term)).values_list("id", flat=True))
    plain_q = Q(name__contains=term) | Q(address__contains=term)
    if term.isascii() and term.isalnum():
        plain_q |= Q(credit_code__startswith=term.upper())
    plain = set(Enterprise.objects.visible_to(user).filter(plain_q).values_list("id", flat=True))
    assert indexed == plain, term


@pytest.mark.postgres
@pytest.mark.parametrize("term", ["华宇", "华", "华宇鑫源"])
def test_the_planner_can_use_the_index(personas, firms, term):
    qs = enterprise_filter(personas["taskforce"], EnterpriseFilters(q=term)).order_by().values("id")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "ent_search_grams" in plan, plan


@pytest.mark.postgres
def test_a_dense_term_is_read_without_the_index_by_the_district_only(monkeypatch, personas, firms):
    monkeypatch.setattr(selectors, "gram_shares", lambda using="default": {"便利": 0.05, "华宇": 0.001})
    def sql(user, term):
        return str(enterprise_filter(personas[user], EnterpriseFilters(q=term)).query)

    assert "enterprises_search_grams" not in sql("taskforce", "便利")
    assert "enterprises_search_grams" in sql("taskforce", "华宇")
    assert "enterprises_search_grams" in sql("staff_xy", "便利")


@pytest.mark.postgres
def test_gram_shares_read_the_statistics(firms):
    selectors._gram_shares.clear()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
    shares = selectors.gram_shares()
    assert shares["烟台"] == pytest.approx(1.0) and 0 < shares.get("华宇", 0) < 1
    selectors._gram_shares.clear()


def test_search_grams():
    assert search_grams("华") == ["华"]
    assert search_grams("华宇") == ["华宇"]
    assert search_grams("华宇华宇") == ["华宇", "宇华"]


class _EveryKeyEverywhere(dict):
    def get(self, key, default=None):
        return 1.0


@pytest.fixture(params=["index", "dense", "marker"])
def search_path(request, monkeypatch):
    """The ways a search is read on PostgreSQL: from the index; "dense" (the statistics say every key is
    in every firm: a plain scan); "marker" (a database not in code-point order: the prefix tier from the
    index's name-start marker). Elsewhere all three are the plain contains."""
    if request.param == "dense":
        monkeypatch.setattr(selectors, "gram_shares", lambda using="default": _EveryKeyEverywhere())
    if request.param == "marker":
        monkeypatch.setattr(selectors, "codepoint_order", lambda using="default": False)
    return request.param


@pytest.mark.parametrize("cap", [1000, 3])
@pytest.mark.parametrize("term", ["华宇", "华", "宇", "店", "便利", "便利店", "烟台", "%", "abc"])
def test_order_exact_then_prefix_then_the_rest_across_pages(monkeypatch, personas, firms, search_path, term,
                                                            cap):
    """Exact total under the cap (ordered among the matching ids), "cap+" over it (read tier by tier): the
    same rows in the same order either way, page by page forward and back."""
    monkeypatch.setattr(selectors, "TEXT_COUNT_CAP", cap)
    user = personas["taskforce"]
    if connection.vendor != "postgresql" and term.isascii():
        pytest.skip("SQLite's LIKE ignores ASCII case: its prefix tier is not Python's startswith")
    expected = _expected_order(user, term)
    pages = _walk(user, term, 2)
    assert [r["id"] for p in pages for r in p.rows] == expected
    capped = len(expected) > cap
    assert all((p.total, p.total_capped) == ((cap, True) if capped else (len(expected), False)) for p in pages)
    assert pages[0].prev_token is None and all(p.prev_token for p in pages[1:])
    for before, page in itertools.pairwise(pages):
        back = enterprise_list_page(user, EnterpriseFilters(q=term), before=page.prev_token, size=2)
        assert [r["id"] for r in back.rows] == [r["id"] for r in before.rows]
    assert set(pages[0].rows[0]) == set(selectors.PAGE_COLUMNS) | {"jurisdiction__name", "department__name"}


def test_exact_names_come_first(personas, firms):
    page = enterprise_list_page(personas["taskforce"], EnterpriseFilters(q="华宇"), size=50)
    names = [r["name"] for r in page.rows]
    assert names[:3] == ["华宇", "华宇", "华宇鑫源商贸有限公司"]
    assert set(names[3:]) == {"烟台华宇机械有限公司", "福山宇华食品有限公司", "向阳便利店"}  # the last two: address


@pytest.mark.parametrize("cap", [1000, 2])
def test_search_is_scoped(monkeypatch, personas, firms, xy, search_path, cap):
    monkeypatch.setattr(selectors, "TEXT_COUNT_CAP", cap)
    user = personas["staff_xy"]
    expected = _expected_order(user, "华宇")
    assert expected and all(Enterprise.objects.get(pk=pk).jurisdiction_id == xy.pk for pk in expected)
    assert len(expected) < len(_expected_order(personas["taskforce"], "华宇"))
    assert [r["id"] for p in _walk(user, "华宇", 2) for r in p.rows] == expected


def test_a_list_cursor_is_refused_by_a_search(client_for, firms):
    """A search's cursor is (tier, name, id): a two-value list cursor or a made-up tier is a 400."""
    from zhifu_reopen.params import cursor_encode

    c = client_for("taskforce")
    for token in (cursor_encode("华宇", 1), cursor_encode(7, "华宇", 1)):
        assert c.get("/enterprises/", {"q": "华宇", "after": token}).status_code == 400
    assert c.get("/enterprises/", {"q": "华宇", "after": cursor_encode(1, "华宇", 1)}).status_code == 200


def test_search_through_the_view_finds_addresses(client_for, firms):
    body = client_for("taskforce").get("/enterprises/", {"q": "华宇路"}).content.decode()
    assert "福山宇华食品有限公司" in body and "华宇鑫源" not in body
