"""Load enrollments from the database into the plain tables the matching engine scores.

A fixed number of queries whatever the pool size: one for the enrollments with their members, one
per many-to-many relation, one for private identity answers. The mentor table of a cycle is cached
per process and rebuilt when the cycle's `pool_version` changes; remaining capacity is always read
fresh because it changes with every accepted request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q

from mentorbridge.core import clock
from mentorbridge.members.models import Member, PrivateIdentity
from mentorbridge.programs.models import Cycle, Enrollment

FORMATS = {"video": 1, "phone": 2, "in_person": 4}
GENDERS = {"": 0, "woman": 1, "man": 2, "nonbinary": 3, "self_described": 4}
PREF = {"": 0, "soft": 1, "hard": 2}


@dataclass
class People:
    """One side's rows, in the order of `enrollment_ids`; plain Python/NumPy-ready values."""

    enrollment_ids: list[int]
    member_ids: list[int]
    names: list[str]
    stage_order: list[int]
    institution_ids: list[int]
    institution_names: list[str]
    institution_has_ct: list[bool]
    regions: list[str]
    utc_offsets: list[float]
    languages: list[set[int]]
    interests: list[set[int]]
    topics: list[set[int]]
    formats: list[int]
    genders: list[int]
    backgrounds: list[int]
    texts: list[str]
    # Mentee-only preferences (empty on the mentor side).
    target_institutions: list[set[int]]
    same_gender: list[int]
    shared_background: list[int]
    institution_preference: list[str]
    same_region: list[bool]
    language_required: list[int]

    def __len__(self) -> int:
        return len(self.enrollment_ids)


def utc_offset_hours(tz_name: str, when: dt.datetime) -> float:
    try:
        offset = when.astimezone(zoneinfo.ZoneInfo(tz_name)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    return offset.total_seconds() / 3600 if offset else 0.0


def _m2m(
    through: type, owner_field: str, value_field: str, owner_ids: Iterable[int]
) -> dict[int, set[int]]:
    result: dict[int, set[int]] = defaultdict(set)
    rows = through.objects.filter(**{f"{owner_field}__in": list(owner_ids)}).values_list(  # type: ignore[attr-defined]
        owner_field, value_field
    )
    for owner, value in rows:
        result[owner].add(value)
    return result


def load_people(
    enrollments: Iterable[Enrollment] | None = None, *, queryset: object = None
) -> People:
    """Build a side's table from a queryset of enrollments (role decides which topics count)."""
    qs = (
        queryset
        if queryset is not None
        else Enrollment.objects.filter(pk__in=[e.pk for e in enrollments or []])
    )
    rows = list(
        qs.select_related("member__stage", "member__institution")  # type: ignore[attr-defined]
        .only(
            "pk",
            "role",
            "goals",
            "same_gender",
            "shared_background",
            "institution_preference",
            "same_region",
            "language_id",
            "member_id",
            "member__full_name",
            "member__time_zone",
            "member__bio",
            "member__goals",
            "member__meeting_formats",
            "member__stage__order",
            "member__institution__id",
            "member__institution__name",
            "member__institution__region",
            "member__institution__has_ct_program",
            "member__home_has_ct_program",
        )
        .order_by("pk")
    )
    enrollment_ids = [e.pk for e in rows]
    member_ids = [e.member_id for e in rows]
    member_through = Member.languages.through
    languages = _m2m(member_through, "member_id", "language_id", member_ids)
    interests = _m2m(Member.interests.through, "member_id", "interest_id", member_ids)
    topics = _m2m(Enrollment.topics.through, "enrollment_id", "topic_id", enrollment_ids)
    targets = _m2m(
        Enrollment.target_programs.through, "enrollment_id", "institution_id", enrollment_ids
    )
    identities = {
        p.member_id: p
        for p in PrivateIdentity.objects.filter(member_id__in=member_ids, consent=True).only(
            "member_id",
            "gender",
            "underrepresented_in_medicine",
            "first_generation",
            "international_graduate",
        )
    }
    now = clock.now()
    offsets: dict[str, float] = {}
    people = People(*([] for _ in dataclasses.fields(People)))  # type: ignore[arg-type]
    for e in rows:
        m = e.member
        institution = m.institution
        identity = identities.get(m.pk)
        background = 0
        if identity is not None:
            background = (
                (1 if identity.underrepresented_in_medicine else 0)
                | (2 if identity.first_generation else 0)
                | (4 if identity.international_graduate else 0)
            )
        if m.time_zone not in offsets:
            offsets[m.time_zone] = utc_offset_hours(m.time_zone, now)
        people.enrollment_ids.append(e.pk)
        people.member_ids.append(m.pk)
        people.names.append(m.full_name)
        people.stage_order.append(m.stage.order if m.stage else -1)
        people.institution_ids.append(institution.pk if institution else 0)
        people.institution_names.append(institution.name if institution else "")
        people.institution_has_ct.append(
            bool(
                m.home_has_ct_program
                if m.home_has_ct_program is not None
                else (institution and institution.has_ct_program)
            )
        )
        people.regions.append(institution.region if institution else "")
        people.utc_offsets.append(offsets[m.time_zone])
        people.languages.append(languages.get(m.pk, set()))
        people.interests.append(interests.get(m.pk, set()))
        people.topics.append(topics.get(e.pk, set()))
        people.formats.append(sum(FORMATS.get(f, 0) for f in set(m.meeting_formats or [])))
        people.genders.append(GENDERS.get(identity.gender, 0) if identity else 0)
        people.backgrounds.append(background)
        people.texts.append(" ".join(filter(None, [e.goals, m.goals, m.bio])))
        people.target_institutions.append(targets.get(e.pk, set()))
        people.same_gender.append(PREF.get(e.same_gender, 0))
        people.shared_background.append(PREF.get(e.shared_background, 0))
        people.institution_preference.append(e.institution_preference)
        people.same_region.append(bool(e.same_region))
        people.language_required.append(e.language_id or 0)
    return people


def full_mentors(cycle: Cycle) -> set[int]:
    """Mentor enrollments with no seat left, read fresh (one query; usually a small set)."""
    return set(
        Enrollment.objects.filter(cycle=cycle, role=Enrollment.Role.MENTOR)
        .filter(Q(mentee_count__gte=F("capacity")) | ~Q(status=Enrollment.Status.ACTIVE))
        .values_list("pk", flat=True)
    )


_cache_lock = threading.Lock()
_mentor_cache: dict[int, tuple[int, People]] = {}


def mentor_pool(cycle: Cycle) -> People:
    """All active mentors of a cycle, cached per process until the pool changes."""
    version = Cycle.objects.filter(pk=cycle.pk).values_list("pool_version", flat=True).first() or 0
    with _cache_lock:
        cached = _mentor_cache.get(cycle.pk)
    if cached and cached[0] == version:
        return cached[1]
    people = load_people(queryset=Enrollment.objects.filter(cycle=cycle).active().mentors())
    with _cache_lock:
        _mentor_cache[cycle.pk] = (version, people)
    return people


def clear_cache() -> None:
    with _cache_lock:
        _mentor_cache.clear()
