"""Form widgets shared by every app.

The browser's date and datetime-local inputs take only ISO values (``2026-12-07``,
``2026-12-07T09:30``) whatever the UI language; the localised format (``2026/12/07`` in Chinese)
renders an empty box, and an edit form then loses the date. Every form with a date or time field uses
these."""

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATETIME_LOCAL)
