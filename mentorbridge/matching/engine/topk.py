"""Top-k selection, the engine's pruning step: which of many scored pairs are worth solving on.

- `row_top` — each row's k highest scores of a dense block (each mentee's best mentors);
- `TopPerMentor` — each column's k best over blocks of rows that arrive in any order (each
  mentor's best mentees, while `scoring.candidates` scores blocks in threads);
- `top_per_group` — each group's heaviest pairs of a sparse pair list, with a limit per group
  (`assign` prunes a large "total" problem with it);
- `dense_keep` — both sides' top-k of a dense matrix (`assign.optimal_assign_pruned`).

Ties are broken the same way on every run: by the lower mentee index in `TopPerMentor`, by the
sort in `top_per_group`, by NumPy's partition (deterministic for the same input) elsewhere.
"""

from __future__ import annotations

import threading

import numpy as np


def row_top(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, score) of each row's k highest finite scores (all of them when fewer are
    finite; -inf marks a pair that is not eligible). `k` is at most the number of columns."""
    m = scores.shape[1]
    top = np.argpartition(scores, m - k, axis=1)[:, m - k :]
    values = np.take_along_axis(scores, top, axis=1)
    ok = np.isfinite(values)
    rows = np.broadcast_to(np.arange(scores.shape[0])[:, None], top.shape)
    return rows[ok], top[ok], values[ok]


def dense_keep(scores: np.ndarray, k: int, column_limits: np.ndarray) -> np.ndarray:
    """Mask of each row's k highest entries and each column j's `column_limits[j]` highest, among
    the positive entries (0 = not allowed)."""
    n, m = scores.shape
    keep = np.zeros((n, m), dtype=bool)
    kk = min(k, m)
    if kk:
        top = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        np.put_along_axis(keep, top, True, axis=1)
    for j in range(m):
        kj = int(min(n, column_limits[j]))
        if kj:
            keep[np.argpartition(-scores[:, j], kj - 1)[:kj], j] = True
    return keep & (scores > 0)


def top_per_group(groups: np.ndarray, weight: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Mask of each group's `limit[group]` heaviest pairs (weights ≥ 1; ties broken by the sort,
    the same way every run). Group and weight pack into one int64 key when they fit."""
    bits = int(weight.max()).bit_length() if weight.size else 1
    if bits + int(groups.max() if groups.size else 0).bit_length() <= 62:
        order = np.argsort((groups << bits) | ((1 << bits) - 1 - weight))
    else:
        order = np.lexsort((-weight, groups))
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.diff(sorted_groups, prepend=-1))
    place = np.empty(order.size, dtype=np.int64)
    place[order] = np.arange(order.size) - np.repeat(starts, np.diff(starts, append=order.size))
    return np.asarray(place < limit[groups])


def mentor_major_order(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, row_bits: int, col_bits: int
) -> np.ndarray:
    """Order of entries by mentor, then score descending, then mentee index.

    A positive float32 below 2 has its bit pattern below 2**30 and sorts like the number, so when
    mentor and mentee indices fit the remaining 34 bits the three keys pack into one uint64 and a
    plain sort does; otherwise a three-key lexsort.
    """
    if row_bits + col_bits <= 34 and (vals.size == 0 or float(vals.max()) < 2.0):
        bits = vals.astype(np.float32).view(np.uint32).astype(np.uint64)
        key = (cols.astype(np.uint64) << np.uint64(30 + row_bits)) | (
            ((np.uint64(2**30 - 1) - bits) << np.uint64(row_bits)) | rows.astype(np.uint64)
        )
        return np.argsort(key)
    return np.lexsort((rows, -vals, cols))


class TopPerMentor:
    """Each mentor's k best mentees, by score then lower mentee index, over blocks of scores that
    arrive in any order (threads).

    Each mentor has a threshold, the (score, mentee) of its k-th best so far: a block hands over
    only the entries that beat it, which after the first blocks is a small share. The final choice
    does not depend on the order the blocks arrived in: an entry is left out only when k entries
    already held beat it.
    """

    def __init__(self, n: int, m: int, k: int) -> None:
        self.m, self.k = m, k
        self.score = np.zeros(m, dtype=np.float32)  # eligible scores are > 0
        self.mentee = np.zeros(m, dtype=np.int64)  # on equal scores, lower mentee indices win
        self.pool: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.pooled = 0
        self.lock = threading.Lock()
        self.row_bits, self.col_bits = int(n).bit_length(), int(m).bit_length()

    def offer(self, scores: np.ndarray, start: int) -> None:
        with self.lock:  # a consistent (score, mentee) pair per mentor
            score, mentee = self.score.copy(), self.mentee.copy()
        at_least = scores >= score[None, :]
        if np.count_nonzero(at_least) <= 4 * self.k * self.m:
            r, c = np.divmod(np.flatnonzero(at_least), self.m)
            wins = (scores[r, c] > score[c]) | (r + start < mentee[c])
            r, c = r[wins], c[wins]
            uninformative = False
        else:
            # Thresholds not yet informative: this block's k-th best score per mentor bounds what
            # can matter; ties with it are kept (at most this block) and sorted out below.
            uninformative = True
            km = min(self.k, scores.shape[0])
            columns = np.partition(scores.T, scores.shape[0] - km, axis=1)
            kth = columns[:, scores.shape[0] - km]
            r, c = np.divmod(
                np.flatnonzero((scores >= np.maximum(kth, score)[None, :]) & (scores > 0)), self.m
            )
        found = (r + start, c, scores[r, c])
        with self.lock:
            self.pool.append(found)
            self.pooled += r.size
            if uninformative or self.pooled > 8 * self.k * self.m:
                self._compress()

    def _compress(self) -> None:
        """Keep each mentor's k best entries and raise its threshold to the k-th."""
        rows = np.concatenate([p[0] for p in self.pool])
        cols = np.concatenate([p[1] for p in self.pool])
        vals = np.concatenate([p[2] for p in self.pool])
        order = mentor_major_order(rows, cols, vals, self.row_bits, self.col_bits)
        rows, cols, vals = rows[order], cols[order], vals[order]
        place = np.arange(cols.size) - np.searchsorted(cols, cols)
        keep = place < self.k
        self.pool = [(rows[keep], cols[keep], vals[keep])]
        self.pooled = int(keep.sum())
        kth = place == self.k - 1
        self.score[cols[kth]] = vals[kth]
        self.mentee[cols[kth]] = rows[kth]

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.pool:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        self._compress()
        return self.pool[0]
