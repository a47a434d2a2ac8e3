"""The four checklists with their standard items, version 1 published (``inspections.checklist_seed``)."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from inspections.checklist_seed import CHECKLISTS

    Checklist = apps.get_model("inspections", "Checklist")
    Version = apps.get_model("inspections", "ChecklistVersion")
    Item = apps.get_model("inspections", "ChecklistItem")
    for purpose, name, items in CHECKLISTS:
        checklist, _created = Checklist.objects.get_or_create(purpose=purpose, defaults={"name": name})
        if checklist.versions.exists():
            continue
        version = Version.objects.create(checklist=checklist, number=1, status="published",
                                         published_at=timezone.now())
        Item.objects.bulk_create([
            Item(version=version, position=i, code=code, text=text, allow_na=allow_na, photo_on=photo_on,
                 finding_category=category)
            for i, (code, text, allow_na, photo_on, category) in enumerate(items, start=1)
        ])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_patrols_and_enforcement")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
