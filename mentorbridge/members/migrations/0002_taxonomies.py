"""Initial taxonomies: the training ladder, interests, topics, languages, membership categories.

They are data: admins edit, reorder or retire terms later without a release.
"""

from django.db import migrations
from django.utils.text import slugify

STAGES = [
    ("MS1", "student"), ("MS2", "student"), ("MS3", "student"), ("MS4", "student"),
    ("Research year", "student"),
    *[(f"PGY-{n} resident", "resident") for n in range(1, 9)],
    ("Fellow", "fellow"),
    ("Early-career surgeon", "surgeon"),
    ("Senior surgeon", "surgeon"),
    ("Retired surgeon", "retired"),
]
INTERESTS = [
    "Adult cardiac", "General thoracic", "Congenital", "Transplant and mechanical support",
    "Aortic and endovascular", "Thoracic oncology", "Critical care", "Research and academic",
    "Global surgery", "Minimally invasive and robotic", "Structural heart", "Surgical education",
]
TOPICS = [
    "Residency programs and applications", "Interview process",
    "Away rotations and sub-internships", "Research and publications",
    "Career pathways (integrated I-6 vs traditional)", "Fellowship applications",
    "Work–life integration and wellness", "Leadership", "Diversity and inclusion",
    "Job search and contracts", "Practice types", "Letters of recommendation",
    "Choosing a specialty", "Board certification",
]
LANGUAGES = [
    "English", "Spanish", "Mandarin", "Hindi", "Arabic", "French", "Portuguese", "Korean",
    "Vietnamese", "Tagalog", "Russian", "Urdu", "German", "Japanese", "Bengali", "Persian",
]
CATEGORIES = [
    "Medical student member", "Resident/fellow member", "Candidate member",
    "Active member", "Senior member", "International member", "Not a society member",
]


def load(apps, schema_editor):
    for model_name, rows in [
        ("Interest", INTERESTS), ("Topic", TOPICS), ("Language", LANGUAGES),
        ("MembershipCategory", CATEGORIES),
    ]:
        model = apps.get_model("members", model_name)
        for order, name in enumerate(rows):
            model.objects.update_or_create(
                slug=slugify(name)[:60], defaults={"name": name, "order": order}
            )
    stage_model = apps.get_model("members", "TrainingStage")
    for order, (name, kind) in enumerate(STAGES):
        stage_model.objects.update_or_create(
            slug=slugify(name)[:60], defaults={"name": name, "order": order, "kind": kind}
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
