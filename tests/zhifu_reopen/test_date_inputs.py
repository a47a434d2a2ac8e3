"""Date inputs render ISO values (YYYY-MM-DD): an <input type=date> shows nothing for 2026/12/07, so an
edit form that rendered the localised value lost the date."""

import importlib
import re
from datetime import date, datetime, timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from tests.approvals import helpers as h

pytestmark = pytest.mark.django_db

FORM_MODULES = ("accounts.forms", "approvals.forms", "enterprises.forms", "placards.forms")


def date_fields(kind=forms.DateField):
    """Every date (or date-time) field of every form class in the apps."""
    found = []
    for dotted in FORM_MODULES:
        try:
            module = importlib.import_module(dotted)
        except ModuleNotFoundError:
            continue
        for name, form in vars(module).items():
            if isinstance(form, type) and issubclass(form, forms.BaseForm) and form.__module__ == dotted:
                for field_name, field in form.base_fields.items():
                    if isinstance(field, kind) and (kind is forms.DateTimeField or not isinstance(
                        field, forms.DateTimeField
                    )):
                        found.append((f"{name}.{field_name}", field))
    return found


DATE_FIELDS = date_fields()
DATETIME_FIELDS = date_fields(forms.DateTimeField)


def test_the_apps_have_date_fields():
    names = {n for n, _f in DATE_FIELDS}
    assert {"ApplicationForm.requested_reopen_on", "SurveyVisitForm.visited_on"} <= names
    assert "MeetingForm.met_at" in {n for n, _f in DATETIME_FIELDS}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("name", "field"), DATE_FIELDS, ids=[n for n, _f in DATE_FIELDS])
def test_every_date_field_renders_an_iso_value(name, field, language):
    with translation.override(language):
        html = field.widget.render("d", date(2026, 12, 7))
    assert 'type="date"' in html, name
    assert 'value="2026-12-07"' in html, (name, html)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("name", "field"), DATETIME_FIELDS, ids=[n for n, _f in DATETIME_FIELDS])
def test_every_datetime_field_renders_an_iso_value(name, field, language):
    with translation.override(language):
        html = field.widget.render("d", datetime(2026, 12, 7, 9, 30))
    assert 'type="datetime-local"' in html, name
    assert 'value="2026-12-07T09:30"' in html, (name, html)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_application_edit_form_keeps_its_date(client_for, personas, enterprise_xy, language):
    day = date.today() + timedelta(days=5)
    application = h.draft(personas["staff_xy"], enterprise_xy, employees=1, materials=False, requested_reopen_on=day)
    client = client_for("staff_xy")
    if language != "zh-hans":
        client.post(reverse("set_language"), {"language": language, "next": "/"})
    page = client.get(reverse("approvals:edit", args=[application.pk])).content.decode()
    tag = re.search(r'<input[^>]*name="requested_reopen_on"[^>]*>', page).group(0)
    assert 'type="date"' in tag and f'value="{day.isoformat()}"' in tag, tag
