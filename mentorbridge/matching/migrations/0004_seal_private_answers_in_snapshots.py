"""Match runs taken before private answers were sealed: seal their private columns, drop names."""

from django.db import migrations

PRIVATE_COLUMNS = ("genders", "backgrounds", "same_gender", "shared_background")


def seal_existing(apps, schema_editor):
    from mentorbridge.core import sealed

    MatchRun = apps.get_model("matching", "MatchRun")
    for run in MatchRun.objects.exclude(inputs_snapshot={}).iterator():
        snap = run.inputs_snapshot
        if not isinstance(snap, dict) or "private" in snap or "mentees" not in snap:
            continue
        private = {}
        for side in ("mentees", "mentors"):
            table = snap.get(side, {})
            private[side] = {c: table.pop(c) for c in PRIVATE_COLUMNS if c in table}
            table.pop("names", None)
        snap["private"] = sealed.seal(private)
        MatchRun.objects.filter(pk=run.pk).update(inputs_snapshot=snap)


class Migration(migrations.Migration):
    dependencies = [("matching", "0003_ranking")]
    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop)]
