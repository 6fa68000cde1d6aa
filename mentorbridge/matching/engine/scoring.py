"""Explainable compatibility scoring: plain tables in, scores and candidate pairs out.

A score is a weighted sum of named factors, each in [0, 1] (described in docs/matching.md); hard
constraints (self, a preference the mentee insists on) exclude a pair. Work is vectorised and
chunked: never a dense matrix of Python objects, only float blocks of `chunk` mentees × mentors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from .tables import PeopleTable as People

FACTORS = (
    "interests",
    "topics",
    "programs",
    "region",
    "time_zone",
    "language",
    "concordance",
    "meeting",
    "text",
)
# Scores the engine stores must be > 0; an eligible pair with no factor in common still gets this.
FLOOR = 1e-3


def _bool_matrix(sets: Sequence[set[int]], vocabulary: dict[int, int]) -> np.ndarray:
    matrix = np.zeros((len(sets), max(len(vocabulary), 1)), dtype=np.float32)
    for row, values in enumerate(sets):
        for value in values:
            col = vocabulary.get(value)
            if col is not None:
                matrix[row, col] = 1.0
    return matrix


def _vocabulary(*groups: Iterable[set[int]]) -> dict[int, int]:
    terms: set[int] = set()
    for group in groups:
        for values in group:
            terms |= values
    return {term: n for n, term in enumerate(sorted(terms))}


class MentorIndex:
    """The mentor side as dense arrays; built once per pool and cached with it (see features)."""

    def __init__(self, mentors: People) -> None:
        self.size = len(mentors)
        self.vocab_interests = _vocabulary(mentors.interests)
        self.vocab_topics = _vocabulary(mentors.topics)
        self.vocab_languages = _vocabulary(mentors.languages)
        self.interests = _bool_matrix(mentors.interests, self.vocab_interests)
        self.topics = _bool_matrix(mentors.topics, self.vocab_topics)
        self.languages = _bool_matrix(mentors.languages, self.vocab_languages)
        self.region_ids = {r: n + 1 for n, r in enumerate(sorted(set(mentors.regions) - {""}))}
        self.region = np.asarray(
            [self.region_ids.get(r, 0) for r in mentors.regions], dtype=np.int32
        )
        self.offset = np.asarray(mentors.utc_offsets, dtype=np.float32)
        self.formats = np.asarray(mentors.formats, dtype=np.int32)
        self.gender = np.asarray(mentors.genders, dtype=np.int32)
        self.background = np.asarray(mentors.backgrounds, dtype=np.int32)
        self.member = np.asarray(mentors.member_ids, dtype=np.int64)
        self.institution = np.asarray(mentors.institution_ids, dtype=np.int64)
        self.vocab_institutions = {v: n for n, v in enumerate(sorted(set(mentors.institution_ids)))}
        self.institution_col = np.asarray(
            [self.vocab_institutions[v] for v in mentors.institution_ids], dtype=np.int64
        )
        self.vectorizer, self.text = _tfidf(mentors.texts)


class MenteeRows:
    """The mentee side, encoded with the mentor index's vocabularies."""

    def __init__(self, mentees: People, index: MentorIndex) -> None:
        self.size = len(mentees)
        self.interests = _bool_matrix(mentees.interests, index.vocab_interests)
        self.topics = _bool_matrix(mentees.topics, index.vocab_topics)
        self.languages = _bool_matrix(mentees.languages, index.vocab_languages)
        # Normalise by all a mentee asked for, including terms no mentor has.
        self.n_interests = np.asarray([len(x) for x in mentees.interests], dtype=np.float32)
        self.n_topics = np.asarray([len(x) for x in mentees.topics], dtype=np.float32)
        self.region = np.asarray(
            [index.region_ids.get(r, -1) for r in mentees.regions], dtype=np.int32
        )
        self.offset = np.asarray(mentees.utc_offsets, dtype=np.float32)
        self.formats = np.asarray(mentees.formats, dtype=np.int32)
        self.gender = np.asarray(mentees.genders, dtype=np.int32)
        self.background = np.asarray(mentees.backgrounds, dtype=np.int32)
        self.member = np.asarray(mentees.member_ids, dtype=np.int64)
        self.institution = np.asarray(mentees.institution_ids, dtype=np.int64)
        self.same_gender = np.asarray(mentees.same_gender, dtype=np.int8)
        self.shared_background = np.asarray(mentees.shared_background, dtype=np.int8)
        self.institution_pref = np.asarray(
            [{"": 0, "same": 1, "different": 2}.get(p, 0) for p in mentees.institution_preference],
            dtype=np.int8,
        )
        self.same_region = np.asarray(mentees.same_region, dtype=bool)
        self.language_required = np.asarray(
            [
                index.vocab_languages.get(lang, -2) if lang else -1
                for lang in mentees.language_required
            ],
            dtype=np.int64,
        )
        # Target programs as a mentees × (mentors' institutions) 0/1 matrix: one gather per block.
        self.targets = _bool_matrix(mentees.target_institutions, index.vocab_institutions)
        self.any_preference = (
            (self.same_gender > 0)
            | (self.shared_background > 0)
            | (self.institution_pref > 0)
            | (self.language_required != -1)
            | self.same_region
        )
        self.text = (
            index.vectorizer.transform(mentees.texts) if index.vectorizer is not None else None
        )


def _tfidf(texts: list[str]) -> tuple[Any, sp.csr_matrix | None]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not any(t.strip() for t in texts):
        return None, None
    vectorizer = TfidfVectorizer(stop_words="english", max_features=20000, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # only stop words
        return None, None
    return vectorizer, matrix.T.tocsr()


def factor_block(
    index: MentorIndex, e: MenteeRows, rows: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every factor for mentees `rows` × all mentors (float32), and the eligibility mask."""
    shape = (len(rows), index.size)
    factors: dict[str, np.ndarray] = {}
    shared_interests = e.interests[rows] @ index.interests.T
    # Two shared interests count fully: most people list one to three.
    factors["interests"] = np.minimum(
        shared_interests / np.clip(e.n_interests[rows, None], 1, 2), np.float32(1)
    )
    factors["topics"] = (e.topics[rows] @ index.topics.T) / np.maximum(e.n_topics[rows, None], 1)
    factors["programs"] = e.targets[rows][:, index.institution_col]
    region = e.region[rows]
    same_region = (region[:, None] == index.region[None, :]) & (region[:, None] > 0)
    factors["region"] = same_region.astype(np.float32)
    delta = np.abs(e.offset[rows, None] - index.offset[None, :])
    delta = np.minimum(delta, 24 - delta)
    factors["time_zone"] = np.clip(1 - delta / 12, 0, 1, out=delta)
    shared_languages = e.languages[rows] @ index.languages.T
    # Sharing any language is half; sharing a second one (beyond English) is the rest.
    factors["language"] = np.float32(0.5) * (shared_languages > 0) + np.float32(0.5) * (
        shared_languages > 1
    )
    gender = e.gender[rows]
    background = e.background[rows]
    concordance = np.zeros(shape, dtype=np.float32)
    # Preferences are rare: compute them only for the rows that asked for one.
    for r in np.flatnonzero(e.any_preference[rows]):
        i = rows[r]
        met = np.zeros(index.size, dtype=np.float32)
        wanted = 0
        if e.same_gender[i]:
            wanted += 1
            met += (index.gender == gender[r]) & (gender[r] > 0)
        if e.shared_background[i]:
            wanted += 1
            met += (index.background & background[r]) > 0
        if e.institution_pref[i]:
            wanted += 1
            same = index.institution == e.institution[i]
            met += same if e.institution_pref[i] == 1 else ~same
        if e.language_required[i] != -1:
            wanted += 1
            if e.language_required[i] >= 0:
                met += index.languages[:, e.language_required[i]] > 0
        if e.same_region[i]:
            wanted += 1
            met += same_region[r]
        concordance[r] = met / wanted
    factors["concordance"] = concordance
    factors["meeting"] = ((e.formats[rows, None] & index.formats[None, :]) > 0).astype(np.float32)
    if e.text is not None and index.text is not None:
        similarity = (e.text[rows] @ index.text).toarray().astype(np.float32)
        # The cosine of two short texts rarely passes 0.4: stretch it over [0, 1].
        factors["text"] = np.clip(similarity * 2.5, 0, 1, out=similarity)
    else:
        factors["text"] = np.zeros(shape, dtype=np.float32)
    eligible = e.member[rows, None] != index.member[None, :]
    hard_gender = e.same_gender[rows] == 2
    if hard_gender.any():
        eligible[hard_gender] &= (index.gender[None, :] == gender[hard_gender, None]) & (
            gender[hard_gender, None] > 0
        )
    hard_background = e.shared_background[rows] == 2
    if hard_background.any():
        eligible[hard_background] &= (
            index.background[None, :] & background[hard_background, None]
        ) > 0
    return factors, eligible


def _weights(weights: dict[str, float]) -> dict[str, float]:
    total = sum(max(weights.get(f, 0.0), 0.0) for f in FACTORS) or 1.0
    return {f: max(weights.get(f, 0.0), 0.0) / total for f in FACTORS}


def _score(factors: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    w = _weights(weights)
    total = np.full(factors["interests"].shape, FLOOR, dtype=np.float32)
    for name in FACTORS:
        if w[name]:
            total += np.float32((1 - FLOOR) * w[name]) * factors[name]
    return total


def score_rows(
    index: MentorIndex, mentees: MenteeRows, rows: np.ndarray, weights: dict[str, float]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Scores of mentees `rows` × all mentors (-inf where not eligible) and the factors behind them."""
    factors, eligible = factor_block(index, mentees, rows)
    return np.where(eligible, _score(factors, weights), -np.inf), factors


def contributions(
    factors: dict[str, np.ndarray], r: int, j: int, weights: dict[str, float]
) -> list[tuple[str, float]]:
    """Each factor's part of the score of (row r, mentor j); the parts sum to the score."""
    w = _weights(weights)
    parts = [(name, float((1 - FLOOR) * w[name] * factors[name][r, j])) for name in FACTORS]
    return [("base", FLOOR), *parts]


def score_one(
    mentee: People, mentors: People, weights: dict[str, float], index: MentorIndex | None = None
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The single mentee in `mentee` against every mentor."""
    index = index or MentorIndex(mentors)
    if index.size == 0:
        return np.zeros(0), {}
    scores, factors = score_rows(index, MenteeRows(mentee, index), np.asarray([0]), weights)
    return scores[0], factors


def explain(
    mentees: People, mentors: People, j: int, weights: dict[str, float], *, i: int = 0
) -> list[tuple[str, float]]:
    """Contributions for one pair, scored on its own (text similarity uses the pair's words)."""
    mentor = _row(mentors, j)
    index = MentorIndex(mentor)
    _, factors = score_rows(index, MenteeRows(_row(mentees, i), index), np.asarray([0]), weights)
    return contributions(factors, 0, 0, weights)


def _row(people: People, k: int) -> People:
    return People(**{name: [values[k]] for name, values in vars(people).items()})


def candidates(
    index: MentorIndex,
    rows_e: MenteeRows,
    weights: dict[str, float],
    *,
    seats: np.ndarray,
    k: int,
    forbidden: set[tuple[int, int]] | None = None,
    chunk: int = 1000,
) -> sp.csr_matrix:
    """Sparse mentees × mentors scores of eligible pairs: each mentee's top-k and each mentor's top-k."""
    n, m = rows_e.size, index.size
    if n == 0 or m == 0:
        return sp.csr_matrix((n, m), dtype=np.float64)
    open_mentor = np.asarray(seats) > 0
    kk = min(k, m)
    km = min(k, n)
    picked: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    best_val = np.full((km, m), -np.inf)
    best_row = np.full((km, m), -1, dtype=np.int64)
    forbidden_by_row: dict[int, list[int]] = {}
    for a, b in forbidden or ():
        forbidden_by_row.setdefault(a, []).append(b)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        scores, _ = score_rows(index, rows_e, rows, weights)
        scores[:, ~open_mentor] = -np.inf
        for a, cols in forbidden_by_row.items():
            if start <= a < start + len(rows):
                scores[a - start, cols] = -np.inf
        top = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        values = np.take_along_axis(scores, top, axis=1)
        ok = np.isfinite(values)
        picked.append((np.broadcast_to(rows[:, None], top.shape)[ok], top[ok], values[ok]))
        # A running top-k per mentor, so a mentor everyone ranks low still gets candidates.
        merged_val = np.vstack([best_val, scores])
        merged_row = np.vstack([best_row, np.broadcast_to(rows[:, None], scores.shape)])
        keep = np.argpartition(-merged_val, km - 1, axis=0)[:km]
        best_val = np.take_along_axis(merged_val, keep, axis=0)
        best_row = np.take_along_axis(merged_row, keep, axis=0)
    ok = np.isfinite(best_val)
    picked.append(
        (best_row[ok], np.broadcast_to(np.arange(m)[None, :], ok.shape)[ok], best_val[ok])
    )
    rows_all = np.concatenate([p[0] for p in picked])
    cols_all = np.concatenate([p[1] for p in picked])
    vals_all = np.concatenate([p[2] for p in picked])
    # A pair can be in both lists; keep it once.
    keys = rows_all * m + cols_all
    _, first = np.unique(keys, return_index=True)
    return sp.csr_matrix((vals_all[first], (rows_all[first], cols_all[first])), shape=(n, m))


def scale_rows(matrix: sp.csr_matrix, factors: np.ndarray) -> sp.csr_matrix:
    return sp.diags(factors) @ matrix


def drop_rows(matrix: sp.csr_matrix, rows: list[int]) -> sp.csr_matrix:
    keep = np.ones(matrix.shape[0])
    keep[rows] = 0
    result = sp.diags(keep) @ matrix
    result.eliminate_zeros()
    return result.tocsr()


def max_matchable(scores: sp.csr_matrix, seats: np.ndarray) -> int:
    """The most mentees any assignment could match on these candidate pairs (capacity slots)."""
    from scipy.sparse.csgraph import maximum_bipartite_matching

    seats = np.asarray(seats, dtype=np.int64)
    if scores.nnz == 0 or seats.sum() == 0:
        return 0
    coo = scores.tocoo()
    slot_start = np.concatenate([[0], np.cumsum(seats)[:-1]])
    reps = seats[coo.col]
    rows = np.repeat(coo.row, reps)
    offsets = (
        np.concatenate([np.arange(r) for r in reps]) if reps.size else np.zeros(0, dtype=np.int64)
    )
    cols = np.repeat(slot_start[coo.col], reps) + offsets
    graph = sp.csr_matrix(
        (np.ones(rows.size), (rows, cols)), shape=(scores.shape[0], int(seats.sum()))
    )
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def pair_contributions(
    index: MentorIndex,
    rows_e: MenteeRows,
    assignment: np.ndarray,
    weights: dict[str, float],
    *,
    chunk: int = 1000,
) -> dict[int, list[tuple[str, float]]]:
    """Contributions for each assigned pair (mentee row -> its mentor), scored like the run."""
    result: dict[int, list[tuple[str, float]]] = {}
    matched = np.flatnonzero(assignment >= 0)
    for start in range(0, matched.size, chunk):
        rows = matched[start : start + chunk]
        _, factors = score_rows(index, rows_e, rows, weights)
        for r, i in enumerate(rows):
            result[int(i)] = contributions(factors, r, int(assignment[i]), weights)
    return result
