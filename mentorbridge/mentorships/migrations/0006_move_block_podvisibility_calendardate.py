"""Block and PodVisibility belong to members, the application calendar dates to programs.

The tables are renamed, not copied: rows stay where they are (see members 0004, programs 0005).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mentorships", "0005_check_in_answers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="block", table="members_block"),
                migrations.AlterModelTable(name="podvisibility", table="members_podvisibility"),
                migrations.AlterModelTable(name="calendardate", table="programs_calendardate"),
            ],
            state_operations=[
                migrations.DeleteModel(name="Block"),
                migrations.DeleteModel(name="PodVisibility"),
                migrations.DeleteModel(name="CalendarDate"),
            ],
        ),
    ]
