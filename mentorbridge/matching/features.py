"""Load enrollments from the database into the plain tables the matching engine scores.

A fixed number of queries whatever the pool size: one for the enrollments with their members, one
for all the many-to-many relations, one for private identity answers. The mentor table of a cycle
is built once per pool version and shared (`pool.pool_for`); remaining capacity is always read
fresh (`full_mentors`) because it changes with every accepted request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Any

from django.db.models import F, Q, Value

from mentorbridge.core import clock
from mentorbridge.members.models import Member, PrivateIdentity
from mentorbridge.programs.models import Cycle, Enrollment

from .engine.tables import PeopleTable

FORMATS = {"video": 1, "phone": 2, "in_person": 4}
GENDERS = {"": 0, "woman": 1, "man": 2, "nonbinary": 3, "self_described": 4}
PREF = {"": 0, "soft": 1, "hard": 2}


People = PeopleTable


def utc_offset_hours(tz_name: str, when: dt.datetime) -> float:
    try:
        offset = when.astimezone(zoneinfo.ZoneInfo(tz_name)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    return offset.total_seconds() / 3600 if offset else 0.0


def _m2m(*relations: tuple[Any, str, str, Any]) -> list[dict[int, set[int]]]:
    """For each (through model, owner field, value field, owners) relation: owner id -> set of
    related ids. One query for all of them (a UNION ALL); `owners` are subqueries, so no giant IN
    list is sent."""
    parts = [
        through.objects.filter(**{f"{owner_field}__in": owners}).values_list(
            Value(n), owner_field, value_field
        )
        for n, (through, owner_field, value_field, owners) in enumerate(relations)
    ]
    results: list[dict[int, set[int]]] = [defaultdict(set) for _ in relations]
    for n, owner, value in parts[0].union(*parts[1:], all=True):
        results[n][owner].add(value)
    return results


_FIELDS = (
    "pk", "member_id", "goals", "same_gender", "shared_background", "institution_preference",
    "same_region", "language_id", "language_insisted", "member__full_name", "member__time_zone", "member__bio",
    "member__goals", "member__meeting_formats", "member__stage__order", "member__institution_id",
    "member__institution__name", "member__institution__region",
    "member__institution__has_ct_program", "member__home_has_ct_program",
    "member__institution__is_approved",
)  # fmt: skip


def load_people(*, queryset: Any, with_private: bool = False) -> People:
    """Build a side's table from a queryset of enrollments, in a fixed number of queries.

    Private identity answers, and the mentee preferences that read them (same gender, shared
    background), are loaded only `with_private`: for coordinators' batch runs. Every table behind
    a page a member sees is built without them, so no ranking, count, reason or drafted message
    there can depend on a mentor's private answers (docs/matching.md, "Private answers").
    """
    qs = queryset.order_by("pk")
    rows = list(qs.values_list(*_FIELDS))
    enrollment_ids = qs.values("pk")
    member_ids = qs.values("member_id")
    languages, interests, topics, targets = _m2m(
        (Member.languages.through, "member_id", "language_id", member_ids),
        (Member.interests.through, "member_id", "interest_id", member_ids),
        (Enrollment.topics.through, "enrollment_id", "topic_id", enrollment_ids),
        (Enrollment.target_programs.through, "enrollment_id", "institution_id", enrollment_ids),
    )
    identities: dict[int, tuple[str, bool | None, bool | None, bool | None]] = {}
    if with_private:
        identities = {
            member_id: (gender, urm, first_gen, international)
            for member_id, gender, urm, first_gen, international in PrivateIdentity.objects.filter(
                member_id__in=member_ids, consent=True
            ).values_list(
                "member_id",
                "gender",
                "underrepresented_in_medicine",
                "first_generation",
                "international_graduate",
            )
        }
    now = clock.now()
    offsets: dict[str, float] = {}
    people = People(*([] for _ in dataclasses.fields(People)))
    for (
        pk, member_id, goals, same_gender, shared_background, institution_preference, same_region,
        language_id, language_insisted, full_name, time_zone, bio, member_goals, formats, stage_order, institution_id,
        institution_name, region, institution_ct, home_ct, institution_approved,
    ) in rows:  # fmt: skip
        if not institution_approved:
            # A proposed institution's words are the proposer's own until a coordinator approves
            # them: they must not reach another member's page (reasons, filters, search).
            institution_name, region = "", ""
        gender, urm, first_gen, international = identities.get(member_id, ("", None, None, None))
        if time_zone not in offsets:
            offsets[time_zone] = utc_offset_hours(time_zone, now)
        people.enrollment_ids.append(pk)
        people.member_ids.append(member_id)
        people.names.append(full_name)
        people.stage_order.append(stage_order if stage_order is not None else -1)
        people.institution_ids.append(institution_id or 0)
        people.institution_names.append(institution_name or "")
        people.institution_has_ct.append(bool(home_ct if home_ct is not None else institution_ct))
        people.regions.append(region or "")
        people.utc_offsets.append(offsets[time_zone])
        people.languages.append(languages.get(member_id, set()))
        people.interests.append(interests.get(member_id, set()))
        people.topics.append(topics.get(pk, set()))
        people.formats.append(sum(FORMATS.get(f, 0) for f in set(formats or [])))
        people.genders.append(GENDERS.get(gender, 0))
        people.backgrounds.append(
            (1 if urm else 0) | (2 if first_gen else 0) | (4 if international else 0)
        )
        people.texts.append(" ".join(filter(None, [goals, member_goals, bio])))
        people.target_institutions.append(targets.get(pk, set()))
        people.same_gender.append(PREF.get(same_gender, 0) if with_private else 0)
        people.shared_background.append(PREF.get(shared_background, 0) if with_private else 0)
        people.institution_preference.append(institution_preference)
        people.same_region.append(bool(same_region))
        people.language_required.append(language_id or 0)
        people.language_insisted.append(bool(language_insisted and language_id))
    return people


def full_mentors(cycle: Cycle) -> set[int]:
    """Mentor enrollments with no seat left, read fresh (one query; usually a small set)."""
    return set(
        Enrollment.objects.filter(cycle=cycle, role=Enrollment.Role.MENTOR)
        .filter(Q(mentee_count__gte=F("capacity")) | ~Q(status=Enrollment.Status.ACTIVE))
        .values_list("pk", flat=True)
    )
