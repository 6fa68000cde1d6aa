"""The matching engine: pure Python + NumPy/SciPy/OR-Tools, no Django.

- `stable_match` — mentee-proposing deferred acceptance with mentor capacities.
- `blocking_pairs` — the pairs that would rather be together than with their matches (an O(E) check).
- `optimal_assign` — exact capacity-constrained assignment for three objectives (min-cost flow);
  `assign.optimal_assign_pruned` solves a dense matrix on each side's top-k with a certificate.
- `prefs_from_scores` — ranked lists from a score matrix, for members who did not rank;
  `put_first` puts a member's own ranking ahead of the score-derived order.
- `quality_report` — what a coordinator needs to judge an assignment.
- `factors` — the registry of score factors (names, labels, the rules written once);
  `topk` — top-k candidate selection (each side's best pairs).
- `scoring` — explainable compatibility from plain tables (`PeopleTable`), candidate pairs from
  both sides' top-k (`candidates`), and each factor's part of a pair's score (`explain_pair`).

The command line (`python -m mentorbridge.matching.engine stable|optimal`) is in `cli.py`.
"""

from .assign import OBJECTIVES, assign, optimal_assign
from .factors import FACTORS
from .factors import NAMES as FACTOR_NAMES
from .report import quality_report
from .scoring import (
    MenteeRows,
    MentorIndex,
    candidates,
    contributions,
    explain_pair,
    score_rows,
)
from .stable import blocking_pairs, prefs_from_scores, put_first, stable_match
from .tables import PeopleTable

__all__ = [
    "FACTORS",
    "FACTOR_NAMES",
    "OBJECTIVES",
    "MenteeRows",
    "MentorIndex",
    "PeopleTable",
    "assign",
    "blocking_pairs",
    "candidates",
    "contributions",
    "explain_pair",
    "optimal_assign",
    "prefs_from_scores",
    "put_first",
    "quality_report",
    "score_rows",
    "stable_match",
]
