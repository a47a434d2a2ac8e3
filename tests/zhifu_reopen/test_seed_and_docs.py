import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def test_readme_points_to_a_design_file_in_the_repo():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    assert "docs/DESIGN.md" in readme
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    assert "Glossary" in design and "Rules" in design


@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG=True, MAILERS={"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}})
def test_seed_demo_sends_no_mail_and_prints_the_accounts_last(capsys):
    out = io.StringIO()
    call_command("seed_demo", "--enterprises", "60", stdout=out)
    printed = capsys.readouterr().out
    assert "Subject:" not in printed  # no console e-mail written during the seed
    text = out.getvalue().rstrip()
    assert text.splitlines()[-1].strip().startswith("13905350003")  # the demo firm accounts close the list
    assert "Subject:" not in text
