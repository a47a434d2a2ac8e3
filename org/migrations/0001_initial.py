"""The org models (jurisdictions, communities, grids, departments, patrol teams and their django-guardian
permission tables) come to this app in the migration state only: their tables stay as they are
(``Meta.db_table``), made by enterprises 0001 and inspections 0001. Those apps drop them from their
state in enterprises 0004 and inspections 0002; 0002 here moves their content types."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('enterprises', '0003_operating_status_closed_for_good'),
        ('inspections', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Department',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=20, unique=True, verbose_name='代码')),
                        ('name', models.CharField(max_length=50, unique=True, verbose_name='名称')),
                    ],
                    options={
                        'verbose_name': '主管部门',
                        'verbose_name_plural': '主管部门',
                        'db_table': 'enterprises_department',
                        'ordering': ['code'],
                        'permissions': [('review_for_department', '作为主管部门审核')],
                    },
                ),
                migrations.CreateModel(
                    name='Jurisdiction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=12, unique=True, verbose_name='代码')),
                        ('name', models.CharField(max_length=50, unique=True, verbose_name='名称')),
                        ('kind', models.CharField(choices=[('street', '街道'), ('park', '园区')], max_length=10, verbose_name='类型')),
                        ('phone', models.CharField(blank=True, max_length=30, verbose_name='联系电话')),
                    ],
                    options={
                        'verbose_name': '街道/园区',
                        'verbose_name_plural': '街道/园区',
                        'db_table': 'enterprises_jurisdiction',
                        'ordering': ['code'],
                        'permissions': [('work_in_jurisdiction', '作为街道工作人员办理本街道业务'), ('sign_as_secretary', '以党工委书记身份签字'), ('sign_as_director', '以街道主任身份签字')],
                    },
                ),
                migrations.CreateModel(
                    name='Community',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50, verbose_name='名称')),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='communities', to='org.jurisdiction', verbose_name='街道/园区')),
                    ],
                    options={
                        'verbose_name': '社区',
                        'verbose_name_plural': '社区',
                        'db_table': 'enterprises_community',
                        'ordering': ['jurisdiction', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='JurisdictionGroupObjectPermission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='org.jurisdiction')),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.group')),
                        ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                    ],
                    options={
                        'db_table': 'enterprises_jurisdictiongroupobjectpermission',
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='JurisdictionUserObjectPermission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='org.jurisdiction')),
                        ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'enterprises_jurisdictionuserobjectpermission',
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='PatrolTeam',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50, unique=True, verbose_name='名称')),
                        ('jurisdiction', models.ForeignKey(blank=True, help_text='区巡查指导小组留空；街道联合巡查组填写本街道。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='patrol_teams', to='org.jurisdiction', verbose_name='所属街道')),
                    ],
                    options={
                        'verbose_name': '巡查组',
                        'verbose_name_plural': '巡查组',
                        'db_table': 'inspections_patrolteam',
                        'ordering': ['name'],
                        'permissions': [('inspect_with_team', '作为本组成员巡查')],
                    },
                ),
                migrations.CreateModel(
                    name='PatrolTeamGroupObjectPermission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='org.patrolteam')),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.group')),
                        ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                    ],
                    options={
                        'db_table': 'inspections_patrolteamgroupobjectpermission',
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='PatrolTeamUserObjectPermission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='org.patrolteam')),
                        ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'inspections_patrolteamuserobjectpermission',
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='DepartmentGroupObjectPermission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='org.department')),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.group')),
                        ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                    ],
                    options={
                        'db_table': 'enterprises_departmentgroupobjectpermission',
                        'abstract': False,
                        'unique_together': {('group', 'permission', 'content_object')},
                    },
                ),
                migrations.CreateModel(
                    name='DepartmentUserObjectPermission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='org.department')),
                        ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'enterprises_departmentuserobjectpermission',
                        'abstract': False,
                        'unique_together': {('user', 'permission', 'content_object')},
                    },
                ),
                migrations.CreateModel(
                    name='Grid',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50, verbose_name='名称')),
                        ('community', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='grids', to='org.community', verbose_name='社区')),
                    ],
                    options={
                        'verbose_name': '网格',
                        'verbose_name_plural': '网格',
                        'db_table': 'enterprises_grid',
                        'ordering': ['community', 'name'],
                        'constraints': [models.UniqueConstraint(fields=('community', 'name'), name='grid_unique_name')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='community',
                    constraint=models.UniqueConstraint(fields=('jurisdiction', 'name'), name='community_unique_name'),
                ),
                migrations.AlterUniqueTogether(
                    name='jurisdictiongroupobjectpermission',
                    unique_together={('group', 'permission', 'content_object')},
                ),
                migrations.AlterUniqueTogether(
                    name='jurisdictionuserobjectpermission',
                    unique_together={('user', 'permission', 'content_object')},
                ),
                migrations.AlterUniqueTogether(
                    name='patrolteamgroupobjectpermission',
                    unique_together={('group', 'permission', 'content_object')},
                ),
                migrations.AlterUniqueTogether(
                    name='patrolteamuserobjectpermission',
                    unique_together={('user', 'permission', 'content_object')},
                ),
            ],
        ),
    ]
