"""Stable matching with capacities (the hospitals/residents problem), mentee-proposing.

Lists are turned into flat arrays once; the proposal loop then touches only Python ints, so the
whole call is O(number of ranked pairs).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp


def _check(
    mentee_prefs: Sequence[Sequence[int]],
    mentor_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> None:
    n, m = len(mentee_prefs), len(mentor_prefs)
    if len(capacities) != m:
        raise ValueError(f"capacities has {len(capacities)} entries for {m} mentors")
    for j, c in enumerate(capacities):
        if not isinstance(c, int | np.integer) or isinstance(c, bool) or c < 0:
            raise ValueError(f"capacity of mentor {j} must be a non-negative integer")
    for side, prefs, bound in (("mentee", mentee_prefs, m), ("mentor", mentor_prefs, n)):
        for who, row in enumerate(prefs):
            seen: set[int] = set()
            for x in row:
                if not isinstance(x, int | np.integer) or isinstance(x, bool) or not 0 <= x < bound:
                    raise ValueError(f"{side} {who} ranks {x!r}, which is out of range")
                if x in seen:
                    raise ValueError(f"{side} {who} ranks {x} twice")
                seen.add(int(x))


def _acceptable(
    mentee_prefs: Sequence[Sequence[int]], mentor_prefs: Sequence[Sequence[int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mentee-side CSR of acceptable pairs: (indptr, mentor, mentee_rank, mentor_rank)."""
    n, m = len(mentee_prefs), len(mentor_prefs)
    lengths = np.fromiter((len(r) for r in mentee_prefs), dtype=np.int64, count=n)
    mentors = np.fromiter(
        (j for r in mentee_prefs for j in r), dtype=np.int64, count=int(lengths.sum())
    )
    owners = np.repeat(np.arange(n, dtype=np.int64), lengths)
    ranks = np.arange(mentors.size, dtype=np.int64) - np.repeat(
        np.cumsum(lengths) - lengths, lengths
    )
    m_lengths = np.fromiter((len(r) for r in mentor_prefs), dtype=np.int64, count=m)
    m_mentees = np.fromiter(
        (i for r in mentor_prefs for i in r), dtype=np.int64, count=int(m_lengths.sum())
    )
    m_owner = np.repeat(np.arange(m, dtype=np.int64), m_lengths)
    m_rank = np.arange(m_mentees.size, dtype=np.int64) - np.repeat(
        np.cumsum(m_lengths) - m_lengths, m_lengths
    )
    # Look up each mentee-side pair's rank in the mentor's list with one sorted search.
    keys = m_owner * max(n, 1) + m_mentees
    order = np.argsort(keys, kind="stable")
    keys, m_rank = keys[order], m_rank[order]
    wanted = mentors * max(n, 1) + owners
    pos = np.searchsorted(keys, wanted)
    pos_clipped = np.minimum(pos, max(keys.size - 1, 0))
    found = (
        (pos < keys.size) & (keys[pos_clipped] == wanted)
        if keys.size
        else np.zeros(wanted.size, bool)
    )
    mentor_rank = np.where(found, m_rank[pos_clipped] if keys.size else 0, -1)
    keep = found
    kept_lengths = np.bincount(owners[keep], minlength=n)
    indptr = np.concatenate([[0], np.cumsum(kept_lengths)])
    return indptr, mentors[keep], ranks[keep], mentor_rank[keep]


def stable_match(
    mentee_prefs: Sequence[Sequence[int]],
    mentor_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> list[int]:
    """The mentee-optimal stable matching; mentor index per mentee, -1 when unmatched."""
    _check(mentee_prefs, mentor_prefs, capacities)
    n = len(mentee_prefs)
    indptr, mentor_of, _, mentor_rank = _acceptable(mentee_prefs, mentor_prefs)
    starts = indptr[:-1].tolist()
    ends = indptr[1:].tolist()
    mentor_list = mentor_of.tolist()
    rank_list = mentor_rank.tolist()
    capacity = [int(c) for c in capacities]
    held: list[list[tuple[int, int]]] = [
        [] for _ in capacity
    ]  # max-heap by mentor rank: (-rank, mentee)
    next_choice = starts[:]
    free = list(range(n - 1, -1, -1))  # a stack; the result does not depend on proposal order
    while free:
        i = free.pop()
        k = next_choice[i]
        end = ends[i]
        while k < end:
            j = mentor_list[k]
            rank = rank_list[k]
            k += 1
            heap = held[j]
            if len(heap) < capacity[j]:
                heapq.heappush(heap, (-rank, i))
                break
            if heap and -heap[0][0] > rank:
                _, rejected = heapq.heapreplace(heap, (-rank, i))
                free.append(rejected)
                break
        next_choice[i] = k
    assignment = [-1] * n
    for j, heap in enumerate(held):
        for _, i in heap:
            assignment[i] = j
    return assignment


def blocking_pairs(
    assignment: Sequence[int],
    mentee_prefs: Sequence[Sequence[int]],
    mentor_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> list[tuple[int, int]]:
    """Acceptable pairs (i, j) where mentee i prefers j to its match and mentor j has a free seat or
    prefers i to its worst mentee. Empty means the assignment is stable. O(ranked pairs)."""
    _check(mentee_prefs, mentor_prefs, capacities)
    n, m = len(mentee_prefs), len(mentor_prefs)
    assigned = np.asarray(assignment, dtype=np.int64)
    if assigned.size != n:
        raise ValueError(f"assignment has {assigned.size} entries for {n} mentees")
    if ((assigned < -1) | (assigned >= m)).any():
        raise ValueError("assignment refers to a mentor out of range")
    indptr, mentor_of, mentee_rank, mentor_rank = _acceptable(mentee_prefs, mentor_prefs)
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    # Rank each mentee gives its own match (len(list) when unmatched: anything acceptable is better).
    own = np.full(n, np.iinfo(np.int64).max)
    is_own = mentor_of == assigned[owner]
    own[owner[is_own]] = mentee_rank[is_own]
    # Worst held rank per mentor, and how many seats are used.
    load = np.bincount(assigned[assigned >= 0], minlength=m)
    worst = np.full(m, -1, dtype=np.int64)
    np.maximum.at(worst, mentor_of[is_own], mentor_rank[is_own])
    caps = np.asarray(capacities, dtype=np.int64)
    prefers = mentee_rank < own[owner]
    free_seat = load[mentor_of] < caps[mentor_of]
    better = mentor_rank < worst[mentor_of]
    blocking = prefers & (free_seat | better) & (caps[mentor_of] > 0)
    return list(zip(owner[blocking].tolist(), mentor_of[blocking].tolist(), strict=True))


def prefs_from_scores(scores: sp.spmatrix) -> tuple[list[list[int]], list[list[int]]]:
    """Ranked lists from a mentees × mentors score matrix: higher score first, ties by index."""
    csr = sp.csr_matrix(scores)
    csr.sum_duplicates()
    n, m = csr.shape
    coo = csr.tocoo()
    rows, cols, vals = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    by_mentee = np.lexsort((cols, -vals, rows))
    by_mentor = np.lexsort((rows, -vals, cols))
    mentee_prefs: list[list[int]] = [[] for _ in range(n)]
    for i, j in zip(rows[by_mentee].tolist(), cols[by_mentee].tolist(), strict=True):
        mentee_prefs[i].append(j)
    mentor_prefs: list[list[int]] = [[] for _ in range(m)]
    for j, i in zip(cols[by_mentor].tolist(), rows[by_mentor].tolist(), strict=True):
        mentor_prefs[j].append(i)
    return mentee_prefs, mentor_prefs
