"""Explainable compatibility scoring: plain tables in, scores and candidate pairs out.

A score is a weighted sum of named factors, each in [0, 1] (described in docs/matching.md); hard
constraints (no seat, self, forbidden pairs, the stage rule, a preference the mentee insists on)
exclude a pair. Work is vectorised and chunked: never a dense matrix of Python objects, only float32
blocks of `chunk` mentees × mentors, two at a time.

Two paths compute the same scores: `score_rows` keeps every factor (for explanations), and
`candidates` sums them in one sparse × dense product per block (for whole pools); the tests hold
them equal.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from .factors import FLOOR, NAMES, normalised, same_gender, shared_background, stretch_text
from .tables import PeopleTable as People
from .topk import TopPerMentor, row_top


def _bool_matrix(sets: Sequence[set[int]], vocabulary: dict[int, int]) -> np.ndarray:
    matrix = np.zeros((len(sets), max(len(vocabulary), 1)), dtype=np.float32)
    for row, values in enumerate(sets):
        for value in values:
            col = vocabulary.get(value)
            if col is not None:
                matrix[row, col] = 1.0
    return matrix


def _sparse_sets(sets: Sequence[set[int]], vocabulary: dict[int, int]) -> sp.csr_matrix:
    """Rows of 0/1 over a vocabulary, sparse (a mentee targets a few of many institutions)."""
    cols = [[vocabulary[v] for v in values if v in vocabulary] for values in sets]
    lengths = np.fromiter(map(len, cols), dtype=np.int64, count=len(cols))
    indices = np.fromiter(
        (c for row in cols for c in sorted(row)), dtype=np.int64, count=int(lengths.sum())
    )
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    return sp.csr_matrix(
        (np.ones(indices.size, dtype=np.float32), indices, indptr),
        shape=(len(sets), max(len(vocabulary), 1)),
    )


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
        self.column_of_member = {member: j for j, member in enumerate(mentors.member_ids)}
        self.institution = np.asarray(mentors.institution_ids, dtype=np.int64)
        self.vocab_institutions = {v: n for n, v in enumerate(sorted(set(mentors.institution_ids)))}
        self.institution_col = np.asarray(
            [self.vocab_institutions[v] for v in mentors.institution_ids], dtype=np.int64
        )
        # Mentor j's institution as a one-hot column: targets (mentees × institutions) @ this
        # gives the `programs` factor without a dense mentees × institutions × mentors product.
        self.institution_onehot = sp.csr_matrix(
            (
                np.ones(self.size, dtype=np.float32),
                (self.institution_col, np.arange(self.size)),
            ),
            shape=(len(self.vocab_institutions), self.size),
        )
        self.stage = np.asarray(mentors.stage_order, dtype=np.int64)
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
        self.language_insisted = (
            np.asarray(mentees.language_insisted, dtype=bool)
            if len(mentees.language_insisted)
            else np.zeros(self.size, dtype=bool)
        )
        self.language_required = np.asarray(
            [
                index.vocab_languages.get(lang, -2) if lang else -1
                for lang in mentees.language_required
            ],
            dtype=np.int64,
        )
        # Target programs as a mentees × (mentors' institutions) 0/1 matrix: one gather per block.
        self.targets = _sparse_sets(mentees.target_institutions, index.vocab_institutions)
        self.stage = np.asarray(mentees.stage_order, dtype=np.int64)
        self.text = index.vectorizer.embed(mentees.texts) if index.vectorizer is not None else None
        # Factors that depend on one mentee attribute with few values are looked up, not computed
        # per pair: one row per distinct value, gathered for each block of mentees.
        offsets, self.offset_code = np.unique(self.offset, return_inverse=True)
        delta = np.abs(offsets[:, None] - index.offset[None, :])
        delta = np.minimum(delta, 24 - delta)
        self.time_zone_table = np.clip(1 - delta / 12, 0, 1).astype(np.float32)
        regions, self.region_code = np.unique(self.region, return_inverse=True)
        self.region_table = (
            (regions[:, None] == index.region[None, :]) & (regions[:, None] > 0)
        ).astype(np.float32)
        formats, self.format_code = np.unique(self.formats, return_inverse=True)
        self.meeting_table = ((formats[:, None] & index.formats[None, :]) > 0).astype(np.float32)
        # Sets of interests, topics and languages repeat a lot: score each distinct set once.
        self.interest_code, self.interest_table = _set_table(
            self.interests,
            index.interests,
            lambda shared, wanted: np.minimum(shared / np.clip(wanted, 1, 2), 1),
            self.n_interests,
        )
        self.topic_code, self.topic_table = _set_table(
            self.topics,
            index.topics,
            lambda shared, wanted: shared / np.maximum(wanted, 1),
            self.n_topics,
        )
        # Sharing any language is half; sharing a second one (beyond English) is the rest.
        self.language_code, self.language_table = _set_table(
            self.languages,
            index.languages,
            lambda shared, _: 0.5 * (shared > 0) + 0.5 * (shared > 1),
        )
        # The concordance factor's preferences (soft and hard alike: a hard one also excludes).
        self.preferences = _preference_rules(index, self)
        self.n_preferences = np.asarray(
            np.sum([p.asked for p in self.preferences], axis=0, dtype=np.int64)
        )
        self.any_preference = self.n_preferences > 0


TEXT_DIMENSIONS = 128
# Single texts embedded by each text model of this process (a mentee browsing Find a mentor is
# scored again on each visit and filter): kept beside the model, never pickled with it.
_EMBEDDED: weakref.WeakKeyDictionary[TextModel, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_EMBEDDED_KEPT = 4096


class TextModel:
    """TF-IDF fitted on the mentors' texts, reduced to a small dense space (latent semantic
    analysis) so that similarity is one BLAS product instead of a sparse one per block."""

    def __init__(self, texts: list[str]) -> None:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(
            stop_words="english", max_features=20000, sublinear_tf=True
        )
        tfidf = self.vectorizer.fit_transform(texts)
        self.svd = None
        if tfidf.shape[1] > TEXT_DIMENSIONS and tfidf.shape[0] > TEXT_DIMENSIONS:
            self.svd = TruncatedSVD(n_components=TEXT_DIMENSIONS, random_state=0).fit(tfidf)

    def embed(self, texts: list[str]) -> np.ndarray:
        if len(texts) == 1:  # one mentee's page (Find a mentor): the same text, the same vector
            return self._embed_one(texts[0]).copy()
        return self._embed(texts)

    def _embed_one(self, text: str) -> np.ndarray:
        kept = _EMBEDDED.setdefault(self, {})
        vector = kept.get(text)
        if vector is None:
            if len(kept) >= _EMBEDDED_KEPT:
                kept.clear()
            vector = kept[text] = self._embed([text])
        return vector

    def _embed(self, texts: list[str]) -> np.ndarray:
        tfidf = self.vectorizer.transform(texts)
        dense = self.svd.transform(tfidf) if self.svd is not None else tfidf.toarray()
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        return np.asarray(dense / np.where(norms > 0, norms, 1), dtype=np.float32)


def _set_table(
    rows: np.ndarray, mentors: np.ndarray, factor: Any, sizes: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(code per mentee, factor table per distinct set × mentors) for a set-overlap factor.

    `factor(shared, wanted)` maps overlap counts and the mentee's set size to [0, 1]; `sizes`
    gives the true set sizes when some of a mentee's terms are held by no mentor.
    """
    if sizes is None:
        sizes = rows.sum(axis=1)
    sizes = np.asarray(sizes, dtype=np.float32)
    # Distinct (set, size) rows, found on bit-packed bytes: sorting n short keys, not n float rows.
    keyed = np.ascontiguousarray(
        np.hstack(
            [
                np.packbits(rows > 0, axis=1),
                sizes.astype(np.uint32).view(np.uint8).reshape(-1, 4),
            ]
        )
    )
    keys = keyed.view(np.dtype((np.void, keyed.shape[1]))).ravel()
    _, first, code = np.unique(keys, return_index=True, return_inverse=True)
    shared = rows[first] @ mentors.T
    wanted = sizes[first][:, None]
    return code.ravel(), np.asarray(factor(shared, wanted), dtype=np.float32)


def _tfidf(texts: list[str]) -> tuple[TextModel | None, np.ndarray | None]:
    if not any(t.strip() for t in texts):
        return None, None
    try:
        model = TextModel(texts)
    except ValueError:  # only stop words
        return None, None
    return model, model.embed(texts).T.copy()


@dataclass(frozen=True)
class _Preference:
    """One preference a mentee may state: who stated it, each mentee's value for it, and the
    mentors that meet a value (a bool per mentor)."""

    asked: np.ndarray
    values: np.ndarray
    met_by: Callable[[Any], np.ndarray]


def _preference_rules(index: MentorIndex, e: MenteeRows) -> list[_Preference]:
    """The concordance factor's rules, the one place they are written: the share of these that a
    mentor meets is the factor, whichever path (`_preferences`, `_Linear`) computes it."""

    def speaks(language: int) -> np.ndarray:
        # A required language no mentor speaks (-2) is stated but met by nobody.
        if language < 0:
            return np.zeros(index.size, dtype=bool)
        return np.asarray(index.languages[:, language] > 0)

    return [
        _Preference(e.same_gender > 0, e.gender, lambda g: same_gender(g, index.gender)),
        _Preference(
            e.shared_background > 0,
            e.background,
            lambda b: shared_background(b, index.background),
        ),
        _Preference(e.institution_pref == 1, e.institution, lambda i: index.institution == i),
        _Preference(e.institution_pref == 2, e.institution, lambda i: index.institution != i),
        _Preference(e.language_required != -1, e.language_required, speaks),
        _Preference(e.same_region, e.region_code, lambda code: e.region_table[code] > 0),
    ]


def _preferences(
    index: MentorIndex, e: MenteeRows, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The concordance factor (share of a mentee's stated preferences a mentor meets) and the
    eligibility mask (self-matches and insisted-on preferences excluded), for mentees `rows`."""
    concordance = np.zeros((len(rows), index.size), dtype=np.float32)
    # Preferences are rare: compute them only for the rows that asked for one.
    for r in np.flatnonzero(e.any_preference[rows]):
        i = rows[r]
        met = np.zeros(index.size, dtype=np.float32)
        for preference in e.preferences:
            if preference.asked[i]:
                met += preference.met_by(preference.values[i])
        concordance[r] = met / int(e.n_preferences[i])
    eligible = e.member[rows, None] != index.member[None, :]
    for r in np.flatnonzero(_insists(e, rows)):
        eligible[r] &= _allowed(index, e, int(rows[r]))
    return concordance, eligible


def factor_block(
    index: MentorIndex, e: MenteeRows, rows: np.ndarray, *, min_stage_gap: int | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every factor for mentees `rows` × all mentors (float32), and the eligibility mask."""
    shape = (len(rows), index.size)
    factors: dict[str, np.ndarray] = {}
    factors["interests"] = e.interest_table[e.interest_code[rows]]
    factors["topics"] = e.topic_table[e.topic_code[rows]]
    factors["programs"] = (e.targets[rows] @ index.institution_onehot).toarray()
    factors["region"] = e.region_table[e.region_code[rows]]
    factors["time_zone"] = e.time_zone_table[e.offset_code[rows]]
    factors["language"] = e.language_table[e.language_code[rows]]
    factors["concordance"], eligible = _preferences(index, e, rows)
    if min_stage_gap is not None:
        eligible &= _stage_mask(index, e, rows, min_stage_gap) > 0
    factors["meeting"] = e.meeting_table[e.format_code[rows]]
    if e.text is not None and index.text is not None:
        factors["text"] = stretch_text(e.text[rows] @ index.text)
    else:
        factors["text"] = np.zeros(shape, dtype=np.float32)
    return factors, eligible


def _score(factors: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    w = normalised(weights)
    total = np.full(factors["interests"].shape, FLOOR, dtype=np.float32)
    scratch = np.empty_like(total)
    for name in NAMES:
        if w[name]:
            np.multiply(factors[name], np.float32((1 - FLOOR) * w[name]), out=scratch)
            total += scratch
    return total


class _Linear:
    """Every factor but text as one sparse matrix (mentees × table rows) times one dense stack of
    weighted tables (table rows × mentors): a block's sum of those factors is then a single sparse ×
    dense product, which writes each output row once while it sits in cache.

    Table factors (a value per distinct mentee set or attribute) take one row each; `programs` is
    one row per mentor institution the mentee targets; `concordance` is one row per stated
    preference, weighted 1 / (number of preferences stated), as in `_preferences`.
    """

    def __init__(self, index: MentorIndex, e: MenteeRows, w: dict[str, float]) -> None:
        tables: list[np.ndarray] = []
        entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (mentee, row, weight)
        height = 0

        def add(table: np.ndarray, mentees: np.ndarray, rows: np.ndarray, weight: Any) -> None:
            nonlocal height
            tables.append(np.asarray(table, dtype=np.float32))
            entries.append(
                (
                    mentees,
                    np.asarray(rows, dtype=np.int64) + height,
                    np.broadcast_to(weight, mentees.shape),
                )
            )
            height += tables[-1].shape[0]

        everyone = np.arange(e.size)
        for name, table, code in [
            ("interests", e.interest_table, e.interest_code),
            ("topics", e.topic_table, e.topic_code),
            ("region", e.region_table, e.region_code),
            ("time_zone", e.time_zone_table, e.offset_code),
            ("language", e.language_table, e.language_code),
            ("meeting", e.meeting_table, e.format_code),
        ]:
            if w[name]:
                add(table, everyone, code, (1 - FLOOR) * w[name])
        if w["programs"] and e.targets.nnz:
            # Only `candidates` builds this, after returning early on an empty pool: mentors exist.
            targets = e.targets.tocoo()
            add(
                np.arange(index.institution_onehot.shape[0])[:, None] == index.institution_col,
                targets.row.astype(np.int64),
                targets.col,
                (1 - FLOOR) * w["programs"],
            )
        if w["concordance"]:
            self._concordance(e, (1 - FLOOR) * w["concordance"], add)
        self.table = np.vstack(tables) if tables else np.zeros((1, index.size), dtype=np.float32)
        mentees = np.concatenate([x[0] for x in entries]) if entries else np.zeros(0, np.int64)
        self.onehot = sp.csr_matrix(
            (
                np.concatenate([x[2] for x in entries]).astype(np.float32)
                if entries
                else np.zeros(0, np.float32),
                (mentees, np.concatenate([x[1] for x in entries]) if entries else mentees),
            ),
            shape=(e.size, self.table.shape[0]),
        )

    @staticmethod
    def _concordance(e: MenteeRows, weight: float, add: Any) -> None:
        share = weight / np.maximum(e.n_preferences, 1)
        for preference in e.preferences:
            who = np.flatnonzero(preference.asked)
            if who.size:
                distinct, code = np.unique(preference.values[who], return_inverse=True)
                rows = np.stack([preference.met_by(v) for v in distinct])
                add(rows, who, code.ravel(), share[who])


def _hard_constraints(
    index: MentorIndex, e: MenteeRows, rows: np.ndarray, total: np.ndarray
) -> None:
    """-inf where a mentee insists on a preference the mentor does not meet (rows are few)."""
    for r in np.flatnonzero(_insists(e, rows)):
        total[r, ~_allowed(index, e, int(rows[r]))] = -np.inf


def _insists(e: MenteeRows, rows: np.ndarray) -> np.ndarray:
    return np.asarray(
        (e.same_gender[rows] == 2) | (e.shared_background[rows] == 2) | e.language_insisted[rows]
    )


def _allowed(index: MentorIndex, e: MenteeRows, i: int) -> np.ndarray:
    """The mentors that meet every preference mentee i insists on."""
    allowed = np.ones(index.size, dtype=bool)
    if e.same_gender[i] == 2:
        allowed &= same_gender(e.gender[i], index.gender)
    if e.shared_background[i] == 2:
        allowed &= shared_background(e.background[i], index.background)
    if e.language_insisted[i]:
        if e.language_required[i] >= 0:
            allowed &= index.languages[:, e.language_required[i]] > 0
        elif e.language_required[i] == -2:  # a language no mentor speaks
            allowed[:] = False
        else:
            allowed &= (e.languages[i] @ index.languages.T) > 0
    return allowed


def _fast_scores(
    index: MentorIndex,
    e: MenteeRows,
    start: int,
    stop: int,
    w: dict[str, float],
    linear: _Linear,
    min_stage_gap: int | None,
) -> np.ndarray:
    """The same scores as `score_rows` for mentees start..stop (-inf where not eligible), without
    keeping each factor."""
    rows = np.arange(start, stop)
    total = linear.onehot[start:stop] @ linear.table
    total += np.float32(FLOOR)
    if w["text"] and e.text is not None and index.text is not None:
        similarity = stretch_text(e.text[start:stop] @ index.text)
        similarity *= np.float32((1 - FLOOR) * w["text"])
        total += similarity
    _hard_constraints(index, e, rows, total)
    if min_stage_gap is not None:
        total[_stage_mask(index, e, rows, min_stage_gap) == 0] = -np.inf
    for r, member in enumerate(e.member[rows].tolist()):
        col = index.column_of_member.get(member)
        if col is not None:
            total[r, col] = -np.inf  # nobody mentors themselves
    return np.asarray(total)


def _stage_mask(index: MentorIndex, e: MenteeRows, rows: np.ndarray, gap: int) -> np.ndarray:
    """1 where the mentor is at least `gap` rungs above the mentee on the training ladder."""
    stages, code = np.unique(e.stage[rows], return_inverse=True)
    table = (index.stage[None, :] - stages[:, None] >= gap).astype(np.int8)
    return np.asarray(table[code.ravel()])


def score_rows(
    index: MentorIndex,
    mentees: MenteeRows,
    rows: np.ndarray,
    weights: dict[str, float],
    *,
    min_stage_gap: int | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Scores of mentees `rows` × all mentors (-inf where not eligible) and the factors behind them."""
    factors, eligible = factor_block(index, mentees, rows, min_stage_gap=min_stage_gap)
    return np.where(eligible, _score(factors, weights), -np.inf), factors


def contributions(
    factors: dict[str, np.ndarray], r: int, j: int, weights: dict[str, float]
) -> list[tuple[str, float]]:
    """Each factor's part of the score of (row r, mentor j); the parts sum to the score."""
    w = normalised(weights)
    parts = [(name, float((1 - FLOOR) * w[name] * factors[name][r, j])) for name in NAMES]
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


def explain_pair(
    index: MentorIndex, mentees: MenteeRows, i: int, j: int, weights: dict[str, float]
) -> list[tuple[str, float]]:
    """Contributions for mentee row i and mentor j scored as in a batch run on this pool (the same
    text model, the same tables): they sum to the score `candidates` stored for the pair."""
    _, factors = score_rows(index, mentees, np.asarray([i]), weights)
    return contributions(factors, 0, j, weights)


def candidates(
    index: MentorIndex,
    rows_e: MenteeRows,
    weights: dict[str, float],
    *,
    seats: np.ndarray,
    k: int,
    forbidden: set[tuple[int, int]] | None = None,
    min_stage_gap: int | None = None,
    chunk: int = 1000,
) -> sp.csr_matrix:
    """Sparse mentees × mentors scores of eligible pairs: each mentee's top-k and each mentor's top-k.

    Eligible: the mentor has a seat (`seats` > 0), is not the mentee, the pair is not `forbidden`
    ((mentee row, mentor column) pairs), the mentee's insisted-on preferences hold, and, when
    `min_stage_gap` is given, the mentor's `stage_order` is at least that many rungs above the
    mentee's. Stored scores are those of `score_rows` (float32 precision), always > 0.
    """
    n, m = rows_e.size, index.size
    if n == 0 or m == 0:
        return sp.csr_matrix((n, m), dtype=np.float64)
    open_mentor = np.asarray(seats) > 0
    kk = min(k, m)
    forbidden_by_row: dict[int, list[int]] = {}
    for a, b in forbidden or ():
        forbidden_by_row.setdefault(a, []).append(b)

    w = normalised(weights)
    linear = _Linear(index, rows_e, w)

    best_mentees = TopPerMentor(n, m, k)
    closed = ~open_mentor

    def block(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = np.arange(start, min(start + chunk, n))
        scores = _fast_scores(index, rows_e, start, start + rows.size, w, linear, min_stage_gap)
        if closed.any():
            scores[:, closed] = -np.inf
        for a, cols in forbidden_by_row.items():
            if start <= a < start + len(rows):
                scores[a - start, cols] = -np.inf
        top_rows, top_cols, top_values = row_top(scores, kk)
        best_mentees.offer(scores, start)
        return top_rows + start, top_cols, top_values

    # NumPy and SciPy release the GIL in the heavy loops, so blocks score in parallel threads.
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        picked = list(pool.map(block, range(0, n, chunk)))
    picked.append(best_mentees.result())
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


def with_pairs(
    scores: sp.csr_matrix,
    index: MentorIndex,
    rows_e: MenteeRows,
    weights: dict[str, float],
    pairs: Iterable[tuple[int, int]],
    *,
    seats: np.ndarray,
    forbidden: set[tuple[int, int]] | None = None,
    min_stage_gap: int | None = None,
    chunk: int = 200,
) -> sp.csr_matrix:
    """`scores` with the given (mentee row, mentor) pairs added where eligible, scored like the rest.

    Candidates keep only each side's top-k; a pair a member asked for by name (their ranking) must
    not be lost to that pruning. A pair stays out when `candidates` would exclude it anyway: no
    seat, forbidden, or not eligible (insisted preferences, and the stage gap when the same
    `min_stage_gap` is given to both).
    """
    csr = sp.csr_matrix(scores)
    csr.sort_indices()
    n, m = csr.shape
    wanted = sorted(
        {(i, j) for i, j in pairs if seats[j] > 0 and (i, j) not in (forbidden or set())}
    )
    if not wanted:
        return csr
    # Which are stored already: stored pairs as sorted row * m + column keys, searched at once.
    stored = np.repeat(np.arange(n, dtype=np.int64), np.diff(csr.indptr)) * m + csr.indices
    keys = np.asarray([i * m + j for i, j in wanted], dtype=np.int64)
    at = np.minimum(np.searchsorted(stored, keys), max(stored.size - 1, 0))
    present = (stored[at] == keys) if stored.size else np.zeros(keys.size, dtype=bool)
    missing = [pair for pair, here in zip(wanted, present.tolist(), strict=True) if not here]
    if not missing:
        return csr
    by_row: dict[int, list[int]] = {}
    for i, j in missing:
        by_row.setdefault(i, []).append(j)
    rows_all, cols_all, vals_all = [], [], []
    ordered = sorted(by_row)
    for start in range(0, len(ordered), chunk):
        rows = np.asarray(ordered[start : start + chunk], dtype=np.int64)
        block, _ = score_rows(index, rows_e, rows, weights, min_stage_gap=min_stage_gap)
        for r, i in enumerate(rows.tolist()):
            for j in by_row[i]:
                if np.isfinite(block[r, j]) and block[r, j] > 0:
                    rows_all.append(i)
                    cols_all.append(j)
                    vals_all.append(float(block[r, j]))
    extra = sp.csr_matrix((vals_all, (rows_all, cols_all)), shape=csr.shape)
    return (csr + extra).tocsr()
