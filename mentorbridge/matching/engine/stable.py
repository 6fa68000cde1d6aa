"""Stable matching with capacities (the hospitals/residents problem), mentee-proposing.

Lists are turned into flat arrays once; the proposal loop then touches only Python ints, so the
whole call is O(number of ranked pairs).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp


def _flat(prefs: Sequence[Sequence[int]], side: str) -> tuple[np.ndarray, np.ndarray]:
    """(lengths, entries) of ranked lists as int64 arrays, without a Python loop per entry."""
    try:
        lengths = np.fromiter((len(r) for r in prefs), dtype=np.int64, count=len(prefs))
        entries = np.fromiter(
            itertools.chain.from_iterable(prefs), dtype=np.int64, count=int(lengths.sum())
        )
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"every {side} preference list must hold integer indices") from None
    return lengths, entries


def _check_side(lengths: np.ndarray, entries: np.ndarray, bound: int, side: str) -> None:
    bad = (entries < 0) | (entries >= bound)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        who = int(np.searchsorted(np.cumsum(lengths), k, side="right"))
        raise ValueError(f"{side} {who} ranks {int(entries[k])}, which is out of range")
    owners = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    keys = np.sort(owners * max(bound, 1) + entries)
    repeated = np.flatnonzero(keys[1:] == keys[:-1])
    if repeated.size:
        key = int(keys[repeated[0]])
        raise ValueError(f"{side} {key // max(bound, 1)} ranks {key % max(bound, 1)} twice")


def _capacities(capacities: Sequence[int], m: int) -> np.ndarray:
    caps = np.asarray(capacities)
    if caps.shape != (m,):
        raise ValueError(f"capacities has {caps.size} entries for {m} mentors")
    if caps.size and (not np.issubdtype(caps.dtype, np.integer) or (caps < 0).any()):
        raise ValueError("capacities must be non-negative integers")
    return caps.astype(np.int64)


def _acceptable(
    mentee_prefs: Sequence[Sequence[int]], mentor_prefs: Sequence[Sequence[int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate the lists and return the mentee-side CSR of acceptable pairs:
    (indptr, mentor, mentee's rank of that mentor, mentor's rank of that mentee)."""
    n, m = len(mentee_prefs), len(mentor_prefs)
    lengths, mentors = _flat(mentee_prefs, "mentee")
    m_lengths, m_mentees = _flat(mentor_prefs, "mentor")
    _check_side(lengths, mentors, m, "mentee")
    _check_side(m_lengths, m_mentees, n, "mentor")
    owners = np.repeat(np.arange(n, dtype=np.int64), lengths)
    ranks = np.arange(mentors.size, dtype=np.int64) - np.repeat(
        np.cumsum(lengths) - lengths, lengths
    )
    m_owner = np.repeat(np.arange(m, dtype=np.int64), m_lengths)
    m_rank = np.arange(m_mentees.size, dtype=np.int64) - np.repeat(
        np.cumsum(m_lengths) - m_lengths, m_lengths
    )
    # Each mentee-side pair's rank in the mentor's list, by one sorted merge of pair keys.
    width = max(n, 1)
    keys = m_owner * width + m_mentees
    order = np.argsort(keys, kind="stable")
    keys, m_rank = keys[order], m_rank[order]
    wanted = mentors * width + owners
    query_order = np.argsort(wanted, kind="stable")
    pos = np.empty_like(wanted)
    pos[query_order] = np.searchsorted(keys, wanted[query_order])
    found = np.zeros(wanted.size, dtype=bool)
    if keys.size:
        inside = pos < keys.size
        found[inside] = keys[pos[inside]] == wanted[inside]
    mentor_rank = np.where(
        found, m_rank[np.minimum(pos, max(keys.size - 1, 0))] if keys.size else 0, -1
    )
    kept_lengths = np.bincount(owners[found], minlength=n)
    indptr = np.concatenate([[0], np.cumsum(kept_lengths)])
    return indptr, mentors[found], ranks[found], mentor_rank[found]


def stable_match(
    mentee_prefs: Sequence[Sequence[int]],
    mentor_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> list[int]:
    """The mentee-optimal stable matching; mentor index per mentee, -1 when unmatched."""
    n = len(mentee_prefs)
    capacity = _capacities(capacities, len(mentor_prefs)).tolist()
    indptr, mentor_of, _, mentor_rank = _acceptable(mentee_prefs, mentor_prefs)
    starts = indptr[:-1].tolist()
    ends = indptr[1:].tolist()
    mentor_list = mentor_of.tolist()
    rank_list = mentor_rank.tolist()
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
    n, m = len(mentee_prefs), len(mentor_prefs)
    caps = _capacities(capacities, m)
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
