"""The score factors, written once: their names, the words pages use for them, and the rules that
more than one place applies (how a mentee's preferences are met, how text similarity is stretched).

Scoring computes the factors (`scoring`), the product reads their labels from `FACTORS` (the run
form, a run's pair summaries, the recommendations' reasons) and the run preview reads the identity
preferences rule (`identity_met`). Each factor is in [0, 1]; docs/matching.md describes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .tables import PeopleTable


@dataclass(frozen=True)
class Factor:
    name: str  # the key of a program's weights and of a pair's contributions
    label: str  # the coordinator's name for it ("Shared interests")
    rewards: str  # what weighing it rewards (the run form's help text)
    short: str  # inside a sentence or a pair's summary ("shared interests 41%")


FACTORS: tuple[Factor, ...] = (
    Factor(
        "interests",
        "Shared interests",
        "Subspecialty interests both members listed.",
        "shared interests",
    ),
    Factor(
        "topics",
        "Topics covered",
        "The mentor offers the guidance the mentee asked for.",
        "topics covered",
    ),
    Factor(
        "programs",
        "Target program",
        "The mentor trains at a program the mentee is aiming for.",
        "target program",
    ),
    Factor("region", "Region", "Both in the same region.", "region"),
    Factor("time_zone", "Time zone", "Fewer hours apart score higher.", "time zone"),
    Factor("language", "Language", "A shared language besides English.", "language"),
    Factor(
        "concordance",
        "Identity preferences met",
        "A mentee's optional, private wish for a mentor of the same gender or background "
        "(a soft preference; answers stay private and are reported only in aggregate).",
        "preferences met",
    ),
    Factor(
        "meeting",
        "Meeting style",
        "Meeting formats and frequency both would like.",
        "meeting style",
    ),
    Factor(
        "text",
        "Goals and bio similarity",
        "How close the mentee's goals are to the mentor's bio and topics, word by word.",
        "goals/bio similarity",
    ),
)
NAMES: tuple[str, ...] = tuple(f.name for f in FACTORS)
BY_NAME: dict[str, Factor] = {f.name: f for f in FACTORS}

# Scores the engine stores must be > 0; an eligible pair with no factor in common still gets this.
FLOOR = 1e-3


def normalised(weights: dict[str, float]) -> dict[str, float]:
    """Each factor's share of the weights (negative weights count as 0; all zero: equal nothing)."""
    total = sum(max(weights.get(f, 0.0), 0.0) for f in NAMES) or 1.0
    return {f: max(weights.get(f, 0.0), 0.0) / total for f in NAMES}


# Text: the cosine of two short texts rarely passes 0.4, so it is stretched over [0, 1].
TEXT_STRETCH = 2.5


def stretch_text(cosine: np.ndarray) -> np.ndarray:
    """The `text` factor from cosine similarities, in place (float32 blocks stay float32)."""
    cosine *= TEXT_STRETCH
    return np.clip(cosine, 0, 1, out=cosine)


# Concordance: the share of the mentee's stated preferences that the mentor meets. Each rule below
# says when one preference is met; scoring applies them to whole mentor columns, the run preview to
# one pair. Genders and backgrounds are 0 when unknown (PeopleTable), and an unknown gender is
# nobody's: it meets no preference.


def same_gender(mentee_gender: Any, mentor_gender: Any) -> np.ndarray:
    return np.asarray((np.asarray(mentor_gender) == mentee_gender) & (mentee_gender > 0))


def shared_background(mentee_background: Any, mentor_background: Any) -> np.ndarray:
    return np.asarray((np.asarray(mentor_background) & mentee_background) > 0)


def identity_met(mentees: PeopleTable, i: int, mentors: PeopleTable, j: int) -> bool:
    """Whether mentor j meets every identity preference (gender, background) mentee i stated."""
    ok = True
    if mentees.same_gender[i]:
        ok = ok and bool(same_gender(mentees.genders[i], mentors.genders[j]))
    if mentees.shared_background[i]:
        ok = ok and bool(shared_background(mentees.backgrounds[i], mentors.backgrounds[j]))
    return ok
