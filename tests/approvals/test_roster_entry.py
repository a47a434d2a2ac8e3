"""Issue 7 §21: roster entry on the application page. A refused row is shown again as typed, each error
beside its field (not at the top of the page), in the entry panel left open with focus on the first wrong
field; an added row comes back to the open, empty panel with focus on its first field. All of it is in
the HTML of the full POST/redirect round trip, so it works without JavaScript too."""

import html
import re
from datetime import date

import pytest
from django.urls import reverse

from approvals.services.signatures import signature_add
from approvals.validators import make_id_number
from tests.approvals import helpers as h
from zhifu_reopen.pii import blind_index

pytestmark = pytest.mark.django_db

GOOD_ID = make_id_number("370602", date(1991, 7, 8), 21)


def row(**extra) -> dict:
    return {"name": "李新来", "id_number": GOOD_ID, "mobile": "13905351111", "residence": "芝罘区幸福路8号",
            "travel_history": "14天内未离烟", "health_status": "healthy", **extra}


def panel(page: str, panel_id: str) -> str:
    """The <details> panel ``panel_id`` of the page (its opening tag included)."""
    match = re.search(rf'<details id="{panel_id}"[^>]*>.*?</details>', page, re.S)
    assert match, f"no panel {panel_id}"
    return match.group(0)


def fields(form_html: str) -> dict[str, dict]:
    """Each form field block of includes/form_fields.html: its input's tag, value and errors, by name."""
    result = {}
    for block in re.findall(r'<div class="field[^"]*">.*?\n</div>', form_html, re.S):
        control = re.search(r'<(input|select|textarea)\b[^>]*\bname="(\w+)"[^>]*>', block)
        if not control:
            continue
        tag = control.group(0)
        value = re.search(r'\bvalue="([^"]*)"', tag) if control.group(1) == "input" else None
        result[control.group(2)] = {
            "tag": tag, "value": html.unescape(value.group(1)) if value else None,
            "errors": [html.unescape(e) for e in re.findall(r'<div class="error-text">(.*?)</div>', block)],
            "has_error": 'class="field has-error"' in block,
        }
    return result


def is_open(panel_html: str) -> bool:
    return bool(re.match(r"<details[^>]*\bopen\b", panel_html))


def add_url(app) -> str:
    return reverse("approvals:employee_add", args=[app.pk])


def test_a_refused_row_keeps_what_was_typed_and_says_each_error_at_its_field(client_for, staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=2, materials=False)
    c = client_for("staff_xy")
    bad_id = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")  # a wrong check digit
    r = c.post(add_url(app), row(id_number=bad_id, mobile="2390535"))
    assert r.status_code == 400
    page = r.content.decode()
    entry = panel(page, "roster-add")
    assert is_open(entry)
    f = fields(entry)
    # What was typed is still there, in every field, the wrong ones included.
    assert f["name"]["value"] == "李新来" and f["residence"]["value"] == "芝罘区幸福路8号"
    assert f["travel_history"]["value"] == "14天内未离烟"
    assert f["id_number"]["value"] == bad_id and f["mobile"]["value"] == "2390535"
    # Each error beside its own input, and only there.
    assert f["id_number"]["has_error"] and any("校验位" in e for e in f["id_number"]["errors"])
    assert f["mobile"]["has_error"] and any("11位" in e for e in f["mobile"]["errors"])
    assert not f["name"]["has_error"] and not f["residence"]["has_error"]
    assert 'id="errors"' not in page  # not at the top of the page
    # Focus on the first wrong field, in the open panel (autofocus: no script needed).
    assert "autofocus" in f["id_number"]["tag"] and "autofocus" not in f["name"]["tag"]
    assert page.count("autofocus") == 1
    assert app.employees.count() == 2


def test_a_duplicate_id_number_is_said_at_the_id_field(client_for, staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=1, materials=False)
    c = client_for("staff_xy")
    taken = app.employees.get().id_number
    r = c.post(add_url(app), row(id_number=taken.lower() if taken.endswith("X") else taken))
    assert r.status_code == 400
    f = fields(panel(r.content.decode(), "roster-add"))
    assert f["id_number"]["errors"] == ["身份证号与名单中的其他人员重复"]
    assert f["name"]["value"] == "李新来"
    assert app.employees.count() == 1


def test_an_empty_required_field_is_said_at_that_field(client_for, staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=1, materials=False)
    r = client_for("staff_xy").post(add_url(app), row(residence=""))
    assert r.status_code == 400
    f = fields(panel(r.content.decode(), "roster-add"))
    assert f["residence"]["has_error"] and f["residence"]["errors"]
    assert f["id_number"]["value"] == GOOD_ID and not f["id_number"]["has_error"]
    assert "autofocus" in f["residence"]["tag"]


def test_after_an_add_the_panel_stays_open_empty_and_focused_for_the_next_row(client_for, staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=2, materials=False)
    c = client_for("staff_xy")
    r = c.post(add_url(app), row())
    assert r.status_code == 302
    assert r["Location"] == reverse("approvals:detail", args=[app.pk]) + "?roster=add"
    assert app.employees.filter(id_index=blind_index(GOOD_ID)).exists()
    page = c.get(r["Location"]).content.decode()
    entry = panel(page, "roster-add")
    assert is_open(entry) and 'id="roster-added"' in entry and "已添加返岗员工" in entry
    f = fields(entry)
    assert f["name"]["value"] in (None, "") and f["id_number"]["value"] in (None, "")
    assert "autofocus" in f["name"]["tag"] and page.count("autofocus") == 1
    assert "李新来" in page  # the new row is in the roster above the panel
    # The plain page (a roster that is not empty) keeps the panel folded, with nothing focused.
    plain = c.get(reverse("approvals:detail", args=[app.pk])).content.decode()
    assert not is_open(panel(plain, "roster-add")) and "autofocus" not in plain


def test_an_approved_application_asks_for_the_reason_at_the_reason_field(client_for, personas, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    app = signature_add(user=personas["director_xy"], application=app, post="director", opinion="同意")
    assert app.status == "approved"
    c = client_for("staff_xy")
    r = c.post(add_url(app), row())
    assert r.status_code == 400
    page = r.content.decode()
    f = fields(panel(page, "roster-add"))
    assert f["reason"]["has_error"] and any("须说明理由" in e for e in f["reason"]["errors"])
    assert f["name"]["value"] == "李新来" and f["id_number"]["value"] == GOOD_ID
    assert "autofocus" in f["reason"]["tag"] and 'id="errors"' not in page
    assert not app.employees.filter(id_index=blind_index(GOOD_ID)).exists()
    assert c.post(add_url(app), row(reason="新增返岗人员")).status_code == 302
    assert app.employees.filter(id_index=blind_index(GOOD_ID)).exists()


def test_a_refusal_that_is_not_about_the_row_stays_at_the_top(client_for, staff, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)  # under review: the roster cannot change
    r = client_for("staff_xy").post(add_url(app), row())
    assert r.status_code == 400
    page = r.content.decode()
    assert 'id="errors"' in page and "审核中" in page
    assert 'id="roster-add"' not in page  # no entry panel on a locked application


def test_a_refused_roster_file_keeps_its_panel_open_with_the_reason_at_the_file(client_for, staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=1, materials=False)
    c = client_for("staff_xy")
    bad = h.xlsx([["王五", "123", "13905350000", "芝罘区", "", "健康"]])
    r = c.post(reverse("approvals:roster_import", args=[app.pk]), {"file": bad})
    assert r.status_code == 400
    page = r.content.decode()
    upload = panel(page, "roster-import")
    assert is_open(upload) and not is_open(panel(page, "roster-add"))
    f = fields(upload)
    assert f["file"]["has_error"] and any("花名册有1行需要修改" in e for e in f["file"]["errors"])
    assert any("第2行" in e for e in f["file"]["errors"])
    assert 'id="errors"' not in page and app.employees.count() == 1
