"""Top-k selection against brute force: each row's best, each column's best over blocks in any
order (ties to the lower row), each group's heaviest pairs, and both sides of a dense matrix."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from mentorbridge.matching.engine.topk import (
    TopPerMentor,
    dense_keep,
    mentor_major_order,
    row_top,
    top_per_group,
)


def scores(n: int, m: int, seed: int, *, ties: bool = True) -> np.ndarray:
    """float32 scores in (0, 1], some pairs not eligible (-inf), many ties when asked."""
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, (n, m)) / 5 if ties else rng.random((n, m)) + 1e-3
    values = values.astype(np.float32)
    values[rng.random((n, m)) < 0.3] = -np.inf
    return values


@pytest.mark.parametrize("seed", range(5))
def test_row_top_keeps_each_rows_best_finite_scores(seed: int) -> None:
    block = scores(30, 12, seed)
    for k in (1, 3, 12):
        rows, cols, values = row_top(block, k)
        assert (block[rows, cols] == values).all()
        for r in range(block.shape[0]):
            finite = np.sort(block[r][np.isfinite(block[r])])[::-1]
            assert sorted(values[rows == r].tolist(), reverse=True) == finite[:k].tolist()


def _best_per_column(dense: np.ndarray, k: int) -> set[tuple[int, int]]:
    """Each column's k best rows by score, then lower row: the rule TopPerMentor keeps."""
    kept = set()
    for c in range(dense.shape[1]):
        eligible = [r for r in range(dense.shape[0]) if dense[r, c] > 0]
        best = sorted(eligible, key=lambda r: (-dense[r, c], r))[:k]
        kept |= {(r, c) for r in best}
    return kept


@pytest.mark.parametrize("seed", range(6))
def test_top_per_mentor_is_exact_whatever_order_the_blocks_arrive_in(seed: int) -> None:
    n, m, k, chunk = 70, 9, 4, 8
    dense = scores(n, m, seed)
    expected = _best_per_column(dense, k)
    starts = list(range(0, n, chunk))
    random.Random(seed).shuffle(starts)
    top = TopPerMentor(n, m, k)
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda s: top.offer(dense[s : s + chunk], s), starts))
    rows, cols, values = top.result()
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == expected
    assert (dense[rows, cols] == values).all()


def test_top_per_mentor_with_no_blocks_or_no_eligible_pair_keeps_nothing() -> None:
    assert all(part.size == 0 for part in TopPerMentor(3, 2, 2).result())
    top = TopPerMentor(3, 2, 2)
    top.offer(np.full((3, 2), -np.inf, dtype=np.float32), 0)
    assert all(part.size == 0 for part in top.result())


def test_the_mentor_major_order_is_the_same_packed_or_lexsorted() -> None:
    rng = np.random.default_rng(7)
    rows = rng.integers(0, 50, 400)
    cols = rng.integers(0, 9, 400)
    vals = (rng.integers(1, 6, 400) / 5).astype(np.float32)
    packed = mentor_major_order(rows, cols, vals, 6, 4)
    lexsorted = mentor_major_order(rows, cols, vals, 30, 10)  # too wide to pack: a lexsort
    expected = sorted(range(400), key=lambda e: (cols[e], -vals[e], rows[e]))
    keys = list(zip(cols.tolist(), (-vals).tolist(), rows.tolist(), strict=True))
    assert [keys[e] for e in packed] == [keys[e] for e in lexsorted] == [keys[e] for e in expected]


@pytest.mark.parametrize("big", [False, True])
def test_top_per_group_keeps_each_groups_heaviest_up_to_its_limit(big: bool) -> None:
    rng = np.random.default_rng(3)
    groups = rng.integers(0, 12, 300)
    weight = rng.integers(1, 1_000_000, 300)
    if big:  # group and weight no longer pack into one int64: the lexsort path
        weight = weight * 2**40
    limit = rng.integers(0, 6, 12)
    keep = top_per_group(groups, weight, limit)
    for g in range(12):
        mine = weight[groups == g]
        kept = weight[(groups == g) & keep]
        assert kept.size == min(int(limit[g]), mine.size)
        assert sorted(kept.tolist()) == sorted(mine.tolist())[mine.size - kept.size :]


def test_dense_keep_holds_both_sides_top_k_among_allowed_pairs() -> None:
    rng = np.random.default_rng(11)
    dense = rng.random((25, 10))
    dense[rng.random((25, 10)) < 0.3] = 0  # not allowed
    limits = rng.integers(1, 8, 10)
    keep = dense_keep(dense, 3, limits)
    assert not (keep & (dense <= 0)).any()
    for r in range(25):
        allowed = np.sort(dense[r][dense[r] > 0])[::-1]
        best = allowed[: min(3, allowed.size)]
        assert set(best.tolist()) <= set(dense[r][keep[r]].tolist())
    for c in range(10):
        allowed = np.sort(dense[:, c][dense[:, c] > 0])[::-1]
        best = allowed[: min(int(limits[c]), allowed.size)]
        assert set(best.tolist()) <= set(dense[:, c][keep[:, c]].tolist())
