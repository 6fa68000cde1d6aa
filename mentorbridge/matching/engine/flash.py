"""Flash mentoring schedules: mentees rotate between mentor tables over several short rounds.

`flash_schedule` decides who sits at which mentor's table in each round so that nobody meets the
same mentor twice, no table holds more mentees than its seats in that round, the most meetings take
place, and among those, the most with mentors the mentees asked for (a mentee's first choices
counting most). The method, and what it proves, is in docs/matching.md ("Flash mentoring"):

1. **Which pairs meet** is a b-matching solved exactly by min-cost flow: each mentee meets at most
   one mentor per round, each mentor at most their seats summed over the rounds, each pair once.
   Its optimum is an upper bound for any schedule.
2. **When they meet.** When every mentor has the same seats in every round they take part in all
   rounds, the chosen pairs always fit in the rounds (König's edge-colouring theorem, made
   constructive by alternating paths): the schedule reaches the bound and is exact. Otherwise
   (mentors who sit out some rounds) CP-SAT schedules the chosen pairs; whatever does not fit is
   filled round by round with further min-cost flows, and the result reports the bound it is
   measured against, so `exact` is a proof, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

# CP-SAT's budget for scheduling the chosen pairs when availability differs between rounds.
CP_SAT_SECONDS = 3.0


@dataclass(frozen=True)
class FlashSchedule:
    """`tables[r][i]` is the mentor index mentee i sits with in round r, or −1 (a break)."""

    tables: list[list[int]]
    meetings: int
    preferred: int
    # The best any schedule could do (the b-matching optimum): meetings, preferred meetings.
    bound_meetings: int
    bound_preferred: int
    # True when the schedule reaches the bound on every count of the objective (meetings,
    # evenness, preferred, ranks), which proves it optimal.
    exact: bool
    method: str

    def mentors_met(self, mentee: int) -> list[int]:
        return [row[mentee] for row in self.tables if row[mentee] >= 0]


def _validate(
    n_mentees: int,
    seats: Sequence[Sequence[int]],
    preferences: Mapping[int, Sequence[int]],
    forbidden: set[tuple[int, int]],
) -> tuple[np.ndarray, int]:
    if isinstance(n_mentees, bool) or not isinstance(n_mentees, int) or n_mentees < 0:
        raise ValueError("n_mentees must be a non-negative integer")
    if len({len(row) for row in seats}) > 1:
        raise ValueError("seats must give every mentor the same number of rounds")
    caps = np.asarray(seats, dtype=np.int64) if len(seats) else np.zeros((0, 0), np.int64)
    if (caps < 0).any():
        raise ValueError("seats must be non-negative")
    m, rounds = caps.shape
    for i, ranked in preferences.items():
        if not 0 <= i < n_mentees:
            raise ValueError(f"preferences name mentee {i}, who does not exist")
        if len(set(ranked)) != len(ranked):
            raise ValueError(f"mentee {i} names a mentor twice")
        for j in ranked:
            if not 0 <= j < m:
                raise ValueError(f"mentee {i} prefers mentor {j}, who does not exist")
    for i, j in forbidden:
        if not (0 <= i < n_mentees and 0 <= j < m):
            raise ValueError(f"forbidden pair ({i}, {j}) names someone who does not exist")
    return caps, rounds


def _weights(
    n: int, m: int, preferences: Mapping[int, Sequence[int]], forbidden: set[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray, int]:
    """Per allowed pair: a rank bonus (0 = not preferred, L = first choice) and the allowed mask.

    The flow's cost for a pair is −(big + bonus) when preferred and 0 otherwise; `big` exceeds any
    schedule's total bonus, so one more preferred meeting always beats better ranks elsewhere.
    """
    longest = max((len(r) for r in preferences.values()), default=0)
    bonus = np.zeros((n, m), dtype=np.int64)
    for i, ranked in preferences.items():
        for k, j in enumerate(ranked):
            bonus[i, j] = longest - k
    allowed = np.ones((n, m), dtype=bool)
    for i, j in forbidden:
        allowed[i, j] = False
        bonus[i, j] = 0
    big = int(n * m * (longest + 1)) + 1
    return bonus, allowed, big


def _pair_costs(bonus: np.ndarray, big: int) -> np.ndarray:
    return np.where(bonus > 0, -(big + bonus), 0).astype(np.int64)


def _flow(
    tails_left: np.ndarray,
    heads_right: np.ndarray,
    costs: np.ndarray,
    left_caps: np.ndarray,
    right_caps: np.ndarray,
    *,
    spread: bool = False,
) -> np.ndarray:
    """Max flow at least cost on source → left (caps) → right (1 per arc) → sink (caps).

    With `spread`, a left node's k-th unit costs k·w, w above any total pair cost: among maximum
    flows, the cheapest spreads the units as evenly as the network allows (a convex cost, exact
    with parallel arcs), and only then follows the pair costs. Returns which pair arcs carry flow.
    """
    n, m = left_caps.size, right_caps.size
    if tails_left.size == 0 or left_caps.sum() == 0 or right_caps.sum() == 0:
        return np.zeros(tails_left.size, dtype=bool)
    source, sink = n + m, n + m + 1
    total = int(min(left_caps.sum(), right_caps.sum()))
    if spread:
        w = total * (int(np.abs(costs).max(initial=0)) + 1) + 1
        lefts = np.repeat(np.arange(n), left_caps)
        ks = np.concatenate([np.arange(c) for c in left_caps]) if lefts.size else lefts
        source_heads, source_caps, source_costs = lefts, np.ones(lefts.size, np.int64), ks * w
    else:
        source_heads, source_caps = np.arange(n), left_caps
        source_costs = np.zeros(n, np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    first = source_heads.size
    tails = np.concatenate([np.full(first, source), tails_left, n + np.arange(m)])
    heads = np.concatenate([source_heads, n + heads_right, np.full(m, sink)])
    capacity = np.concatenate([source_caps, np.ones(tails_left.size, np.int64), right_caps])
    cost = np.concatenate([source_costs, costs, np.zeros(m, np.int64)]).astype(np.int64)
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacity.astype(np.int64), cost
    )[first : first + tails_left.size]
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.asarray(flow.flows(arcs)) > 0


def _color(n: int, pairs: list[tuple[int, int]], seats: np.ndarray, rounds: int) -> list[list[int]]:
    """Put every chosen pair in a round when each mentor has the same seats in every round.

    Each mentor becomes one node per seat and their pairs are dealt out so no seat has more than
    `rounds` of them; every mentee has at most `rounds` pairs. A bipartite graph of maximum degree
    R has a proper R-edge-colouring (König), found edge by edge: take a colour free at the mentee;
    if it is taken at the seat, swap the two colours along the alternating path from the seat,
    which in a bipartite graph never comes back to the mentee.
    """
    owner: list[int] = []
    first_seat = np.zeros(seats.size, dtype=np.int64)
    for j, s in enumerate(seats):
        first_seat[j] = len(owner)
        owner.extend([j] * int(s))
    dealt = np.zeros(seats.size, dtype=np.int64)
    ends: list[tuple[int, int]] = []
    for i, j in pairs:
        seat = int(first_seat[j] + dealt[j] % seats[j])
        dealt[j] += 1
        ends.append((i, n + seat))
    at = np.full((n + len(owner), rounds), -1, dtype=np.int64)
    colour = np.full(len(ends), -1, dtype=np.int64)
    for e, (u, v) in enumerate(ends):
        a = int(np.flatnonzero(at[u] < 0)[0])
        if at[v, a] >= 0:
            b = int(np.flatnonzero(at[v] < 0)[0])
            path: list[int] = []
            x, c, other = v, a, b
            while at[x, c] >= 0:
                f = int(at[x, c])
                path.append(f)
                p, q = ends[f]
                x = q if p == x else p
                c, other = other, c
            for f in path:
                p, q = ends[f]
                at[p, colour[f]] = -1
                at[q, colour[f]] = -1
            for f in path:
                p, q = ends[f]
                colour[f] = b if colour[f] == a else a
                at[p, colour[f]] = f
                at[q, colour[f]] = f
        colour[e] = a
        at[u, a] = e
        at[v, a] = e
    tables = [[-1] * n for _ in range(rounds)]
    for (i, j), c in zip(pairs, colour.tolist(), strict=True):
        tables[c][i] = j
    return tables


class _StopAt(cp_model.CpSolverSolutionCallback):
    def __init__(self, target: float) -> None:
        super().__init__()
        self.target = target

    def on_solution_callback(self) -> None:
        if self.objective_value >= self.target:
            self.stop_search()


def _schedule_cp_sat(
    n: int,
    pairs: list[tuple[int, int]],
    weight: list[int],
    caps: np.ndarray,
    rounds: int,
    seconds: float,
    *,
    hint: list[list[int]],
) -> list[list[int]]:
    """The heaviest set of chosen pairs that fits in the rounds, as an integer program."""
    tables = [[-1] * n for _ in range(rounds)]
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for e, (_i, j) in enumerate(pairs):
        for r in range(rounds):
            if caps[j, r] > 0:
                x[e, r] = model.new_bool_var(f"x{e}_{r}")
    by_pair: dict[int, list[cp_model.IntVar]] = {}
    by_mentee_round: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_mentor_round: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for (e, r), var in x.items():
        i, j = pairs[e]
        by_pair.setdefault(e, []).append(var)
        by_mentee_round.setdefault((i, r), []).append(var)
        by_mentor_round.setdefault((j, r), []).append(var)
    for group in (*by_pair.values(), *by_mentee_round.values()):
        model.add_at_most_one(group)
    for (j, r), group in by_mentor_round.items():
        model.add(sum(group) <= int(caps[j, r]))
    model.maximize(sum(weight[e] * var for (e, _r), var in x.items()))
    for (e, r), var in x.items():
        i, j = pairs[e]
        model.add_hint(var, hint[r][i] == j)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1  # deterministic for the same instance
    solver.parameters.random_seed = 0
    # Every chosen pair in a round is the best possible; CP-SAT would go on proving it.
    status = solver.solve(model, _StopAt(float(sum(weight))))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for (e, r), var in x.items():
            if solver.value(var):
                i, j = pairs[e]
                tables[r][i] = j
    return tables


def _fill(
    tables: list[list[int]], caps: np.ndarray, allowed: np.ndarray, costs: np.ndarray
) -> None:
    """Add meetings round by round where seats and mentees are still free (never repeating one)."""
    n, m = allowed.shape
    for r, row in enumerate(tables):
        met = np.zeros((n, m), dtype=bool)
        for other in tables:
            for i, j in enumerate(other):
                if j >= 0:
                    met[i, j] = True
        used = np.bincount([j for j in row if j >= 0], minlength=m)
        free_seats = np.maximum(caps[:, r] - used, 0)
        free_mentees = np.array([j < 0 for j in row], dtype=np.int64)
        ok = allowed & ~met & (free_mentees[:, None] > 0) & (free_seats[None, :] > 0)
        rows, cols = np.nonzero(ok)
        if rows.size == 0:
            continue
        chosen = _flow(rows, cols, costs[rows, cols], free_mentees, free_seats)
        for i, j in zip(rows[chosen], cols[chosen], strict=True):
            row[int(i)] = int(j)


def _value(tables: list[list[int]], bonus: np.ndarray) -> tuple[int, int, int, int]:
    """(meetings, evenness, preferred meetings, total rank bonus), compared in this order.

    Evenness is minus Σ d(d−1)/2 over the mentees' meeting counts d: higher when meetings are
    spread (five mentees meeting 4 mentors each beat four meeting 5 and one meeting none).
    """
    held = [(i, j) for row in tables for i, j in enumerate(row) if j >= 0]
    counts = np.bincount([i for i, _ in held], minlength=bonus.shape[0])
    return (
        len(held),
        -int((counts * (counts - 1) // 2).sum()),
        sum(1 for i, j in held if bonus[i, j] > 0),
        int(sum(bonus[i, j] for i, j in held)),
    )


def _schedule_partial(
    n: int,
    pairs: list[tuple[int, int]],
    bonus: np.ndarray,
    allowed: np.ndarray,
    costs: np.ndarray,
    caps: np.ndarray,
    rounds: int,
    bound: tuple[int, int, int, int],
) -> tuple[list[list[int]], str]:
    """Mentors who sit out some rounds: round-by-round flows first (fast, and often reaching the
    bound); only when they fall short, CP-SAT schedules the chosen pairs (started from the flows'
    schedule), then flows fill the gaps. The better schedule is kept."""
    greedy = [[-1] * n for _ in range(rounds)]
    _fill(greedy, caps, allowed, costs)
    if _value(greedy, bonus) == bound:
        return greedy, "round flows"
    # Lexicographic in one integer objective: a meeting, then a preferred one, then its rank.
    w_pref = int(sum(bonus[i, j] for i, j in pairs)) + 1
    w_meet = len(pairs) * (w_pref + int(bonus.max())) + 1
    weight = [w_meet + (w_pref + int(bonus[i, j]) if bonus[i, j] > 0 else 0) for i, j in pairs]
    exact_ip = _schedule_cp_sat(n, pairs, weight, caps, rounds, CP_SAT_SECONDS, hint=greedy)
    _fill(exact_ip, caps, allowed, costs)
    if _value(exact_ip, bonus) > _value(greedy, bonus):
        return exact_ip, "CP-SAT + round flows"
    return greedy, "round flows"


def flash_schedule(
    *,
    n_mentees: int,
    seats: Sequence[Sequence[int]],
    preferences: Mapping[int, Sequence[int]] | None = None,
    forbidden: set[tuple[int, int]] | None = None,
) -> FlashSchedule:
    """Schedule a flash mentoring event.

    seats[j][r]   — how many mentees mentor j's table holds in round r (0: j sits that round out);
    preferences   — mentee index → the mentors they would like to meet, best first;
    forbidden     — (mentee, mentor) pairs that must never meet (blocks, the same person).

    Objective, in this order: the most meetings; meetings spread as evenly over the mentees as
    possible; the most meetings with a preferred mentor; first choices before later ones.
    """
    preferences = preferences or {}
    forbidden = forbidden or set()
    caps, rounds = _validate(n_mentees, seats, preferences, forbidden)
    n, m = n_mentees, caps.shape[0]
    empty = [[-1] * n for _ in range(rounds)]
    if n == 0 or m == 0 or rounds == 0 or caps.sum() == 0:
        return FlashSchedule(empty, 0, 0, 0, 0, True, "empty")
    bonus, allowed, big = _weights(n, m, preferences, forbidden)
    costs = _pair_costs(bonus, big)
    rows, cols = np.nonzero(allowed)
    chosen = _flow(
        rows,
        cols,
        costs[rows, cols],
        np.full(n, rounds, np.int64),
        caps.sum(axis=1),
        spread=True,
    )
    pairs = [(int(i), int(j)) for i, j in zip(rows[chosen], cols[chosen], strict=True)]
    bound_tables = [[-1] * n for _ in range(max(rounds, 1))]
    # The chosen pairs valued as if they all fitted (a mentee's pairs stacked in distinct rows).
    depth = np.zeros(n, dtype=np.int64)
    for i, j in pairs:
        bound_tables[int(depth[i])][i] = j
        depth[i] += 1
    bound = _value(bound_tables, bonus)
    active = caps > 0
    uniform = all(
        len(set(caps[j].tolist())) == 1 and (active[j].all() or not active[j].any())
        for j in range(m)
    )
    if uniform:
        tables = _color(n, pairs, caps[:, 0], rounds)
        method = "flow + edge colouring"
    else:
        tables, method = _schedule_partial(n, pairs, bonus, allowed, costs, caps, rounds, bound)
        method = "flow + " + method
    value = _value(tables, bonus)
    return FlashSchedule(
        tables=tables,
        meetings=value[0],
        preferred=value[2],
        bound_meetings=bound[0],
        bound_preferred=bound[2],
        exact=value == bound,
        method=method,
    )
