"""A deterministic, realistic demo population: named demo logins plus N generated members.

Idempotent: people are keyed by email; a second run creates nothing it already made. Fast: one
password hash shared by all demo accounts, bulk inserts, no per-row queries (20,000 in seconds).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from faker import Faker

from mentorbridge.accounts.models import User
from mentorbridge.core.permissions import COORDINATORS_GROUP
from mentorbridge.members.models import (
    Institution,
    Interest,
    Language,
    MeetingFormat,
    MeetingFrequency,
    Member,
    MembershipCategory,
    PrivateIdentity,
    Topic,
    TrainingStage,
)

from .institutions import INSTITUTIONS, REGION_TIME_ZONES

DEMO_DOMAIN = "demo.mentorbridge.org"
DEMO_PASSWORD = "mentorbridge-demo"  # noqa: S105 - printed for people trying the demo
# Base32 TOTP secret of the demo coordinator, so the demo can be logged into (see `demo_totp`).
DEMO_TOTP_SECRET = "MENTORBRIDGEDEMOCOORDINATOR23456"  # noqa: S105
SIZES = {"small": 300, "large": 5000}

STUDENT_TOPICS = [
    "residency-programs-and-applications",
    "interview-process",
    "away-rotations-and-sub-internships",
    "research-and-publications",
    "career-pathways-integrated-i-6-vs-traditional",
    "letters-of-recommendation",
    "choosing-a-specialty",
    "diversity-and-inclusion",
    "work-life-integration-and-wellness",
]
TRAINEE_TOPICS = [
    "fellowship-applications",
    "job-search-and-contracts",
    "practice-types",
    "research-and-publications",
    "leadership",
    "work-life-integration-and-wellness",
    "board-certification",
    "diversity-and-inclusion",
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    full_name: str
    stage_slug: str
    institution: str
    extra: dict[str, object] = field(default_factory=dict)


DEMO_LOGINS = [
    DemoLogin(
        f"student@{DEMO_DOMAIN}",
        "Medical student (MS3, school without a CT program)",
        "Maya Okafor",
        "ms3",
        "Central Michigan University College of Medicine",
        {"pronouns": "she/her"},
    ),
    DemoLogin(
        f"resident@{DEMO_DOMAIN}",
        "Resident (PGY-4), mentor in track 1 and mentee in track 2",
        "Daniel Reyes",
        "pgy-4-resident",
        "University of Michigan",
        {"pronouns": "he/him"},
    ),
    DemoLogin(
        f"fellow@{DEMO_DOMAIN}",
        "Fellow, congenital surgery; already mentors a student",
        "Priya Raman",
        "fellow",
        "Johns Hopkins Hospital",
        {"pronouns": "she/her"},
    ),
    DemoLogin(
        f"surgeon@{DEMO_DOMAIN}",
        "Senior surgeon, mentor in track 2; already mentors a resident",
        "Joseph Whitaker",
        "senior-surgeon",
        "Dartmouth Hitchcock Medical Center",
        {"pronouns": "he/him"},
    ),
    DemoLogin(
        f"coordinator@{DEMO_DOMAIN}",
        "Coordinator, Mentorship Task Force (two-factor code: `manage.py demo_totp`)",
        "Alex Morgan",
        "",
        "",
        {},
    ),
]


@dataclass
class SeedReport:
    institutions_created: int = 0
    members_created: int = 0
    members_total: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def seed_institutions() -> int:
    existing = set(Institution.objects.values_list("name", "city", "country"))
    new = [
        Institution(name=name, city=city, region=region, country=country, has_ct_program=has_ct)
        for name, city, region, country, has_ct in INSTITUTIONS
        if (name, city, country) not in existing
    ]
    Institution.objects.bulk_create(new)
    return len(new)


def _stage_kind_weights() -> list[tuple[str, float]]:
    # Many students, fewer residents and fellows, fewer senior surgeons.
    return [("student", 0.58), ("resident", 0.20), ("fellow", 0.07), ("surgeon", 0.15)]


def _pick_stage(
    rng: random.Random, stages_by_kind: dict[str, list[TrainingStage]]
) -> TrainingStage:
    kinds, weights = zip(*_stage_kind_weights(), strict=True)
    kind = rng.choices(kinds, weights)[0]
    return rng.choice(stages_by_kind[kind])


@transaction.atomic
def seed_demo(size: int) -> SeedReport:
    """Create what is missing of the demo population of `size` generated members."""
    report = SeedReport(logins=DEMO_LOGINS)
    report.institutions_created = seed_institutions()

    rng = random.Random(20240607)
    fake = Faker(["en_US"])
    fake.seed_instance(20240607)

    institutions = list(Institution.objects.filter(is_approved=True).order_by("pk"))
    with_ct = [i for i in institutions if i.has_ct_program]
    without_ct = [i for i in institutions if not i.has_ct_program]
    by_name = {i.name: i for i in institutions}
    stages = list(TrainingStage.objects.filter(is_active=True))
    stages_by_kind: dict[str, list[TrainingStage]] = {}
    for each in stages:
        stages_by_kind.setdefault(each.kind, []).append(each)
    stage_by_slug = {s.slug: s for s in stages}
    interests = list(Interest.objects.filter(is_active=True))
    topics = {t.slug: t for t in Topic.objects.filter(is_active=True)}
    languages = list(Language.objects.filter(is_active=True))
    english = next((lang for lang in languages if lang.slug == "english"), languages[0])
    categories = {c.slug: c for c in MembershipCategory.objects.filter(is_active=True)}
    password = make_password(DEMO_PASSWORD)

    # Generate every record first (deterministic for a given size), then insert the missing ones.
    records: list[dict[str, object]] = []
    for login in DEMO_LOGINS:
        records.append(
            {
                "email": login.email,
                "full_name": login.full_name,
                "stage": stage_by_slug.get(login.stage_slug),
                "institution": by_name.get(login.institution),
                "named": True,
                **login.extra,
            }
        )
    for i in range(size):
        picked = _pick_stage(rng, stages_by_kind)
        if picked.kind == "student":
            # Most students are at schools without a CT program: the people the program must reach.
            pool = without_ct if rng.random() < 0.6 else with_ct
        else:
            pool = with_ct
        first, last = fake.first_name(), fake.last_name()
        records.append(
            {
                "email": f"demo{i:05d}@{DEMO_DOMAIN}",
                "full_name": f"{first} {last}",
                "stage": picked,
                "institution": rng.choice(pool),
                "named": False,
                "pronouns": rng.choice(["", "", "she/her", "he/him", "they/them"]),
            }
        )

    existing = set(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True)
    )
    todo = [r for r in records if r["email"] not in existing]
    users = [
        User(
            email=str(r["email"]),
            password=password,
            first_name=str(r["full_name"]).split(" ")[0],
            last_name=str(r["full_name"]).split(" ", 1)[-1],
            is_staff=str(r["email"]).startswith("coordinator@"),
        )
        for r in todo
    ]
    User.objects.bulk_create(users, batch_size=2000)
    user_ids = dict(
        User.objects.filter(email__in=[r["email"] for r in todo]).values_list("email", "pk")
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(
                user_id=user_ids[str(r["email"])], email=r["email"], verified=True, primary=True
            )
            for r in todo
        ],
        batch_size=2000,
    )

    members: list[Member] = []
    for r in todo:
        stage = r["stage"]
        institution = r["institution"]
        assert stage is None or isinstance(stage, TrainingStage)  # for the type checker
        assert institution is None or isinstance(institution, Institution)
        region = institution.region if institution else ""
        kind = stage.kind if stage else ""
        category_slug = {
            "student": "medical-student-member",
            "resident": "residentfellow-member",
            "fellow": "residentfellow-member",
            "surgeon": rng.choice(["active-member", "senior-member"]),
        }.get(kind, "not-a-society-member")
        members.append(
            Member(
                user_id=user_ids[str(r["email"])],
                full_name=str(r["full_name"]),
                pronouns=str(r.get("pronouns", "")),
                stage=stage,
                institution=institution,
                home_has_ct_program=institution.has_ct_program if institution else None,
                membership_category=categories.get(category_slug),
                time_zone=REGION_TIME_ZONES.get(region, "America/New_York"),
                bio=_bio(fake, rng, stage, institution) if stage else "",
                goals=_goals(rng, stage) if stage else "",
                meeting_formats=sorted(
                    rng.sample([f.value for f in MeetingFormat], rng.randint(1, 3))
                ),
                meeting_frequency=rng.choice([f.value for f in MeetingFrequency]),
            )
        )
    Member.objects.bulk_create(members, batch_size=2000)
    member_ids = dict(
        Member.objects.filter(user_id__in=user_ids.values()).values_list("user__email", "pk")
    )

    through_rows: dict[str, list[object]] = {
        "languages": [],
        "interests": [],
        "topics_wanted": [],
        "topics_offered": [],
    }
    identities: list[PrivateIdentity] = []
    for r in todo:
        stage = r["stage"]
        if not isinstance(stage, TrainingStage):
            continue
        mid = member_ids[str(r["email"])]
        member_languages = {english} | set(rng.sample(languages, rng.choice([0, 0, 1, 1, 2])))
        through_rows["languages"] += [
            Member.languages.through(member_id=mid, language_id=lang.pk)
            for lang in member_languages
        ]
        through_rows["interests"] += [
            Member.interests.through(member_id=mid, interest_id=i.pk)
            for i in rng.sample(interests, rng.randint(1, 3))
        ]
        wanted = STUDENT_TOPICS if stage.kind == "student" else TRAINEE_TOPICS
        if stage.kind in {"student", "resident", "fellow"}:
            through_rows["topics_wanted"] += [
                Member.topics_wanted.through(member_id=mid, topic_id=topics[s].pk)
                for s in rng.sample(wanted, rng.randint(2, 4))
                if s in topics
            ]
        if stage.kind in {"resident", "fellow", "surgeon"}:
            offered = STUDENT_TOPICS if stage.kind != "surgeon" else TRAINEE_TOPICS
            through_rows["topics_offered"] += [
                Member.topics_offered.through(member_id=mid, topic_id=topics[s].pk)
                for s in rng.sample(offered, rng.randint(3, 6))
                if s in topics
            ]
        if rng.random() < 0.35:
            identities.append(
                PrivateIdentity(
                    member_id=mid,
                    consent=True,
                    gender=rng.choice(["woman", "woman", "man", "man", "nonbinary"]),
                    underrepresented_in_medicine=rng.random() < 0.2,
                    first_generation=rng.random() < 0.2,
                    international_graduate=rng.random() < 0.1,
                )
            )
    for name, rows in through_rows.items():
        getattr(Member, name).through.objects.bulk_create(rows, batch_size=5000)
    PrivateIdentity.objects.bulk_create(identities, batch_size=2000)

    _make_coordinator()
    report.members_created = len(members)
    report.members_total = Member.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}").count()
    return report


def _make_coordinator() -> None:
    from allauth.mfa.models import Authenticator

    from mentorbridge.accounts.roles import sync_coordinator_group

    user = User.objects.get(email=f"coordinator@{DEMO_DOMAIN}")
    sync_coordinator_group()
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        from allauth.mfa.totp.internal.auth import TOTP

        TOTP.activate(user, DEMO_TOTP_SECRET)


def _bio(
    fake: Faker, rng: random.Random, stage: TrainingStage, institution: Institution | None
) -> str:
    where = institution.name if institution else "my institution"
    focus = rng.choice(
        [
            "valve surgery and structural heart disease",
            "lung cancer and minimally invasive thoracic surgery",
            "congenital heart surgery and pediatric critical care",
            "heart and lung transplantation and mechanical circulatory support",
            "aortic disease and endovascular repair",
            "surgical education and outcomes research",
            "global cardiac surgery capacity building",
        ]
    )
    if stage.kind == "student":
        return f"{stage.name} student at {where}, drawn to {focus}. {fake.sentence(nb_words=10)}"
    if stage.kind in {"resident", "fellow"}:
        return (
            f"{stage.name} at {where}, interested in {focus}. I went through the match recently "
            f"and am happy to share what helped. {fake.sentence(nb_words=8)}"
        )
    return f"Cardiothoracic surgeon at {where}, focused on {focus}. {fake.sentence(nb_words=10)}"


def _goals(rng: random.Random, stage: TrainingStage) -> str:
    if stage.kind == "student":
        return rng.choice(
            [
                "Decide between the integrated I-6 and traditional pathways and plan away rotations.",
                "Find a research project in cardiothoracic surgery and prepare a strong application.",
                "Understand what CT residency interviews look like and how to choose programs.",
                "My school has no CT program; I want exposure to the specialty and honest advice.",
            ]
        )
    if stage.kind in {"resident", "fellow"}:
        return rng.choice(
            [
                "Plan my fellowship applications and build an academic research portfolio.",
                "Navigate the job search and contract negotiation for my first attending job.",
                "Grow as a leader and find balance between training and family life.",
            ]
        )
    return ""
