"""Members' own rankings for the coordinators' batch run.

A mentee orders up to 10 mentors of the cycle; a mentor orders the mentees who ranked them. A
stable batch run puts each member's ranking ahead of the order their scores give, and every run
counts its blocking pairs by the same lists (docs/programs.md). Programs where mentees only send
requests have no batch run, so nothing to rank.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mentorbridge.core.refusals import Refusal
from mentorbridge.programs.models import Cycle, Enrollment, Program

from .models import Ranking

MENTEE_LIMIT = 10
MENTOR_LIMIT = 50
ACTIONS = ("add", "remove", "up", "down")


def uses_rankings(program: Program) -> bool:
    return program.matching_mode != Program.MatchingMode.MENTEE_CHOICE


def ranking_of(ranker: Enrollment) -> list[Enrollment]:
    """The ranker's list, best first."""
    return [
        r.ranked
        for r in Ranking.objects.filter(ranker=ranker).select_related(
            "ranked__member__stage", "ranked__member__institution"
        )
    ]


def ranked_ids(ranker: Enrollment) -> list[int]:
    """The ranker's list as enrollment ids, best first (one query, no joins)."""
    return list(Ranking.objects.filter(ranker=ranker).values_list("ranked_id", flat=True))


def applicants(mentor: Enrollment) -> list[Enrollment]:
    """Active mentees of the cycle who put this mentor in their ranking and have no mentor yet."""
    from mentorbridge.mentorships.models import Mentorship

    matched = Mentorship.objects.active().filter(program_id=mentor.cycle.program_id)
    return list(
        Enrollment.objects.active()
        .mentees()
        .filter(cycle_id=mentor.cycle_id, rankings__ranked=mentor)
        .exclude(member_id__in=matched.values("mentee_id"))
        .select_related("member__stage", "member__institution")
        .order_by("pk")
    )


def ranking_change(*, ranker: Enrollment, ranked_id: int, action: str) -> list[int]:
    """Add someone at the end, remove them, or move them one place up or down; returns the new
    order. Concurrent changes by one member are applied one after the other."""
    if action not in ACTIONS:
        raise Refusal("Unknown change to a ranking.")
    with transaction.atomic():
        Enrollment.objects.select_for_update().filter(pk=ranker.pk).first()
        ids = ranked_ids(ranker)
        # People who since withdrew, or (for a mentor) took them off their own ranking, drop out.
        still = set(_allowed(ranker, ids).values_list("pk", flat=True))
        ids = [pk for pk in ids if pk in still]
        if action == "add" and ranked_id not in ids:
            ids.append(ranked_id)
        elif action == "remove" and ranked_id in ids:
            ids.remove(ranked_id)
        elif action in ("up", "down") and ranked_id in ids:
            k = ids.index(ranked_id)
            other = k - 1 if action == "up" else k + 1
            if 0 <= other < len(ids):
                ids[k], ids[other] = ids[other], ids[k]
        ranking_save(ranker=ranker, ranked_ids=ids)
    return ids


def ranking_save(*, ranker: Enrollment, ranked_ids: list[int]) -> None:
    """Replace the ranker's whole list, or refuse with the reason and change nothing."""
    cycle = ranker.cycle
    if not uses_rankings(cycle.program):
        raise Refusal(
            "This program has no batch matching, so there is nothing to rank: ask mentors directly."
        )
    if cycle.status != Cycle.Status.OPEN:
        raise Refusal("This cycle is closed; its rankings can no longer change.")
    if ranker.status != Enrollment.Status.ACTIVE:
        raise Refusal("You withdrew from this cycle.")
    if len(set(ranked_ids)) != len(ranked_ids):
        raise Refusal("Each person can appear only once in a ranking.")
    as_mentee = ranker.role == Enrollment.Role.MENTEE
    limit = MENTEE_LIMIT if as_mentee else MENTOR_LIMIT
    if len(ranked_ids) > limit:
        raise Refusal(f"Rank at most {limit}; remove someone first.")
    if set(_allowed(ranker, ranked_ids).values_list("pk", flat=True)) != set(ranked_ids):
        raise Refusal(
            "Only mentors enrolled in this cycle can be ranked."
            if as_mentee
            else "You can rank only mentees who ranked you."
        )
    with transaction.atomic():
        Ranking.objects.filter(ranker=ranker).delete()
        Ranking.objects.bulk_create(
            Ranking(ranker=ranker, ranked_id=pk, position=place)
            for place, pk in enumerate(ranked_ids, start=1)
        )
        if as_mentee:  # mentors rank only their applicants: drop this mentee where no longer one
            Ranking.objects.filter(ranked=ranker).exclude(ranker_id__in=ranked_ids).delete()


def _allowed(ranker: Enrollment, ids: list[int]) -> Any:
    """Who among `ids` the ranker may rank: active members of the other side of the same cycle,
    not themselves; for a mentor, only mentees who ranked them."""
    as_mentee = ranker.role == Enrollment.Role.MENTEE
    allowed = (
        Enrollment.objects.active()
        .filter(
            cycle_id=ranker.cycle_id,
            role=Enrollment.Role.MENTOR if as_mentee else Enrollment.Role.MENTEE,
            pk__in=ids,
        )
        .exclude(member_id=ranker.member_id)
    )
    return allowed if as_mentee else allowed.filter(rankings__ranked=ranker)


def snapshot(cycle: Cycle) -> dict[str, dict[str, list[int]]]:
    """Every active member's ranking in the cycle, for a match run's inputs."""
    lists: dict[str, dict[str, list[int]]] = {"mentees": {}, "mentors": {}}
    rows = (
        Ranking.objects.filter(
            ranker__cycle=cycle,
            ranker__status=Enrollment.Status.ACTIVE,
            ranked__status=Enrollment.Status.ACTIVE,
        )
        .order_by("ranker_id", "position")
        .values_list("ranker_id", "ranker__role", "ranked_id")
    )
    for ranker, role, ranked in rows:
        side = "mentees" if role == Enrollment.Role.MENTEE else "mentors"
        lists[side].setdefault(str(ranker), []).append(ranked)
    return lists
