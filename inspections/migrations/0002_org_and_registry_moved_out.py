"""PatrolTeam (and its django-guardian tables) moved to ``org``, LiaisonAssignment to ``enterprises``,
each with its table: they leave this app's migration state only (no table is dropped)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0001_initial'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='PatrolTeamGroupObjectPermission'),
                migrations.DeleteModel(name='PatrolTeamUserObjectPermission'),
                migrations.DeleteModel(name='PatrolTeam'),
                migrations.DeleteModel(name='LiaisonAssignment'),
            ],
        ),
    ]
