"""One registry of score factors (engine/factors.py): scoring, the product's words, the program
weights and the run preview all name the same factors, and apply the rules written there."""

from __future__ import annotations

import numpy as np

from mentorbridge.matching.engine import factors
from mentorbridge.matching.engine.scoring import MenteeRows, MentorIndex, score_rows
from mentorbridge.matching.forms import MatchRunForm
from mentorbridge.matching.recommendations import REASONS
from mentorbridge.programs.models import DEFAULT_WEIGHTS

from .engine.test_scoring import WEIGHTS, people


def test_every_place_that_names_factors_names_the_registrys() -> None:
    assert len(set(factors.NAMES)) == len(factors.NAMES)
    assert list(DEFAULT_WEIGHTS) == list(factors.NAMES)
    assert list(REASONS) == list(factors.NAMES)
    index = MentorIndex(people(3, 1, mentors=True))
    _, parts = score_rows(index, MenteeRows(people(2, 2, mentors=False), index), np.arange(2), {})
    assert list(parts) == list(factors.NAMES)


def test_the_run_form_labels_weights_in_the_registrys_words() -> None:
    form = MatchRunForm(weights=dict(DEFAULT_WEIGHTS), cycle=None)
    for factor in factors.FACTORS:
        field = form.fields[f"w_{factor.name}"]
        assert (field.label, field.help_text) == (factor.label, factor.rewards)


def test_text_similarity_is_stretched_and_clipped() -> None:
    cosine = np.asarray([-0.2, 0.0, 0.1, 0.4, 0.9], dtype=np.float32)
    assert factors.stretch_text(cosine).tolist() == [0.0, 0.0, 0.25, 1.0, 1.0]
    assert cosine.dtype == np.float32  # in place


def test_the_run_preview_and_scoring_apply_the_same_identity_rule() -> None:
    """For a mentee whose only stated preferences are gender and background, the concordance
    factor is 1 exactly where the preview counts the preference as met."""
    mentors = people(40, 5, mentors=True)
    mentees = people(40, 6, mentors=False)
    n = len(mentees)
    mentees.same_gender = [1] * n
    mentees.shared_background = [1] * n
    mentees.institution_preference = [""] * n
    mentees.same_region = [False] * n
    mentees.language_required = [0] * n
    mentees.language_insisted = [False] * n
    index = MentorIndex(mentors)
    _, parts = score_rows(index, MenteeRows(mentees, index), np.arange(n), WEIGHTS)
    for i in range(n):
        for j in range(len(mentors)):
            met = factors.identity_met(mentees, i, mentors, j)
            assert (parts["concordance"][i, j] == 1.0) == met
