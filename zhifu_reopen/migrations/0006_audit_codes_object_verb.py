"""Audit codes are ``object.verb`` (CONTRIBUTING): the placard codes stored as ``placard_issue`` …
become ``placard.issue`` …; the reverse puts them back. The table is frozen here, not read from the code."""

from django.db import migrations

RENAMED = {
    "placard_issue": "placard.issue",
    "placard_update": "placard.update",
    "placard_reprint": "placard.reprint",
    "placard_suspend": "placard.suspend",
    "placard_revoke": "placard.revoke",
    "placard_reinstate": "placard.reinstate",
    "placard_batch_print": "placard.batch_print",
}


def _rename(apps, mapping):
    AuditEntry = apps.get_model("zhifu_reopen", "AuditEntry")
    for old, new in mapping.items():
        AuditEntry.objects.filter(action=old).update(action=new)


def codes_dotted(apps, schema_editor):
    _rename(apps, RENAMED)


def codes_underscored(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("zhifu_reopen", "0005_yearly_counter"),
    ]

    operations = [
        migrations.RunPython(codes_dotted, codes_underscored, elidable=True),
    ]
