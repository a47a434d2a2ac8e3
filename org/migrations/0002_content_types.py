"""The moved models' content types follow them to ``org``: auth permissions and django-guardian grants
point at the content type row, so renaming its app label keeps every grant. A row for ``org`` that
post_migrate may already have made (a migrate that stopped at 0001) is deleted first, with the empty
permissions it got."""

from django.db import migrations

MOVED = {
    "enterprises": [
        "jurisdiction", "community", "grid", "department",
        "jurisdictionuserobjectpermission", "jurisdictiongroupobjectpermission",
        "departmentuserobjectpermission", "departmentgroupobjectpermission",
    ],
    "inspections": ["patrolteam", "patrolteamuserobjectpermission", "patrolteamgroupobjectpermission"],
}


def _relabel(apps, schema_editor, *, to_org: bool) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for old_label, models in MOVED.items():
        source, target = ("org", old_label) if not to_org else (old_label, "org")
        for model in models:
            if not types.filter(app_label=source, model=model).exists():
                continue
            types.filter(app_label=target, model=model).delete()
            types.filter(app_label=source, model=model).update(app_label=target)


def forward(apps, schema_editor):
    _relabel(apps, schema_editor, to_org=True)


def backward(apps, schema_editor):
    _relabel(apps, schema_editor, to_org=False)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
