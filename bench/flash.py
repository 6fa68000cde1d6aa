"""Flash mentoring benchmark: schedule generated events and check every rule of the schedule.

    python bench/flash.py           # the issue's event (300 mentees, 60 mentors, 6 rounds) and variants
    python bench/flash.py --quick   # small sizes, for CI

Mentees each name 5 mentors they would like to meet, drawn with a skewed popularity (a few mentors
are wanted by many), which is what makes preferred meetings scarce. Times are wall-clock for one
call. Prints a table, then one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentorbridge.matching.engine.flash import FlashSchedule, flash_schedule


def instance(
    n: int, m: int, rounds: int, seats: int, *, availability: float, seed: int
) -> tuple[list[list[int]], dict[int, list[int]]]:
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, m + 1) ** 0.8
    popularity /= popularity.sum()
    preferences = {
        i: [int(j) for j in rng.choice(m, size=min(5, m), replace=False, p=popularity)]
        for i in range(n)
    }
    table = [[seats if rng.random() < availability else 0 for _ in range(rounds)] for _ in range(m)]
    return table, preferences


def verify(schedule: FlashSchedule, n: int, seats: list[list[int]]) -> None:
    for r, row in enumerate(schedule.tables):
        for j in set(row) - {-1}:
            assert row.count(j) <= seats[j][r], "table over its seats"
    for i in range(n):
        met = schedule.mentors_met(i)
        assert len(met) == len(set(met)), "a repeat meeting"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0
    cases = [
        ("issue event: seats for all", 300, 60, 6, 5, 1.0),
        ("seats for 80% of meetings", 300, 60, 6, 4, 1.0),
        ("mentors skip 20% of rounds", 300, 60, 6, 5, 0.8),
        ("large: 1,000 × 200 × 8", 1000, 200, 8, 5, 1.0),
    ]
    rows: list[tuple[str, str, str]] = []
    figures: dict[str, Any] = {}
    for name, n, m, rounds, seats, availability in cases:
        n, m = max(int(n * scale), 5), max(int(m * scale), 1)
        table, preferences = instance(n, m, rounds, seats, availability=availability, seed=1)
        start = time.perf_counter()
        schedule = flash_schedule(n_mentees=n, seats=table, preferences=preferences)
        seconds = time.perf_counter() - start
        verify(schedule, n, table)
        full = sum(1 for i in range(n) if len(schedule.mentors_met(i)) == min(rounds, m))
        possible = min(n * rounds, sum(map(sum, table)))
        key = name.split(":")[0].replace(" ", "_").replace(",", "").replace("%", "pct")
        figures[key] = {
            "mentees": n,
            "mentors": m,
            "rounds": rounds,
            "seconds": round(seconds, 3),
            "meetings": schedule.meetings,
            "seat_limit": possible,
            "mentees_meeting_every_round": full,
            "preferred": schedule.preferred,
            "bound_preferred": schedule.bound_preferred,
            "exact": schedule.exact,
            "method": schedule.method,
        }
        rows.append(
            (
                f"{name} ({n}×{m}×{rounds})",
                f"{seconds:.2f} s, {schedule.meetings}/{possible} meetings",
                f"{full}/{n} meet {min(rounds, m)} mentors; {schedule.preferred} preferred "
                f"(bound {schedule.bound_preferred}); {'exact' if schedule.exact else 'not proven'}"
                f" [{schedule.method}]",
            )
        )
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'time / meetings':<28}  notes")
    for case, result, notes in rows:
        print(f"{case:<{width}}  {result:<28}  {notes}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
