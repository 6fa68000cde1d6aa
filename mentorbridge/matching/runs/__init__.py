"""Coordinator match runs: snapshot the cycle, score, assign, preview, adjust, publish.

A run is reproducible: its snapshot holds every input the engine saw (feature tables, seats,
weights, fixed and forbidden pairs, seed), and `match_run_execute` computes only from it.
Each run considers the mentees still without a mentor and the seats still free, so a run after
a publish matches late enrollments without touching published pairs.

One module per job: `lifecycle` (create, re-run, publish and supersede), `inputs` (the snapshot),
`compute` (the assignment from a snapshot), `metrics` (figures, from the engine's quality
report), `edits` (swap, lock, remove), `execute` (the task's work).
"""

from __future__ import annotations

from mentorbridge.core.refusals import Refusal

from ..engine import scoring
from .compute import CANDIDATES_PER_SIDE, NO_CT_PRIORITY, compute
from .edits import proposal_lock, proposal_remove, proposal_swap
from .execute import match_run_execute
from .inputs import PRIVATE_COLUMNS, snapshot, snapshot_people
from .lifecycle import match_run_create, match_run_publish, match_run_rerun
from .metrics import MIN_CELL, suppress_small

_suppress_small = suppress_small  # the name the privacy tests know

__all__ = [
    "CANDIDATES_PER_SIDE",
    "MIN_CELL",
    "NO_CT_PRIORITY",
    "PRIVATE_COLUMNS",
    "Refusal",
    "compute",
    "match_run_create",
    "match_run_execute",
    "match_run_publish",
    "match_run_rerun",
    "proposal_lock",
    "proposal_remove",
    "proposal_swap",
    "scoring",
    "snapshot",
    "snapshot_people",
]
