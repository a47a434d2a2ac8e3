"""The four checklists with their standard items, version 1 published (``inspections.checklist_seed``)."""

from django.db import migrations


def seed(apps, schema_editor):
    from inspections.checklist_seed import checklists_ensure

    checklists_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_patrols_and_enforcement")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
