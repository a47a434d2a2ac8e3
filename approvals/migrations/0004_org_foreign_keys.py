"""Jurisdiction and Department moved to ``org`` with their tables: the foreign keys point at the same
tables, so only the migration state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0003_step_only_when_open'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='application',
                    name='department',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.department', verbose_name='主管部门'),
                ),
                migrations.AlterField(
                    model_name='application',
                    name='jurisdiction',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.jurisdiction', verbose_name='所属街道'),
                ),
                migrations.AlterField(
                    model_name='signature',
                    name='jurisdiction',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.jurisdiction', verbose_name='街道/园区'),
                ),
            ],
        ),
    ]
