"""Placing applicants in mentoring circles: an exact min-cost flow in pure Python (no Django).

Each mentee ranks up to a few circles (best first); each circle has some seats left. The placement
seats **the most mentees possible**, and among those placements **the most first choices, then the
most second choices**, and so on (rank-maximal). A mentee sits in at most one circle, a circle
takes at most its seats, and nobody is placed in a circle they did not rank.

Method: successive shortest paths on the network source → mentee (capacity 1) → circle (capacity
1, only for ranked circles) → sink (capacity = seats). Every mentee→circle arc of rank r costs
−(n+1)^(K−r) (K = the longest list, n = mentees), so one more r-th choice outweighs any number of
worse ones; Python's integers make the weights exact however large. Successive shortest paths
reach a flow of minimum cost for each flow value, so running it until no augmenting path is left
gives a maximum flow (the most placed) of minimum cost (the best ranks). The initial network has
negative arc costs but no cycles, so Bellman–Ford (queue-based) finds the shortest paths.

Instances are small (hundreds of mentees, tens of circles, three choices each): a placement of
500 applicants to 60 circles takes well under a second.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Placement:
    """`circle[i]`: the circle index of mentee i, or −1; `by_rank[r]`: mentees placed at their
    (r+1)-th choice."""

    circle: list[int]
    by_rank: list[int]

    @property
    def placed(self) -> int:
        return sum(1 for c in self.circle if c >= 0)


class _Network:
    def __init__(self, nodes: int) -> None:
        self.head: list[list[int]] = [[] for _ in range(nodes)]
        self.to: list[int] = []
        self.cap: list[int] = []
        self.cost: list[int] = []

    def arc(self, a: int, b: int, cap: int, cost: int) -> int:
        """Add a→b and its residual b→a; returns the forward arc's index."""
        index = len(self.to)
        for frm, dst, c, w in ((a, b, cap, cost), (b, a, 0, -cost)):
            self.head[frm].append(len(self.to))
            self.to.append(dst)
            self.cap.append(c)
            self.cost.append(w)
        return index

    def shortest_path(self, source: int, sink: int) -> list[int] | None:
        """Arcs of a cheapest source→sink path in the residual network (Bellman–Ford with a
        queue), or None when the sink cannot be reached."""
        n = len(self.head)
        dist: list[int | None] = [None] * n
        via = [-1] * n
        queued = [False] * n
        dist[source] = 0
        queue = deque([source])
        queued[source] = True
        while queue:
            node = queue.popleft()
            queued[node] = False
            here = dist[node]
            assert here is not None
            for arc in self.head[node]:
                if self.cap[arc] <= 0:
                    continue
                nxt = self.to[arc]
                candidate = here + self.cost[arc]
                seen = dist[nxt]
                if seen is None or candidate < seen:
                    dist[nxt] = candidate
                    via[nxt] = arc
                    if not queued[nxt]:
                        queued[nxt] = True
                        queue.append(nxt)
        if dist[sink] is None:
            return None
        path = []
        node = sink
        while node != source:
            arc = via[node]
            path.append(arc)
            node = self.to[arc ^ 1]
        return path


def place_in_circles(preferences: Sequence[Sequence[int]], seats: Sequence[int]) -> Placement:
    """The rank-maximal placement of the most mentees (see the module's docstring).

    `preferences[i]` lists circle indices best first (no repeats); `seats[j]` ≥ 0 is what circle
    j can still take. Raises ValueError on an index out of range, a repeat or negative seats.
    """
    m = len(seats)
    if any(s < 0 for s in seats):
        raise ValueError("seats must be non-negative")
    for i, ranked in enumerate(preferences):
        if len(set(ranked)) != len(ranked):
            raise ValueError(f"mentee {i} ranks a circle twice")
        if any(not 0 <= j < m for j in ranked):
            raise ValueError(f"mentee {i} ranks a circle that does not exist")
    n = len(preferences)
    depth = max((len(p) for p in preferences), default=0)
    source, sink = n + m, n + m + 1
    net = _Network(n + m + 2)
    for i in range(n):
        net.arc(source, i, 1, 0)
    choice: dict[int, tuple[int, int, int]] = {}  # arc → (mentee, circle, rank)
    for i, ranked in enumerate(preferences):
        for r, j in enumerate(ranked):
            if seats[j] > 0:
                choice[net.arc(i, n + j, 1, -((n + 1) ** (depth - 1 - r)))] = (i, j, r)
    for j, s in enumerate(seats):
        if s > 0:
            net.arc(n + j, sink, s, 0)
    while (path := net.shortest_path(source, sink)) is not None:
        for arc in path:
            net.cap[arc] -= 1
            net.cap[arc ^ 1] += 1
    circle = [-1] * n
    by_rank = [0] * depth
    for arc, (i, j, r) in choice.items():
        if net.cap[arc] == 0:  # the arc carries the mentee's one unit of flow
            circle[i] = j
            by_rank[r] += 1
    return Placement(circle=circle, by_rank=by_rank)
