"""Recommended mentors for a mentee, ranked by the engine's score, each with reasons in plain words.

Server-side cost does not grow in queries with the pool: the mentor table of the cycle, with the
taxonomy names and filter choices, comes from the pool cache (`pool.pool_for`), seats left from
one query, and only the page of mentors shown is loaded as model objects (their interests are read
from the table, not loaded again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.template.loader import render_to_string

from mentorbridge.members.models import Member, TrainingStage
from mentorbridge.programs.models import Enrollment

from . import features, pool
from .engine import scoring
from .services import blocked_members

SURGERY_AREAS = {"Adult cardiac", "General thoracic", "Congenital", "Aortic and endovascular"}


@dataclass
class Explanation:
    score: float
    reasons: list[str]
    contributions: list[tuple[str, float]] = field(default_factory=list)
    # The same reasons as the mentee would write them to the mentor (for the drafted message).
    letter_reasons: list[str] = field(default_factory=list)


@dataclass
class Recommendation:
    enrollment: Enrollment
    explanation: Explanation
    ranked_place: int | None = None  # where the mentee put this mentor in their own ranking
    interests: list[str] = field(default_factory=list)  # the mentor's, in the taxonomy's order
    # The card's links and its parts the same for every viewer, filled in by the find view.
    profile_url: str = ""
    request_url: str = ""
    head: str = ""
    interests_html: str = ""


@dataclass
class Page:
    items: list[Recommendation]
    total_available: int
    matched_filters: int
    already_requested: set[int]
    has_mentor: bool


def _subject(member: Member) -> str:
    pronouns = (member.pronouns or "").lower()
    if pronouns.startswith("she"):
        return "She"
    if pronouns.startswith("he"):
        return "He"
    if pronouns.startswith("they"):
        return "They"
    return member.full_name.split(" ")[0] or "This mentor"


def in_sentence(name: str) -> str:
    """A taxonomy name inside a sentence: "Career pathways (integrated I-6 vs traditional)" becomes
    "career pathways (integrated I-6 vs traditional)"; a leading acronym ("ECMO") stays as it is."""
    first = name.split(" ", 1)[0]
    return name if first.isupper() and len(first) > 1 else name[:1].lower() + name[1:]


@dataclass(frozen=True)
class _Pair:
    """What the reasons for mentor j may name, and for whom they are written: the mentee's page
    ("She is in your region ...") or, with `letter`, the mentee's first message to the mentor
    ("you are in my region ...")."""

    mentee: features.People
    mentors: features.People
    j: int
    names: dict[str, dict[int, str]]
    who: str  # "She", "He", "They" or the mentor's first name
    letter: bool

    @property
    def verb_s(self) -> str:
        return "" if self.who == "They" else "s"


def _interests(p: _Pair) -> str:
    shared = sorted(
        p.names["interest"][i]
        for i in p.mentee.interests[0] & p.mentors.interests[p.j]
        if i in p.names["interest"]
    )
    if not shared:
        return ""
    # "congenital surgery" reads naturally; "transplant and mechanical support" does not take
    # "surgery", so the word is added only to the areas named by their anatomy.
    areas = join_words(
        f"{in_sentence(s)} surgery" if s in SURGERY_AREAS else in_sentence(s) for s in shared
    )
    return f"we share an interest in {areas}" if p.letter else f"You both focus on {areas}"


def _topics(p: _Pair) -> str:
    if p.letter:  # the drafted message names the topics itself
        return ""
    covered = join_words(
        in_sentence(name)
        for name in sorted(
            p.names["topic"][t]
            for t in p.mentee.topics[0] & p.mentors.topics[p.j]
            if t in p.names["topic"]
        )[:3]
    )
    return f"{p.who} offer{p.verb_s} guidance on {covered}" if covered else ""


def _programs(p: _Pair) -> str:
    place = p.mentors.institution_names[p.j]
    if p.letter:
        return f"you train at {place}, a program I am considering"
    return f"{p.who} train{p.verb_s} at a program on your list ({place})"


def _region(p: _Pair) -> str:
    region = p.mentors.regions[p.j]
    if p.letter:
        return f"you are in my region ({region}), which would help with away rotations"
    return (
        f"{p.who} {'are' if p.who == 'They' else 'is'} in your region ({region}), "
        "handy for away rotations"
    )


def _time_zone(p: _Pair) -> str:
    hours = round(abs(p.mentee.utc_offsets[0] - p.mentors.utc_offsets[p.j]))
    plural = "s" if hours != 1 else ""
    if p.letter:
        return (
            "we are in the same time zone"
            if hours == 0
            else f"we are only {hours} hour{plural} apart"
        )
    return "Same time zone" if hours == 0 else f"{hours} hour{plural} of time difference"


def _language(p: _Pair) -> str:
    besides_english = len(p.mentee.languages[0] & p.mentors.languages[p.j]) > 1
    if p.letter:
        return "we share a language besides English" if besides_english else ""
    return "You share a language besides English" if besides_english else "You share a language"


def _concordance(p: _Pair) -> str:
    # Member pages score without private answers (features.load_people), so this factor can only
    # come from the public preferences: institution, region, language.
    return "" if p.letter else "Meets the institution, region or language you asked for"


def _meeting(p: _Pair) -> str:
    return "we like to meet the same way" if p.letter else "You like to meet the same way"


def _text(p: _Pair) -> str:
    possessive = {"She": "her", "He": "his", "They": "their"}.get(p.who, f"{p.who}'s")
    return "your path matches my goals" if p.letter else f"Your goals echo {possessive} bio"


# One reason per score factor of the engine's registry (a test holds the two lists equal); a
# reason that comes out empty is left out.
REASONS: dict[str, Callable[[_Pair], str]] = {
    "interests": _interests,
    "topics": _topics,
    "programs": _programs,
    "region": _region,
    "time_zone": _time_zone,
    "language": _language,
    "concordance": _concordance,
    "meeting": _meeting,
    "text": _text,
}


def _words(
    mentee: features.People,
    mentors: features.People,
    j: int,
    contributions: list[tuple[str, float]],
    names: dict[str, dict[int, str]],
    mentor_member: Member | None,
    *,
    letter: bool = False,
) -> list[str]:
    """Plain-language reasons for the factors that actually contributed, strongest first."""
    who = _subject(mentor_member) if mentor_member else "This mentor"
    pair = _Pair(mentee=mentee, mentors=mentors, j=j, names=names, who=who, letter=letter)
    reasons: list[tuple[float, str]] = []
    for factor, value in contributions:
        write = REASONS.get(factor)  # the score's floor ("base") has no reason
        text = write(pair) if write is not None and value > 0 else ""
        if text:
            reasons.append((value, text))
    reasons.sort(key=lambda r: -r[0])
    return [text for _, text in reasons]


def join_words(items: Iterable[str]) -> str:
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _filter_mask(
    mentors: features.People, filters: dict[str, Any], members: dict[int, Member] | None = None
) -> np.ndarray:
    mask = np.ones(len(mentors), dtype=bool)
    if not filters:
        return mask
    if "interest" in filters:
        mask &= np.fromiter(
            (filters["interest"] in s for s in mentors.interests), bool, len(mentors)
        )
    if "topic" in filters:
        mask &= np.fromiter((filters["topic"] in s for s in mentors.topics), bool, len(mentors))
    if "institution" in filters:
        mask &= np.asarray(mentors.institution_ids) == filters["institution"]
    if "region" in filters:
        region = filters["region"].strip().lower()
        mask &= np.fromiter((r.lower() == region for r in mentors.regions), bool, len(mentors))
    if "language" in filters:
        mask &= np.fromiter(
            (filters["language"] in s for s in mentors.languages), bool, len(mentors)
        )
    if "stage" in filters:
        # The mentor pool keeps each mentor's stage as its ladder position (TrainingStage.order).
        order = TrainingStage.objects.filter(pk=filters["stage"]).values_list("order", flat=True)
        wanted = order[0] if order else None
        mask &= np.fromiter((o == wanted for o in mentors.stage_order), bool, len(mentors))
    if "q" in filters:
        words = [w.lower() for w in filters["q"].split()[:5]]
        haystack = [
            f"{n} {i} {t}".lower()
            for n, i, t in zip(mentors.names, mentors.institution_names, mentors.texts, strict=True)
        ]
        mask &= np.fromiter((all(w in h for w in words) for h in haystack), bool, len(mentors))
    return mask


def for_mentee(
    enrollment: Enrollment,
    *,
    filters: dict[str, Any] | None = None,
    limit: int = 20,
    entry: pool.Pool | None = None,
) -> Page:
    """The mentee's best available mentors; `entry` is the cycle's pool when the caller has it."""
    from mentorbridge.mentorships.models import Mentorship

    from .models import MentorshipRequest

    cycle = enrollment.cycle
    entry = entry or pool.pool_for(cycle)
    mentors, index, names = entry.people, entry.index, entry.names
    mentee = features.load_people(queryset=Enrollment.objects.filter(pk=enrollment.pk))
    weights = cycle.program.effective_weights()
    scores, factors = scoring.score_one(mentee, mentors, weights, index)  # -inf: not eligible
    full = features.full_mentors(cycle)
    blocked = blocked_members(enrollment.member_id)
    if blocked:
        scores = np.where(np.isin(np.asarray(mentors.member_ids), list(blocked)), -np.inf, scores)
    available = np.isfinite(scores) & ~np.isin(
        np.asarray(mentors.enrollment_ids, dtype=np.int64), list(full)
    )
    wanted = available & _filter_mask(mentors, filters or {})
    order = np.flatnonzero(wanted)
    # Highest score first; ties by enrollment id so the order is stable between visits.
    order = order[np.lexsort((np.asarray(mentors.enrollment_ids)[order], -scores[order]))][:limit]
    shown = {
        e.pk: e
        for e in Enrollment.objects.filter(
            pk__in=[mentors.enrollment_ids[j] for j in order]
        ).select_related("member__stage", "member__institution")
    }
    items = []
    for j in order:
        mentor_enrollment = shown.get(mentors.enrollment_ids[j])
        if mentor_enrollment is None:  # deleted since the table was cached (a member left)
            continue
        contributions = scoring.contributions(factors, 0, int(j), weights)
        items.append(
            Recommendation(
                enrollment=mentor_enrollment,
                explanation=Explanation(
                    score=float(scores[j]),
                    reasons=_words(
                        mentee, mentors, int(j), contributions, names, mentor_enrollment.member
                    ),
                    contributions=contributions,
                ),
                interests=[
                    name
                    for pk, name in names["interest"].items()
                    if pk in mentors.interests[int(j)]
                ],
            )
        )
    requested = set(
        MentorshipRequest.objects.pending()
        .filter(mentee_enrollment=enrollment)
        .values_list("mentor_enrollment_id", flat=True)
    )
    has_mentor = (
        Mentorship.objects.active().filter(mentee=enrollment.member, program=cycle.program).exists()
    )
    return Page(
        items=items,
        total_available=int(available.sum()),
        matched_filters=int(wanted.sum()),
        already_requested=requested,
        has_mentor=has_mentor,
    )


def explain_pair(mentee_enrollment: Enrollment, mentor_enrollment: Enrollment) -> Explanation:
    """Why this mentor fits, scored against the cycle's pool like the find page."""
    mentee = features.load_people(queryset=Enrollment.objects.filter(pk=mentee_enrollment.pk))
    weights = mentee_enrollment.cycle.program.effective_weights()
    entry = pool.pool_for(mentee_enrollment.cycle)
    mentors, index, names = entry.people, entry.index, entry.names
    try:
        j = mentors.enrollment_ids.index(mentor_enrollment.pk)
    except ValueError:  # no longer in the pool (withdrawn): score the pair on its own
        mentors = features.load_people(queryset=Enrollment.objects.filter(pk=mentor_enrollment.pk))
        index, j = scoring.MentorIndex(mentors), 0
    _, factors = scoring.score_one(mentee, mentors, weights, index)
    contributions = scoring.contributions(factors, 0, j, weights)
    return Explanation(
        score=sum(v for _, v in contributions),
        reasons=_words(mentee, mentors, j, contributions, names, mentor_enrollment.member),
        contributions=contributions,
        letter_reasons=_words(
            mentee, mentors, j, contributions, names, mentor_enrollment.member, letter=True
        ),
    )


def filter_options(
    cycle: Any, filters: dict[str, Any], *, entry: pool.Pool | None = None
) -> list[dict[str, Any]]:
    """The choices of each filter on the find page, from the cycle's mentor pool (computed once
    per pool version, `pool.build`); only which option is selected is worked out here."""
    entry = entry or pool.pool_for(cycle)
    return [
        {
            "name": name,
            "label": label,
            "options": [(v, text, filters.get(name) == v) for v, text in options],
        }
        for name, label, options in entry.choices
    ]


_FRAGMENTS_KEPT = 64


def filter_fields(entry: pool.Pool, filters: dict[str, Any]) -> str:
    """The find page's filter selects as HTML, rendered once per pool and selection in each
    process (hundreds of options: rendering them was a fifth of the page). The search words are
    not part of it, and nothing in it depends on who looks."""
    key = "filters " + " ".join(f"{k}={v}" for k, v in sorted(filters.items()) if k != "q")
    html = entry.fragments.get(key)
    if html is None:
        html = render_to_string(
            "matching/_filters.html",
            {"filter_options": filter_options(None, filters, entry=entry)},
        )
        if len(entry.fragments) >= _FRAGMENTS_KEPT:
            entry.fragments.clear()
        entry.fragments[key] = html
    return html
