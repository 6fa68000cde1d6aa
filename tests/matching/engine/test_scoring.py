"""Scoring and candidate pairs: the fast batch path agrees with the explained factors, hard
constraints exclude pairs, and both sides' top-k are kept."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from mentorbridge.matching.engine import (
    FACTOR_NAMES,
    MenteeRows,
    MentorIndex,
    PeopleTable,
    candidates,
    explain_pair,
    score_rows,
)

WEIGHTS = {
    "interests": 3,
    "topics": 3,
    "programs": 2,
    "region": 1,
    "time_zone": 1,
    "language": 1,
    "concordance": 1.5,
    "meeting": 0.5,
    "text": 1.5,
}
WORDS = ["valve", "aortic", "congenital", "transplant", "research", "lung", "robotic", "global"]


def people(n: int, seed: int, *, mentors: bool, shared_members: int = 0) -> PeopleTable:
    """Random people; mentees state (and some insist on) preferences. The first `shared_members`
    mentors are the same members as the first mentees (a resident on both ladders)."""
    rng = np.random.default_rng(seed)
    regions = ["NY", "CA", "TX", ""]
    mentee = not mentors

    def sets(size: int, most: int) -> list[set[int]]:
        return [set(rng.choice(size, rng.integers(0, most + 1), replace=False)) for _ in range(n)]

    members = [(1000 if mentors else 0) + k for k in range(n)]
    members[:shared_members] = range(shared_members)
    return PeopleTable(
        enrollment_ids=list(range(n)),
        member_ids=members,
        names=[f"P{k}" for k in range(n)],
        stage_order=rng.integers(0, 6, n).tolist(),
        institution_ids=rng.integers(1, 8, n).tolist(),
        institution_names=[""] * n,
        institution_has_ct=[True] * n,
        regions=[regions[x] for x in rng.integers(0, len(regions), n)],
        utc_offsets=rng.choice([-8.0, -5.0, 0.0, 5.5], n).tolist(),
        languages=[{1} | ({int(x)} if x > 1 else set()) for x in rng.integers(0, 5, n)],
        interests=sets(6, 3),
        topics=sets(7, 4),
        formats=rng.integers(1, 8, n).tolist(),
        genders=rng.integers(0, 3, n).tolist(),
        backgrounds=rng.integers(0, 8, n).tolist(),
        texts=[" ".join(rng.choice(WORDS, 5).tolist()) for _ in range(n)],
        target_institutions=sets(10, 2) if mentee else [set() for _ in range(n)],
        same_gender=rng.choice([0, 0, 1, 2], n).tolist() if mentee else [0] * n,
        shared_background=rng.choice([0, 0, 1, 2], n).tolist() if mentee else [0] * n,
        institution_preference=rng.choice(["", "same", "different"], n).tolist()
        if mentee
        else [""] * n,
        same_region=(rng.random(n) < 0.3).tolist() if mentee else [False] * n,
        language_required=rng.choice([0, 0, 1, 3, 9], n).tolist() if mentee else [0] * n,
        language_insisted=(rng.random(n) < 0.3).tolist() if mentee else [],
    )


def pool(n: int = 60, m: int = 25, seed: int = 1) -> tuple[MentorIndex, MenteeRows, np.ndarray]:
    mentors = people(m, seed + 1, mentors=True, shared_members=3)
    index = MentorIndex(mentors)
    rows = MenteeRows(people(n, seed, mentors=False), index)
    dense, _ = score_rows(index, rows, np.arange(n), WEIGHTS)
    return index, rows, dense


def test_stored_scores_are_the_explained_scores() -> None:
    index, rows, dense = pool()
    matrix = candidates(index, rows, WEIGHTS, seats=np.full(index.size, 2), k=4).tocoo()
    assert matrix.nnz > 0
    assert (matrix.data > 0).all() and (matrix.data <= 1 + 1e-6).all()
    assert np.allclose(matrix.data, dense[matrix.row, matrix.col], atol=1e-5)
    for i, j, score in list(zip(matrix.row, matrix.col, matrix.data, strict=True))[:40]:
        parts = explain_pair(index, rows, int(i), int(j), WEIGHTS)
        assert [name for name, _ in parts] == ["base", *FACTOR_NAMES]
        assert all(value >= 0 for _, value in parts)
        assert sum(value for _, value in parts) == pytest.approx(float(score), abs=1e-5)


def test_each_mentee_and_each_mentor_keeps_its_top_k() -> None:
    index, rows, dense = pool(n=80, m=30, seed=3)
    k = 3
    matrix = candidates(index, rows, WEIGHTS, seats=np.full(index.size, 1), k=k, chunk=7)
    stored = matrix.toarray() > 0
    eligible = np.isfinite(dense)
    assert not (stored & ~eligible).any()
    for scores, kept, ok in [(dense, stored, eligible), (dense.T, stored.T, eligible.T)]:
        for line, keep, allowed in zip(scores, kept, ok, strict=True):
            if not allowed.any():
                continue
            kth = np.sort(line[allowed])[::-1][min(k, allowed.sum()) - 1]
            # At least k (or all eligible) kept pairs at or above this side's k-th best score.
            assert (keep & (line >= kth - 1e-6)).sum() >= min(k, allowed.sum())


def test_blocks_and_threads_do_not_change_the_candidates() -> None:
    index, rows, _ = pool(n=90, m=20, seed=5)
    seats = np.full(index.size, 2)
    first = candidates(index, rows, WEIGHTS, seats=seats, k=3, chunk=1000)
    for chunk in (1, 4, 13):
        again = candidates(index, rows, WEIGHTS, seats=seats, k=3, chunk=chunk)
        assert (first != again).nnz == 0 or np.allclose(first.toarray(), again.toarray())
        assert (first.indptr == again.indptr).all() and (first.indices == again.indices).all()


def test_hard_constraints_exclude_pairs() -> None:
    index, rows, dense = pool(n=50, m=20, seed=7)
    m = dense.shape[1]
    seats = np.full(m, 2)
    seats[0] = 0
    forbidden = {(1, 2), (3, 4)}
    matrix = candidates(
        index, rows, WEIGHTS, seats=seats, k=m, forbidden=forbidden, min_stage_gap=1
    ).toarray()
    assert not matrix[:, 0].any(), "a mentor without a seat"
    assert matrix[1, 2] == 0 and matrix[3, 4] == 0, "forbidden pairs"
    for i in range(3):
        assert matrix[i, i] == 0, "the same member on both sides"
    gap = index.stage[None, :] - rows.stage[:, None]
    assert not (matrix[gap < 1]).any(), "stage rule"
    insists = rows.same_gender == 2
    other = (index.gender[None, :] != rows.gender[:, None]) | (rows.gender[:, None] == 0)
    assert not matrix[insists[:, None] & other].any(), "insisted-on gender"
    insists = rows.shared_background == 2
    unshared = (index.background[None, :] & rows.background[:, None]) == 0
    assert not matrix[insists[:, None] & unshared].any(), "insisted-on background"
    speaks = (rows.languages @ index.languages.T) > 0
    required = rows.language_required
    speaks[required >= 0] = index.languages[:, required[required >= 0]].T > 0
    speaks[required == -2] = False
    assert rows.language_insisted.any()
    assert not matrix[rows.language_insisted[:, None] & ~speaks].any(), "insisted-on language"
    # With k = m every other eligible pair is kept.
    allowed = np.isfinite(dense) & (seats[None, :] > 0) & (gap >= 1)
    allowed[1, 2] = allowed[3, 4] = False
    assert ((matrix > 0) == allowed).all()


def test_concordance_counts_each_stated_preference() -> None:
    mentors = people(6, 11, mentors=True)
    mentees = people(1, 12, mentors=False)
    fields: dict[str, Any] = {
        "same_gender": [1],
        "shared_background": [0],
        "institution_preference": ["different"],
        "same_region": [False],
        "language_required": [0],
        "genders": [2],
    }
    for name, value in fields.items():
        setattr(mentees, name, value)
    mentors.genders = [2, 1, 2, 0, 2, 1]
    mentors.institution_ids = [mentees.institution_ids[0], 5, 6, 5, mentees.institution_ids[0], 6]
    index = MentorIndex(mentors)
    rows = MenteeRows(mentees, index)
    _, factors = score_rows(index, rows, np.asarray([0]), WEIGHTS)
    assert factors["concordance"][0].tolist() == [0.5, 0.5, 1.0, 0.5, 0.5, 0.5]


def test_empty_pools() -> None:
    index, rows, _ = pool(n=5, m=4)
    none = candidates(index, rows, WEIGHTS, seats=np.zeros(index.size, dtype=int), k=3)
    assert none.shape == (5, 4) and none.nnz == 0
    empty = people(0, 1, mentors=True)
    index0 = MentorIndex(empty)
    result = candidates(
        index0, MenteeRows(people(3, 2, mentors=False), index0), WEIGHTS, seats=np.zeros(0), k=3
    )
    assert result.shape == (3, 0)
    assert isinstance(result, sp.csr_matrix)


def test_a_table_without_the_optional_language_flag_insists_on_nothing() -> None:
    mentees = people(20, 21, mentors=False)
    mentees.language_insisted = []
    index = MentorIndex(people(8, 22, mentors=True))
    rows = MenteeRows(mentees, index)
    assert not rows.language_insisted.any()
    assert candidates(index, rows, WEIGHTS, seats=np.full(8, 1), k=2).nnz > 0


def test_pairs_asked_for_by_name_are_added_with_their_scores() -> None:
    from mentorbridge.matching.engine.scoring import with_pairs

    index, rows, dense = pool(n=40, m=20, seed=5)
    seats = np.full(index.size, 2)
    seats[3] = 0
    matrix = candidates(index, rows, WEIGHTS, seats=seats, k=1)
    stored = matrix.toarray() > 0
    absent = [
        (i, j)
        for i in range(rows.size)
        for j in range(index.size)
        if not stored[i, j] and np.isfinite(dense[i, j]) and j != 3
    ]
    ineligible = [
        (i, j) for i in range(rows.size) for j in range(index.size) if not np.isfinite(dense[i, j])
    ]
    wanted = [absent[0], absent[1], (absent[2][0], 3), *ineligible[:1], absent[3]]
    forbidden = {absent[3]}
    result = with_pairs(matrix, index, rows, WEIGHTS, wanted, seats=seats, forbidden=forbidden)
    added = (result.toarray() > 0) & ~stored
    assert set(zip(*np.nonzero(added), strict=True)) == {absent[0], absent[1]}
    for i, j in (absent[0], absent[1]):
        assert result[i, j] == pytest.approx(dense[i, j], abs=1e-5)
    # Pairs already stored are left as they were; nothing asked adds nothing.
    assert (result.toarray()[stored] == matrix.toarray()[stored]).all()
    assert with_pairs(matrix, index, rows, WEIGHTS, [], seats=seats).nnz == matrix.nnz


def test_pairs_asked_for_by_name_keep_the_stage_gap_of_the_candidates() -> None:
    from mentorbridge.matching.engine.scoring import with_pairs

    index, rows, dense = pool(n=40, m=20, seed=5)
    seats = np.full(index.size, 2)
    matrix = candidates(index, rows, WEIGHTS, seats=seats, k=1, min_stage_gap=1)
    gap = index.stage[None, :] - rows.stage[:, None]
    scored = np.isfinite(dense) & (matrix.toarray() == 0)
    below = list(zip(*np.nonzero(scored & (gap < 1)), strict=True))[:3]
    above = list(zip(*np.nonzero(scored & (gap >= 1)), strict=True))[:3]
    assert below and above
    result = with_pairs(
        matrix, index, rows, WEIGHTS, [*below, *above], seats=seats, min_stage_gap=1
    ).toarray()
    assert all(result[i, j] == 0 for i, j in below), "below the gap: left out, as candidates does"
    assert all(result[i, j] > 0 for i, j in above)
    # Without the gap (as the match run calls it today) the same pairs are all added.
    plain = with_pairs(matrix, index, rows, WEIGHTS, [*below, *above], seats=seats).toarray()
    assert all(plain[i, j] > 0 for i, j in below)


def test_one_mentee_text_is_embedded_once_per_text_model() -> None:
    """Find a mentor scores one mentee on every visit: the same text against the same model
    gives the kept vector (equal to a fresh one, and a copy the caller may change)."""
    from unittest import mock

    index = MentorIndex(people(25, 2, mentors=True))
    model = index.vectorizer
    assert model is not None
    text = "aortic valve research mentoring"
    fresh = model._embed([text])  # what every visit computed before
    with mock.patch.object(model.vectorizer, "transform", wraps=model.vectorizer.transform) as t:
        first = model.embed([text])
        first[:] = 0  # the caller's copy
        again = model.embed([text])
        assert t.call_count == 1
    np.testing.assert_array_equal(again, fresh)
    # Several texts (a match run) are embedded together, as before.
    with mock.patch.object(model.vectorizer, "transform", wraps=model.vectorizer.transform) as t:
        model.embed([text, text])
        model.embed([text, text])
        assert t.call_count == 2
