"""Jurisdiction, Community, Grid, Department and their django-guardian tables moved to ``org``;
LiaisonAssignment came here from ``inspections``. Each keeps its table, so only the migration state
changes; the liaison assignments' content type follows them (org 0002 moves the org ones)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _relabel(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if types.filter(app_label=source, model="liaisonassignment").exists():
        types.filter(app_label=target, model="liaisonassignment").delete()  # one post_migrate made early
        types.filter(app_label=source, model="liaisonassignment").update(app_label=target)


def forward(apps, schema_editor):
    _relabel(apps, schema_editor, "inspections", "enterprises")


def backward(apps, schema_editor):
    _relabel(apps, schema_editor, "enterprises", "inspections")


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0004_org_foreign_keys'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('enterprises', '0003_operating_status_closed_for_good'),
        ('inspections', '0002_org_and_registry_moved_out'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='enterprise',
                    name='community',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.community', verbose_name='社区'),
                ),
                migrations.AlterField(
                    model_name='enterprise',
                    name='department',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='enterprises', to='org.department', verbose_name='主管部门'),
                ),
                migrations.AlterField(
                    model_name='enterprise',
                    name='grid',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.grid', verbose_name='网格'),
                ),
                migrations.AlterField(
                    model_name='enterprise',
                    name='jurisdiction',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enterprises', to='org.jurisdiction', verbose_name='所属街道'),
                ),
                migrations.DeleteModel(name='JurisdictionGroupObjectPermission'),
                migrations.DeleteModel(name='JurisdictionUserObjectPermission'),
                migrations.DeleteModel(name='DepartmentGroupObjectPermission'),
                migrations.DeleteModel(name='DepartmentUserObjectPermission'),
                migrations.DeleteModel(name='Grid'),
                migrations.DeleteModel(name='Community'),
                migrations.DeleteModel(name='Jurisdiction'),
                migrations.DeleteModel(name='Department'),
                migrations.CreateModel(
                    name='LiaisonAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('assigned_at', models.DateTimeField(auto_now_add=True, verbose_name='派驻时间')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='liaison_assignments', to='enterprises.enterprise', verbose_name='企业')),
                        ('liaison', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='liaison_assignments', to=settings.AUTH_USER_MODEL, verbose_name='联络员')),
                    ],
                    options={
                        'verbose_name': '联络员派驻',
                        'verbose_name_plural': '联络员派驻',
                        'db_table': 'inspections_liaisonassignment',
                        'constraints': [models.UniqueConstraint(fields=('liaison', 'enterprise'), name='liaison_assignment_unique')],
                    },
                ),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
