"""Issue 12: the list's per-request overhead — the names of streets and departments memoised in the process
under the district's cache version, so a warm list page reads only its rows and its total; a street
renamed (or added) shows at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises import selectors
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
