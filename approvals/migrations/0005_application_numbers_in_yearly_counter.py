"""办件编号 move to the shared yearly counter (zhifu_reopen.YearlyCounter, sequence "application")."""

from django.db import migrations


def forward(apps, schema_editor):
    old, new = apps.get_model("approvals", "ApplicationCounter"), apps.get_model("zhifu_reopen", "YearlyCounter")
    new.objects.bulk_create([new(sequence="application", year=c.year, last=c.last) for c in old.objects.all()])


def backward(apps, schema_editor):
    old, new = apps.get_model("approvals", "ApplicationCounter"), apps.get_model("zhifu_reopen", "YearlyCounter")
    old.objects.bulk_create([old(year=c.year, last=c.last) for c in new.objects.filter(sequence="application")])
    new.objects.filter(sequence="application").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0004_org_foreign_keys"),
        ("zhifu_reopen", "0005_yearly_counter"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="ApplicationCounter"),
    ]
