"""The two tracks, created as data so coordinators can edit their rules."""

from django.db import migrations

PROGRAMS = [
    {
        "slug": "student-resident",
        "name": "Medical Student ↔ Resident/Fellow",
        "description": (
            "Medical students (MS1–MS4 and research year) are mentored by cardiothoracic residents and "
            "fellows on residency programs and applications, interviews, away rotations, research and "
            "career pathways."
        ),
        "mentee_kinds": ["student"],
        "mentor_kinds": ["resident", "fellow"],
        "default_mentor_capacity": 2,
    },
    {
        "slug": "resident-surgeon",
        "name": "Resident/Fellow ↔ Senior Surgeon",
        "description": (
            "Residents and fellows are mentored by early-career and senior surgeons on practice types, "
            "clinical research, fellowship and job search, contracts and leadership."
        ),
        "mentee_kinds": ["resident", "fellow"],
        "mentor_kinds": ["surgeon"],
        "default_mentor_capacity": 2,
    },
]


def load(apps, schema_editor):
    program_model = apps.get_model("programs", "Program")
    stage_model = apps.get_model("members", "TrainingStage")
    for spec in PROGRAMS:
        program, _ = program_model.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "default_mentor_capacity": spec["default_mentor_capacity"],
            },
        )
        program.mentee_stages.set(stage_model.objects.filter(kind__in=spec["mentee_kinds"]))
        program.mentor_stages.set(stage_model.objects.filter(kind__in=spec["mentor_kinds"]))


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial"), ("members", "0002_taxonomies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
