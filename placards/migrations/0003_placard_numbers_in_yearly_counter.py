"""公示牌编号 move to the shared yearly counter (zhifu_reopen.YearlyCounter, sequence "placard")."""

from django.db import migrations


def forward(apps, schema_editor):
    old, new = apps.get_model("placards", "PlacardCounter"), apps.get_model("zhifu_reopen", "YearlyCounter")
    new.objects.bulk_create([new(sequence="placard", year=c.year, last=c.last_serial) for c in old.objects.all()])


def backward(apps, schema_editor):
    old, new = apps.get_model("placards", "PlacardCounter"), apps.get_model("zhifu_reopen", "YearlyCounter")
    old.objects.bulk_create([old(year=c.year, last_serial=c.last) for c in new.objects.filter(sequence="placard")])
    new.objects.filter(sequence="placard").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("placards", "0002_placard_qr_matrix_placard_qr_url"),
        ("zhifu_reopen", "0005_yearly_counter"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="PlacardCounter"),
    ]
