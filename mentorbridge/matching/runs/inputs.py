"""A run's inputs: the snapshot of a cycle (every table, seat, ranking and block the engine sees),
written once when the run starts, and read back for computing and for editing proposals."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import F

from mentorbridge.core import clock, sealed
from mentorbridge.members.models import Block
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.programs.models import Cycle, Enrollment

from .. import features, rankings


def snapshot(cycle: Cycle) -> dict[str, Any]:
    """Everything the engine needs, from the database, as JSON."""
    matched = Mentorship.objects.active().filter(program=cycle.program).values("mentee_id")
    mentees = features.load_people(
        queryset=Enrollment.objects.filter(cycle=cycle)
        .active()
        .mentees()
        .exclude(member_id__in=matched),
        with_private=True,
    )
    mentors = features.load_people(
        queryset=Enrollment.objects.filter(cycle=cycle).open_mentors(), with_private=True
    )
    seats = dict(
        Enrollment.objects.filter(pk__in=mentors.enrollment_ids).values_list(
            "pk", F("capacity") - F("mentee_count")
        )
    )
    return {
        "mentees": _people_json(mentees),
        "mentors": _people_json(mentors),
        "private": sealed.seal(
            {
                "mentees": {c: getattr(mentees, c) for c in PRIVATE_COLUMNS},
                "mentors": {c: getattr(mentors, c) for c in PRIVATE_COLUMNS},
            }
        ),
        "seats": [int(seats.get(pk, 0)) for pk in mentors.enrollment_ids],
        "prioritize_without_ct_program": cycle.program.prioritize_without_ct_program,
        "blocked": _blocked_pairs(mentees, mentors),
        "rankings": rankings.snapshot(cycle),
        "stage_names": {
            str(e.pk): (e.member.stage.name if e.member.stage else "")
            for e in Enrollment.objects.filter(pk__in=mentees.enrollment_ids).select_related(
                "member__stage"
            )
        },
        "taken_at": clock.now().isoformat(),
    }


def _blocked_pairs(mentees: features.People, mentors: features.People) -> list[list[int]]:
    """Enrollment pairs whose members blocked each other: never proposed."""
    mentee_of = {m: e for e, m in zip(mentees.enrollment_ids, mentees.member_ids, strict=True)}
    mentor_of = {m: e for e, m in zip(mentors.enrollment_ids, mentors.member_ids, strict=True)}
    pairs = []
    for a, b in Block.objects.values_list("blocker_id", "blocked_id"):
        for x, y in ((a, b), (b, a)):
            if x in mentee_of and y in mentor_of:
                pairs.append([mentee_of[x], mentor_of[y]])
    return pairs


# Private identity answers and the preferences that read them: kept in the snapshot only sealed
# (core.sealed), so the run can be reproduced but nobody reading the database or the admin can read
# them. Names are left out: the engine does not need them.
PRIVATE_COLUMNS = ("genders", "backgrounds", "same_gender", "shared_background")
_LEFT_OUT = frozenset({*PRIVATE_COLUMNS, "names"})


def _people_json(people: features.People) -> dict[str, list[Any]]:
    data = dataclasses.asdict(people)
    return {
        k: [sorted(v) if isinstance(v, set) else v for v in values]
        for k, values in data.items()
        if k not in _LEFT_OUT
    }


def _people_from_json(
    data: dict[str, list[Any]], private: dict[str, list[Any]] | None = None
) -> features.People:
    set_fields = {"languages", "interests", "topics", "target_institutions"}
    fields: dict[str, Any] = {
        k: [set(v) for v in values] if k in set_fields else list(values)
        for k, values in data.items()
    }
    size = len(fields["enrollment_ids"])
    fields.setdefault("names", [""] * size)
    for column in PRIVATE_COLUMNS:
        values = (private or {}).get(column)
        fields[column] = list(values) if values is not None else fields.get(column, [0] * size)
    return features.People(**fields)


def snapshot_people(snap: dict[str, Any]) -> tuple[features.People, features.People]:
    """The mentee and mentor tables of a snapshot, private columns unsealed for the engine."""
    private = sealed.unseal(snap["private"]) if snap.get("private") else {}
    return (
        _people_from_json(snap["mentees"], private.get("mentees")),
        _people_from_json(snap["mentors"], private.get("mentors")),
    )
