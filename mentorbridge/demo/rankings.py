"""Demo rankings: some generated mentees rank mentors who share their interests, and some mentors
rank those applicants, so a coordinator's stable run on the demo shows rankings at work
(idempotent: a cycle that has rankings is left alone).

The named demo logins rank nobody: trying it is left to whoever logs in.
"""

from __future__ import annotations

import random

from django.db import transaction

from mentorbridge.matching.models import Ranking
from mentorbridge.matching.rankings import uses_rankings
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Cycle, Enrollment

SHARE_RANKING = 0.4  # of generated mentees
PER_MENTEE = 3


@transaction.atomic
def seed_rankings() -> int:
    """Create the demo rankings where a cycle has none yet; returns how many rows were made."""
    rng = random.Random(11)
    made = 0
    for cycle in Cycle.objects.open().select_related("program").order_by("pk"):
        if not uses_rankings(cycle.program) or Ranking.objects.filter(ranker__cycle=cycle).exists():
            continue
        generated = Enrollment.objects.active().filter(
            cycle=cycle, member__user__email__startswith="demo"
        )
        mentors = list(generated.mentors().select_related("member"))
        interests: dict[int, set[int]] = {
            member_id: set() for member_id in generated.values_list("member_id", flat=True)
        }
        through = Member.interests.through.objects.filter(member_id__in=list(interests))
        for member_id, interest_id in through.values_list("member_id", "interest_id"):
            interests[member_id].add(interest_id)
        rows: list[Ranking] = []
        applicants: dict[int, list[int]] = {}
        for mentee in generated.mentees().order_by("pk"):
            if rng.random() >= SHARE_RANKING or not mentors:
                continue
            mine = interests.get(mentee.member_id, set())
            close = [m for m in mentors if interests.get(m.member_id, set()) & mine] or mentors
            chosen = rng.sample(close, min(PER_MENTEE, len(close)))
            for place, mentor in enumerate(chosen, start=1):
                rows.append(Ranking(ranker=mentee, ranked=mentor, position=place))
                applicants.setdefault(mentor.pk, []).append(mentee.pk)
        for mentor_pk, mentee_pks in applicants.items():
            if rng.random() < 0.5:
                order = rng.sample(mentee_pks, min(PER_MENTEE, len(mentee_pks)))
                rows += [
                    Ranking(ranker_id=mentor_pk, ranked_id=pk, position=place)
                    for place, pk in enumerate(order, start=1)
                ]
        Ranking.objects.bulk_create(rows)
        made += len(rows)
    return made
