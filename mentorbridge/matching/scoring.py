"""The Django side's bridge to the matching engine: feature tables in, scores and assignments out.

Factors (each in [0, 1]) and hard constraints are described in docs/matching.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .features import People

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


class Tables:
    """Dense per-side arrays for vectorised scoring (one row per person)."""

    def __init__(self, mentees: People, mentors: People) -> None:
        vocab_i = _vocabulary(mentees.interests, mentors.interests)
        vocab_t = _vocabulary(mentees.topics, mentors.topics)
        vocab_l = _vocabulary(mentees.languages, mentors.languages)
        self.e_interests = _bool_matrix(mentees.interests, vocab_i)
        self.m_interests = _bool_matrix(mentors.interests, vocab_i)
        self.e_topics = _bool_matrix(mentees.topics, vocab_t)
        self.m_topics = _bool_matrix(mentors.topics, vocab_t)
        self.e_languages = _bool_matrix(mentees.languages, vocab_l)
        self.m_languages = _bool_matrix(mentors.languages, vocab_l)
        regions = {
            r: n + 1
            for n, r in enumerate(sorted(set(mentees.regions) | set(mentors.regions) - {""}))
        }
        self.e_region = np.asarray([regions.get(r, 0) for r in mentees.regions], dtype=np.int32)
        self.m_region = np.asarray([regions.get(r, 0) for r in mentors.regions], dtype=np.int32)
        self.e_offset = np.asarray(mentees.utc_offsets, dtype=np.float32)
        self.m_offset = np.asarray(mentors.utc_offsets, dtype=np.float32)
        self.e_formats = np.asarray(mentees.formats, dtype=np.int32)
        self.m_formats = np.asarray(mentors.formats, dtype=np.int32)
        self.e_gender = np.asarray(mentees.genders, dtype=np.int32)
        self.m_gender = np.asarray(mentors.genders, dtype=np.int32)
        self.e_background = np.asarray(mentees.backgrounds, dtype=np.int32)
        self.m_background = np.asarray(mentors.backgrounds, dtype=np.int32)
        self.e_member = np.asarray(mentees.member_ids, dtype=np.int64)
        self.m_member = np.asarray(mentors.member_ids, dtype=np.int64)
        self.e_institution = np.asarray(mentees.institution_ids, dtype=np.int64)
        self.m_institution = np.asarray(mentors.institution_ids, dtype=np.int64)
        self.e_same_gender = np.asarray(mentees.same_gender, dtype=np.int8)
        self.e_shared_background = np.asarray(mentees.shared_background, dtype=np.int8)
        self.e_institution_pref = np.asarray(
            [{"": 0, "same": 1, "different": 2}.get(p, 0) for p in mentees.institution_preference],
            dtype=np.int8,
        )
        self.e_same_region = np.asarray(mentees.same_region, dtype=bool)
        lang_col = [vocab_l.get(lang, -1) if lang else -1 for lang in mentees.language_required]
        self.e_language_required = np.asarray(lang_col, dtype=np.int64)
        self.e_targets = mentees.target_institutions
        self.e_stage = np.asarray(mentees.stage_order, dtype=np.int32)
        self.m_stage = np.asarray(mentors.stage_order, dtype=np.int32)
        self.texts = _tfidf(mentees.texts, mentors.texts)


def _tfidf(
    mentee_texts: list[str], mentor_texts: list[str]
) -> tuple[sp.csr_matrix, sp.csr_matrix] | None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not any(t.strip() for t in mentee_texts) or not any(t.strip() for t in mentor_texts):
        return None
    vectorizer = TfidfVectorizer(
        stop_words="english", min_df=1, max_features=20000, sublinear_tf=True
    )
    try:
        vectorizer.fit(list(mentor_texts) + list(mentee_texts))
    except ValueError:  # only stop words
        return None
    return vectorizer.transform(mentee_texts), vectorizer.transform(mentor_texts)


def factor_block(t: Tables, rows: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every factor for mentees `rows` × all mentors, and the eligibility mask (len(rows) × M)."""
    n_interests = np.maximum(t.e_interests[rows].sum(axis=1, keepdims=True), 1)
    n_topics = np.maximum(t.e_topics[rows].sum(axis=1, keepdims=True), 1)
    factors: dict[str, np.ndarray] = {}
    factors["interests"] = np.minimum(
        (t.e_interests[rows] @ t.m_interests.T) / np.minimum(n_interests, 2), 1.0
    )
    factors["topics"] = (t.e_topics[rows] @ t.m_topics.T) / n_topics
    programs = np.zeros((len(rows), len(t.m_institution)), dtype=np.float32)
    for r, i in enumerate(rows):
        if t.e_targets[i]:
            programs[r] = np.isin(t.m_institution, list(t.e_targets[i]))
    factors["programs"] = programs
    same_region = (t.e_region[rows, None] == t.m_region[None, :]) & (t.e_region[rows, None] > 0)
    factors["region"] = same_region.astype(np.float32)
    delta = np.abs(t.e_offset[rows, None] - t.m_offset[None, :])
    delta = np.minimum(delta, 24 - delta)
    factors["time_zone"] = np.clip(1 - delta / 12, 0, 1)
    shared_languages = t.e_languages[rows] @ t.m_languages.T
    factors["language"] = (shared_languages > 1).astype(np.float32) * 0.5 + (
        shared_languages > 0
    ) * 0.5
    gender_met = (t.e_gender[rows, None] == t.m_gender[None, :]) & (t.e_gender[rows, None] > 0)
    background_met = (t.e_background[rows, None] & t.m_background[None, :]) > 0
    same_inst = t.e_institution[rows, None] == t.m_institution[None, :]
    pref_inst = t.e_institution_pref[rows, None]
    inst_met = np.where(pref_inst == 1, same_inst, ~same_inst)
    required_language = t.e_language_required[rows]
    lang_met = np.zeros_like(shared_languages, dtype=bool)
    for r, col in enumerate(required_language):
        if col >= 0:
            lang_met[r] = t.m_languages[:, col] > 0
    wanted = np.stack(
        [
            np.broadcast_to(t.e_same_gender[rows, None] > 0, gender_met.shape),
            np.broadcast_to(t.e_shared_background[rows, None] > 0, gender_met.shape),
            np.broadcast_to(pref_inst > 0, gender_met.shape),
            np.broadcast_to(required_language[:, None] >= 0, gender_met.shape),
            np.broadcast_to(t.e_same_region[rows, None], gender_met.shape),
        ]
    )
    met = np.stack([gender_met, background_met, inst_met, lang_met, same_region]) & wanted
    n_wanted = wanted.sum(axis=0)
    factors["concordance"] = np.where(
        n_wanted > 0, met.sum(axis=0) / np.maximum(n_wanted, 1), 0
    ).astype(np.float32)
    factors["meeting"] = ((t.e_formats[rows, None] & t.m_formats[None, :]) > 0).astype(np.float32)
    if t.texts is not None:
        sim = (t.texts[0][rows] @ t.texts[1].T).toarray()
        factors["text"] = np.clip(sim * 2.5, 0, 1).astype(np.float32)  # cosine rarely passes 0.4
    else:
        factors["text"] = np.zeros_like(programs)
    eligible = t.e_member[rows, None] != t.m_member[None, :]
    eligible &= ~((t.e_same_gender[rows, None] == 2) & ~gender_met)
    eligible &= ~((t.e_shared_background[rows, None] == 2) & ~background_met)
    return factors, eligible


def _weights(weights: dict[str, float]) -> dict[str, float]:
    total = sum(max(w, 0.0) for w in weights.values()) or 1.0
    return {f: max(weights.get(f, 0.0), 0.0) / total for f in FACTORS}


def _score(factors: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    w = _weights(weights)
    total = np.zeros_like(factors["interests"], dtype=np.float64)
    for name in FACTORS:
        if w[name]:
            total += w[name] * factors[name]
    return FLOOR + (1 - FLOOR) * total


def score_one(mentee: People, mentors: People, weights: dict[str, float]) -> np.ndarray:
    """Score of the single mentee in `mentee` against every mentor; -inf where not eligible."""
    if len(mentors) == 0:
        return np.zeros(0)
    t = Tables(mentee, mentors)
    factors, eligible = factor_block(t, np.asarray([0]))
    scores = _score(factors, weights)[0]
    return np.where(eligible[0], scores, -np.inf)


def explain(
    mentees: People, mentors: People, j: int, weights: dict[str, float], *, i: int = 0
) -> list[tuple[str, float]]:
    """Each factor's contribution to the score of pair (i, j); they sum to the score."""
    t = Tables(_row(mentees, i), _row(mentors, j))
    factors, _ = factor_block(t, np.asarray([0]))
    w = _weights(weights)
    parts = [(name, float((1 - FLOOR) * w[name] * factors[name][0, 0])) for name in FACTORS]
    return [("base", FLOOR), *parts]


def _row(people: People, k: int) -> People:
    return People(**{name: [values[k]] for name, values in vars(people).items()})


def candidates(
    mentees: People,
    mentors: People,
    weights: dict[str, float],
    *,
    seats: np.ndarray,
    k: int,
    forbidden: set[tuple[int, int]] | None = None,
    chunk: int = 1000,
) -> sp.csr_matrix:
    """Sparse mentees × mentors scores of eligible pairs: each mentee's top-k and each mentor's top-k."""
    n, m = len(mentees), len(mentors)
    if n == 0 or m == 0:
        return sp.csr_matrix((n, m), dtype=np.float64)
    t = Tables(mentees, mentors)
    open_mentor = np.asarray(seats) > 0
    rows_out, cols_out, vals_out = [], [], []
    best_for_mentor_val = np.full((min(k, n), m), -np.inf)
    best_for_mentor_row = np.full((min(k, n), m), -1, dtype=np.int64)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        factors, eligible = factor_block(t, rows)
        scores = np.where(eligible & open_mentor[None, :], _score(factors, weights), -np.inf)
        for a, b in forbidden or ():
            if start <= a < start + chunk:
                scores[a - start, b] = -np.inf
        kk = min(k, m)
        top = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        for r in range(len(rows)):
            for col in top[r]:
                if np.isfinite(scores[r, col]):
                    rows_out.append(rows[r])
                    cols_out.append(col)
                    vals_out.append(scores[r, col])
        # Running top-k per mentor, so a mentor everyone ranks low still gets candidates.
        merged_val = np.vstack([best_for_mentor_val, scores])
        merged_row = np.vstack([best_for_mentor_row, np.broadcast_to(rows[:, None], scores.shape)])
        keep = np.argpartition(-merged_val, best_for_mentor_val.shape[0] - 1, axis=0)[
            : best_for_mentor_val.shape[0]
        ]
        best_for_mentor_val = np.take_along_axis(merged_val, keep, axis=0)
        best_for_mentor_row = np.take_along_axis(merged_row, keep, axis=0)
    finite = np.isfinite(best_for_mentor_val)
    mentor_rows = best_for_mentor_row[finite]
    mentor_cols = np.broadcast_to(np.arange(m)[None, :], finite.shape)[finite]
    rows_all = np.concatenate([np.asarray(rows_out, dtype=np.int64), mentor_rows])
    cols_all = np.concatenate([np.asarray(cols_out, dtype=np.int64), mentor_cols])
    vals_all = np.concatenate([np.asarray(vals_out, dtype=np.float64), best_for_mentor_val[finite]])
    matrix = sp.coo_matrix((vals_all, (rows_all, cols_all)), shape=(n, m)).tocsr()
    matrix.sum_duplicates()
    # Duplicates (a pair in both top-k lists) were summed: divide back by their count.
    counts = sp.coo_matrix((np.ones_like(vals_all), (rows_all, cols_all)), shape=(n, m)).tocsr()
    counts.sum_duplicates()
    matrix.data = matrix.data / counts.data
    return matrix


def scale_rows(matrix: sp.csr_matrix, factors: np.ndarray) -> sp.csr_matrix:
    return sp.diags(factors) @ matrix


def drop_rows(matrix: sp.csr_matrix, rows: list[int]) -> sp.csr_matrix:
    keep = np.ones(matrix.shape[0])
    keep[rows] = 0
    result = sp.diags(keep) @ matrix
    result.eliminate_zeros()
    return result.tocsr()


def assign(
    scores: sp.csr_matrix, seats: np.ndarray, *, objective: str, seed: int = 0
) -> np.ndarray:
    """Mentor index per mentee (-1 unmatched) from the engine, for the run's objective."""
    from mentorbridge.matching import engine

    capacities = [int(c) for c in seats]
    if objective == "stable":
        mentee_prefs, mentor_prefs = engine.prefs_from_scores(scores)
        return np.asarray(
            engine.stable_match(mentee_prefs, mentor_prefs, capacities), dtype=np.int64
        )
    return np.asarray(
        engine.optimal_assign(scores.tocsr(), capacities, objective=objective), dtype=np.int64
    )


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
