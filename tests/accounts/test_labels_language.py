"""Role and post labels, and the empty choice of a select, in the UI's language (issue 7 §23.1, §23.5)."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


@pytest.mark.parametrize(("persona", "chinese", "english_label"), [
    ("staff_xy", "向阳街道街道/园区工作人员", "Street/park staff, 向阳街道"),
    ("secretary_xy", "向阳街道街道党工委书记", "Street Party Working Committee secretary, 向阳街道"),
    ("taskforce", "区领导小组/工作专班", "District task force"),
    ("liaison_xy", "驻企联络员", "Firm liaison officer"),
])
def test_the_post_line_follows_the_ui_language(client_for, personas, persona, chinese, english_label):
    from accounts.scope import scope_for

    assert chinese in client_for(persona).get("/").text
    page = english(client_for(persona)).get("/").text
    assert english_label in page and chinese not in page
    # The record written into the audit trail and the timeline stays Chinese.
    with translation.override("en"):
        assert scope_for(personas[persona]).post_label == chinese


def test_the_queue_shows_the_post_in_english(client_for):
    page = english(client_for("dept_gxj")).get(reverse("approvals:queue")).text
    assert "Department reviewer" in page and "主管部门审核人" not in page


@pytest.mark.parametrize(("language", "label", "foreign"), [
    ("zh-hans", "- 请选择 -", "Select an option"), ("en", "- Select an option -", "请选择"),
])
def test_the_empty_choice_of_a_select_is_in_the_ui_language(client_for, language, label, foreign):
    client = client_for("staff_xy")
    if language == "en":
        english(client)
    page = client.get(reverse("enterprises:create")).text
    assert f'<option value="" selected>{label}</option>' in page  # scale (a model choice), department
    assert foreign not in page and "---------" not in page
