"""Stable matching with capacities (the hospitals/residents problem), mentee-proposing.

The ranked lists are turned into flat arrays once (radix sorts and one merge, all linear); deferred
acceptance then runs in NumPy rounds in which every free mentee proposes at once, and finishes in a
plain Python loop when only a few mentees are still proposing. Any order of proposals ends in the
same matching (the mentee-optimal stable one), so mixing the two is exact. O(number of ranked pairs).
"""

from __future__ import annotations

import itertools
import operator
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

# Below this many proposers a NumPy round costs more in call overhead than a Python loop does.
SEQUENTIAL_BELOW = 64


# Lists are read this many entries at a time: small enough that the scratch memory of each step
# is reused rather than freshly mapped (fresh pages cost more than the reading itself).
READ_CHUNK = 1 << 15


def _flat(
    prefs: Sequence[Sequence[int]], bound: int, side: str, *, narrow: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(lengths, entries) of ranked lists, without a Python loop per entry. Entries are int64, or
    int32 when `narrow` and the bound allows (half the memory to write and to read again).

    `struct` packs only true integers (int, bool, anything with __index__) and refuses 0.7, 1.0
    and "1", which NumPy would quietly convert; packed straight into the result a chunk at a time,
    it is also the fastest way in (about 15 ns an entry), which matters because reading the lists
    is most of `blocking_pairs`' time.
    """
    try:
        lengths = np.fromiter(map(len, prefs), dtype=np.int64, count=len(prefs))
        ends = np.cumsum(lengths)
        code, dtype = ("i", np.int32) if narrow and bound < 2**31 else ("q", np.int64)
        entries: npt.NDArray[np.signedinteger[Any]] = np.empty(
            int(ends[-1]) if ends.size else 0, dtype=dtype
        )
        step = max(1, READ_CHUNK * len(prefs) // max(entries.size, 1))
        done = 0
        for first in range(0, len(prefs), step):
            last = int(ends[min(first + step, len(prefs)) - 1])
            chunk = itertools.chain.from_iterable(prefs[first : first + step])
            struct.pack_into(f"={last - done}{code}", entries.data, done * entries.itemsize, *chunk)
            done = last
    except (TypeError, struct.error):
        raise ValueError(_first_bad_entry(prefs, bound, side)) from None
    if entries.size and (entries.min() < 0 or entries.max() >= bound):
        k = int(np.flatnonzero((entries < 0) | (entries >= bound))[0])
        who = int(np.searchsorted(ends, k, side="right"))
        raise ValueError(f"{side} {who} ranks {int(entries[k])}, which is out of range")
    return lengths, entries


def _first_bad_entry(prefs: Sequence[Sequence[int]], bound: int, side: str) -> str:
    """The message for lists that `struct` refused: slow, and only ever run on bad input."""
    for who, ranked in enumerate(prefs):
        if not isinstance(ranked, Sequence) or isinstance(ranked, str | bytes):
            return f"{side} {who}'s preferences must be a list of integer indices"
        for entry in ranked:
            try:
                index = operator.index(entry)
            except TypeError:
                return (
                    f"every {side} preference list must hold integer indices "
                    f"({side} {who} ranks {entry!r})"
                )
            if not 0 <= index < bound:
                return f"{side} {who} ranks {index}, which is out of range"
    return f"every {side} preference list must hold integer indices"


def _stable_argsort(values: np.ndarray, bound: int) -> np.ndarray:
    """Stable argsort of integers in [0, bound): NumPy radix-sorts 16-bit keys in linear time,
    so wider keys are sorted 16 bits at a time, least significant first."""
    if bound <= 1 << 16:
        return np.argsort(values.astype(np.uint16), kind="stable")
    order = np.argsort((values & 0xFFFF).astype(np.uint16), kind="stable")
    return np.asarray(order[_stable_argsort(values[order] >> 16, ((bound - 1) >> 16) + 1)])


def _refuse_repeats(keys: np.ndarray, width: int, side: str) -> None:
    """`keys` = entry × width + owner, sorted: a name twice in one list shows as equal neighbours."""
    repeated = np.flatnonzero(keys[1:] == keys[:-1])
    if repeated.size:
        key = int(keys[repeated[0]])
        raise ValueError(f"{side} {key % width} ranks {key // width} twice")


def _positions(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, rank) of every entry of flattened lists."""
    owners = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    return owners, np.arange(owners.size, dtype=np.int64) - np.repeat(starts, lengths)


@dataclass(frozen=True)
class Acceptable:
    """The mutually acceptable pairs, mentee-major, each mentee's in its order of preference."""

    indptr: np.ndarray  # mentee i's pairs are [indptr[i], indptr[i + 1])
    mentor: np.ndarray
    mentee_rank: np.ndarray  # position of the mentor in the mentee's whole list
    mentor_rank: np.ndarray  # position of the mentee in the mentor's whole list


def acceptable_pairs(
    mentee_prefs: Sequence[Sequence[int]], mentor_prefs: Sequence[Sequence[int]]
) -> Acceptable:
    """Validate both sides' lists (integers, in range, no name twice in one list) and pair them up.

    Raises ValueError on bad input. Linear time: two radix sorts and one merge of sorted keys.
    """
    n, m = len(mentee_prefs), len(mentor_prefs)
    lengths, mentors = _flat(mentee_prefs, m, "mentee")
    m_lengths, m_mentees = _flat(mentor_prefs, n, "mentor")
    owners, ranks = _positions(lengths)
    m_owners, m_ranks = _positions(m_lengths)
    # Mentor-side entries come in mentor order; a stable sort by mentee gives (mentee, mentor) order.
    order = _stable_argsort(m_mentees, max(n, 1))
    keys = (m_mentees * m + m_owners)[order]
    _refuse_repeats(keys, max(m, 1), "mentor")
    by_mentor = _stable_argsort(mentors, max(m, 1))
    _refuse_repeats((mentors * n + owners)[by_mentor], max(n, 1), "mentee")
    # Every mentee-side pair looked up among the mentor-side keys (queries come almost sorted).
    wanted = owners * m + mentors
    pos = np.searchsorted(keys, wanted)
    found = np.zeros(wanted.size, dtype=bool)
    if keys.size:
        np.minimum(pos, keys.size - 1, out=pos)
        found = keys[pos] == wanted
    mentor_rank = m_ranks[order][pos[found]] if keys.size else np.zeros(0, dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners[found], minlength=n), out=indptr[1:])
    return Acceptable(indptr, mentors[found], ranks[found], mentor_rank)


def _capacities(capacities: Sequence[int], m: int) -> np.ndarray:
    try:
        caps = np.asarray(capacities)
    except (TypeError, ValueError):
        raise ValueError("capacities must be non-negative integers") from None
    if caps.shape != (m,):
        raise ValueError(f"capacities has {caps.size} entries for {m} mentors")
    if caps.size and (not np.issubdtype(caps.dtype, np.integer) or (caps < 0).any()):
        raise ValueError("capacities must be non-negative integers")
    return caps.astype(np.int64)


def deferred_acceptance(
    pairs: Acceptable, capacities: np.ndarray, *, sequential_below: int = SEQUENTIAL_BELOW
) -> np.ndarray:
    """Mentee-proposing deferred acceptance on validated pairs; mentor per mentee, -1 unmatched.

    Each mentor has `capacity` seats, a contiguous block of a flat seat array holding the mentee
    and the mentor's rank of them. A round lets every free mentee propose to its next choice; each
    touched mentor keeps its best `capacity` among those it held and the new proposers.
    """
    n = pairs.indptr.size - 1
    m = capacities.size
    # A mentor cannot hold more mentees than rank it: this bounds the seat array.
    caps = np.minimum(capacities, np.bincount(pairs.mentor, minlength=m))
    seat_start = np.cumsum(caps) - caps
    seat_mentee = np.full(int(caps.sum()), -1, dtype=np.int64)
    seat_rank = np.zeros(int(caps.sum()), dtype=np.int64)
    mentor, mentor_rank = pairs.mentor, pairs.mentor_rank
    next_pair = pairs.indptr[:-1].copy()
    end = pairs.indptr[1:]
    free = np.flatnonzero(next_pair < end)
    width = n + 1
    is_touched = np.zeros(m, dtype=bool)
    while free.size >= max(sequential_below, 1):
        k = next_pair[free]
        next_pair[free] += 1
        j = mentor[k]
        is_touched[j] = True  # a mask over mentors beats hashing the proposals to find them
        touched = np.flatnonzero(is_touched)
        is_touched[touched] = False
        c = caps[touched]
        block = np.cumsum(c) - c
        seats = np.repeat(seat_start[touched] - block, c) + np.arange(int(c.sum()))
        held = seat_mentee[seats]
        occupied = held >= 0
        pool_mentee = np.concatenate([held[occupied], free])
        pool_mentor = np.concatenate([np.repeat(touched, c)[occupied], j])
        pool_rank = np.concatenate([seat_rank[seats][occupied], mentor_rank[k]])
        # A mentor ranks each mentee once, so (mentor, rank) keys are distinct: the order is unique.
        order = np.argsort(pool_mentor * width + pool_rank)
        pool_mentee, pool_mentor, pool_rank = (
            pool_mentee[order],
            pool_mentor[order],
            pool_rank[order],
        )
        starts = np.flatnonzero(np.diff(pool_mentor, prepend=-1))
        place = np.arange(pool_mentor.size) - np.repeat(
            starts, np.diff(starts, append=pool_mentor.size)
        )
        keep = place < caps[pool_mentor]
        seat_mentee[seats] = -1
        dest = seat_start[pool_mentor[keep]] + place[keep]
        seat_mentee[dest] = pool_mentee[keep]
        seat_rank[dest] = pool_rank[keep]
        rejected = pool_mentee[~keep]
        free = rejected[next_pair[rejected] < end[rejected]]
    if free.size:
        _finish_sequentially(
            free, next_pair, end, mentor, mentor_rank, caps, seat_start, seat_mentee, seat_rank
        )
    assignment = np.full(n, -1, dtype=np.int64)
    occupied = seat_mentee >= 0
    assignment[seat_mentee[occupied]] = np.repeat(np.arange(m), caps)[occupied]
    return assignment


def _view(array: np.ndarray) -> memoryview:
    """A writable view of a contiguous int64 array, for fast single-entry access from Python."""
    return np.ascontiguousarray(array, dtype=np.int64).data


def _finish_sequentially(
    free: np.ndarray,
    next_pair: np.ndarray,
    end: np.ndarray,
    mentor: np.ndarray,
    mentor_rank: np.ndarray,
    caps: np.ndarray,
    seat_start: np.ndarray,
    seat_mentee: np.ndarray,
    seat_rank: np.ndarray,
) -> None:
    """The last proposals one at a time, updating the seat arrays in place. Memoryviews read
    single entries as Python ints without copying the arrays."""
    mentor_of, rank_of = _view(mentor), _view(mentor_rank)
    ends, cap, start = _view(end), _view(caps), _view(seat_start)
    pointer, who, rank_held = _view(next_pair), _view(seat_mentee), _view(seat_rank)
    stack = free.tolist()
    while stack:
        i = stack.pop()
        k, stop = pointer[i], ends[i]
        while k < stop:
            j, rank = mentor_of[k], rank_of[k]
            k += 1
            # The seat to take: an empty one, else the one holding the mentor's worst mentee.
            worst_seat, worst_rank = -1, -1
            for s in range(start[j], start[j] + cap[j]):
                if who[s] < 0:
                    worst_seat, worst_rank = s, rank + 1  # any empty seat will do
                    break
                if rank_held[s] > worst_rank:
                    worst_seat, worst_rank = s, rank_held[s]
            if worst_rank > rank:
                displaced = who[worst_seat]
                who[worst_seat], rank_held[worst_seat] = i, rank
                if displaced >= 0:
                    stack.append(displaced)
                break
        pointer[i] = k


def stable_match(
    mentee_prefs: Sequence[Sequence[int]],
    mentor_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> list[int]:
    """The mentee-optimal stable matching; mentor index per mentee, -1 when unmatched.

    A pair is acceptable only when each lists the other; a name listed twice in one list, an index
    out of range or a negative capacity raises ValueError.
    """
    caps = _capacities(capacities, len(mentor_prefs))
    pairs = acceptable_pairs(mentee_prefs, mentor_prefs)
    return [int(j) for j in deferred_acceptance(pairs, caps)]


def _refuse_repeats_in_lists(lengths: np.ndarray, entries: np.ndarray, side: str) -> None:
    """Raise when a list names someone twice. Lists of similar lengths are padded into rows and
    sorted row by row (a few milliseconds for a million entries); others go through a radix sort."""
    count = lengths.size
    longest = int(lengths.max()) if count else 0
    if longest <= 1:
        return
    if count * longest > 4 * entries.size or entries.max() >= 2**31 - longest:
        owners = np.repeat(np.arange(count, dtype=np.int64), lengths)
        order = _stable_argsort(entries, int(entries.max()) + 1)
        _refuse_repeats((entries.astype(np.int64) * count + owners)[order], count, side)
        return
    # int32 halves the memory to sort. Padding is negative, so it differs from every entry, and
    # -1 - column differs from the other padding in its row.
    rows = np.empty((count, longest), dtype=np.int32)
    if entries.size == rows.size:
        rows.ravel()[:] = entries  # a copy: the caller's entries keep their order
    else:
        rows[:] = -1 - np.arange(longest, dtype=np.int32)
        rows[np.arange(longest) < lengths[:, None]] = entries
    rows.sort(axis=1)
    same = rows[:, 1:] == rows[:, :-1]
    if same.any():
        who, column = (int(x) for x in np.argwhere(same)[0])
        raise ValueError(f"{side} {who} ranks {int(rows[who, column])} twice")


def blocking_pairs(
    assignment: Sequence[int],
    mentee_prefs: Sequence[Sequence[int]],
    mentor_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> list[tuple[int, int]]:
    """Acceptable pairs (i, j) where mentee i prefers j to its match and mentor j has a free seat or
    prefers i to its worst mentee, by mentee and then in i's order of preference. Empty means the
    assignment is stable. A match that is not on both lists counts as no match.

    Validates its input as `stable_match` does. Every list entry is addressed by its index in one
    flat array per side, where "ranked above" means "at a smaller index in the same list". Linear,
    apart from a sort of the pairs of mentees whom several mentors would take over what they hold
    (few when the assignment is nearly stable). Reading the lists is most of its time.
    """
    n, m = len(mentee_prefs), len(mentor_prefs)
    caps = _capacities(capacities, m)
    try:
        assigned = np.asarray(assignment, dtype=np.int64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError("assignment must hold integer mentor indices") from None
    if assigned.shape != (n,):
        raise ValueError(f"assignment has {assigned.size} entries for {n} mentees")
    if ((assigned < -1) | (assigned >= m)).any():
        raise ValueError("assignment refers to a mentor out of range")
    # Entries and names in int32 where they fit: most of the work is moving them through memory.
    lengths, mentors = _flat(mentee_prefs, m, "mentee", narrow=True)
    m_lengths, mentees = _flat(mentor_prefs, n, "mentor", narrow=True)
    _refuse_repeats_in_lists(lengths, mentors, "mentee")
    _refuse_repeats_in_lists(m_lengths, mentees, "mentor")
    ends, m_ends = np.cumsum(lengths), np.cumsum(m_lengths)
    names = np.int32 if max(n, m) < 2**31 else np.int64
    m_owner = np.repeat(np.arange(m, dtype=names), m_lengths)
    match = assigned.astype(names)

    # Where each side lists the match (at most once: repeats were refused); keep the mutual ones.
    held = np.flatnonzero(match[mentees] == m_owner)
    own = np.flatnonzero(mentors == np.repeat(match, lengths))
    own_mentee = np.searchsorted(ends, own, side="right")
    on_mentor_list = np.zeros(n, dtype=bool)
    on_mentor_list[mentees[held]] = True
    mutual = on_mentor_list[own_mentee]
    own, own_mentee = own[mutual], own_mentee[mutual]
    on_mentee_list = np.zeros(n, dtype=bool)
    on_mentee_list[own_mentee] = True
    held = held[on_mentee_list[mentees[held]]]

    # What each mentor would take: with a free seat, its whole list; full, what it ranks above its
    # worst mentee (nothing when it holds no one it lists). Few entries for a stable assignment.
    cutoff = m_ends.copy()
    worst = np.full(m, -1, dtype=np.int64)
    np.maximum.at(worst, m_owner[held], held)
    full = np.bincount(assigned[assigned >= 0], minlength=m) >= caps
    cutoff[full] = worst[full]
    span = np.maximum(cutoff - (m_ends - m_lengths), 0)
    takes = np.repeat(m_ends - m_lengths - (np.cumsum(span) - span), span) + np.arange(
        int(span.sum())
    )
    if not takes.size:
        return []
    taken, taker = mentees[takes], m_owner[takes]

    # What each mentee prefers: the entries above its match, marked by a running sum that steps up
    # at the match and back down at the end of its list.
    step = np.zeros(mentors.size + 1, dtype=np.int8)
    step[own] = 1
    step[ends[own_mentee]] -= 1
    prefers = np.cumsum(step[:-1], dtype=np.int8) == 0

    # Blocking pairs are in both. One mentor that would take each mentee finds most of them with
    # one comparison per entry; mentees that several mentors would take are looked up exactly.
    taker_of = np.full(n, -1, dtype=names)
    taker_of[taken] = taker
    hit = prefers & (np.repeat(taker_of, lengths) == mentors)
    several = np.bincount(taken, minlength=n) > 1
    rest = np.flatnonzero(prefers & np.repeat(several, lengths) & ~hit)
    if rest.size:
        keys = np.sort(np.add(taken.astype(np.int64) * m, taker, dtype=np.int64))
        owner = np.searchsorted(ends, rest, side="right")
        wanted = np.add(owner * m, mentors[rest], dtype=np.int64)
        hit[rest[keys[np.minimum(np.searchsorted(keys, wanted), keys.size - 1)] == wanted]] = True
    found = np.flatnonzero(hit)
    pairs = np.searchsorted(ends, found, side="right"), mentors[found]
    return list(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True))


def prefs_from_scores(scores: sp.spmatrix) -> tuple[list[list[int]], list[list[int]]]:
    """Ranked lists from a mentees × mentors score matrix: higher score first, ties by index.

    Both sides list exactly the stored pairs, so every listed pair is acceptable to both.
    """
    csr = sp.csr_matrix(scores)
    csr.sum_duplicates()
    n, m = csr.shape
    coo = csr.tocoo()
    rows, cols, vals = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    by_mentee = np.lexsort((cols, -vals, rows))
    by_mentor = np.lexsort((rows, -vals, cols))
    mentee_split = np.cumsum(np.bincount(rows, minlength=n))[:-1]
    mentor_split = np.cumsum(np.bincount(cols, minlength=m))[:-1]
    mentee_prefs = [a.tolist() for a in np.split(cols[by_mentee], mentee_split)] if n else []
    mentor_prefs = [a.tolist() for a in np.split(rows[by_mentor], mentor_split)] if m else []
    return mentee_prefs, mentor_prefs


def put_first(
    prefs: Sequence[Sequence[int]], first: Mapping[int, Sequence[int]]
) -> list[list[int]]:
    """Ranked lists with each member's own ranking first, then the rest of their list in its order.

    `prefs` are the acceptable partners of each member, best first (from `prefs_from_scores`, say);
    `first[i]` is member i's own ranking. Names in a ranking that are not in `prefs[i]` (not
    acceptable, or not eligible any more) are left out, and so are repeats, so the result ranks the
    same partners as `prefs`, only in the member's order where they gave one.
    """
    result = []
    for i, ranked in enumerate(prefs):
        own = first.get(i)
        if not own:
            result.append(list(ranked))
            continue
        acceptable = set(ranked)
        head = list(dict.fromkeys(j for j in own if j in acceptable))
        chosen = set(head)
        result.append(head + [j for j in ranked if j not in chosen])
    return result
