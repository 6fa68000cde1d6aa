"""Exports are recorded in the one audit log (core.audit, Django's LogEntry): the rows of the
dashboard's own DataExport table move there, then the table goes.

Each export becomes an entry by the same user at the same time, on the cycle it came from (or, for
a member's own data, on that member), with the message `audit_export` writes. Rows without a user
(none are written: every download needs a signed-in user) cannot be attributed and are dropped.
"""

from django.db import migrations

CHANGE = 2  # django.contrib.admin.models.CHANGE, as audit_export records exports


def copy_exports(apps, schema_editor):
    DataExport = apps.get_model("dashboard", "DataExport")
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Cycle = apps.get_model("programs", "Cycle")
    Member = apps.get_model("members", "Member")
    cycle_type, _ = ContentType.objects.get_or_create(app_label="programs", model="cycle")
    member_type, _ = ContentType.objects.get_or_create(app_label="members", model="member")
    cycles = {c.pk: c.name for c in Cycle.objects.all()}
    entries = []
    for export in DataExport.objects.filter(user__isnull=False).iterator():
        if export.cycle_id is not None:
            content_type, object_id = cycle_type, export.cycle_id
            shown = cycles.get(export.cycle_id, "")
        else:
            member = Member.objects.filter(user_id=export.user_id).first()
            if member is None:
                continue
            content_type, object_id, shown = member_type, member.pk, member.full_name
        what = export.what.replace("table:", "table ")
        rows = f" ({export.rows} row{'' if export.rows == 1 else 's'})" if export.rows else ""
        entries.append(
            LogEntry(
                action_time=export.created_at,
                user_id=export.user_id,
                content_type=content_type,
                object_id=str(object_id),
                object_repr=shown[:200],
                action_flag=CHANGE,
                change_message=f"Exported {what} as {export.format.upper()}{rows}",
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_rosterupload_rosterentry_invitation"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0004_block_podvisibility"),
        ("programs", "0005_calendar_date"),
    ]

    operations = [
        migrations.RunPython(copy_exports, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="DataExport"),
    ]
