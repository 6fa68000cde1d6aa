"""A coordinator's edits to a ready run's proposals: swap, lock, remove. Every figure of the preview
is computed again from the edited proposals, and each edit goes in the audit log under `by`, in the
same transaction as the change (an edit that fails leaves no entry). Only a coordinator edits:
each edit refuses anyone else itself, before reading or writing anything."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import transaction

from mentorbridge.core.audit import audit_record
from mentorbridge.core.permissions import is_coordinator
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Block

from ..engine import scoring
from ..models import MatchProposal, MatchRun
from .compute import _shown_reasons
from .inputs import snapshot_people
from .metrics import edited_metrics


def _editable(run: MatchRun, by: Any) -> None:
    """The checks every edit makes first: a coordinator, and a run still under review."""
    if not is_coordinator(by):
        raise Refusal("Coordinators change a run's proposals.")
    if run.status != MatchRun.Status.READY:
        raise Refusal("Only a run that is ready for review can be changed.")


def _pair_words(proposal: MatchProposal) -> str:
    """A pair as the audit log names it, read before the change."""
    mentee = proposal.mentee_enrollment.member.display_name
    mentor = proposal.mentor_enrollment.member.display_name if proposal.mentor_enrollment else "—"
    return f"{mentee} – {mentor}"


def proposal_swap(*, run: MatchRun, first: MatchProposal, second: MatchProposal, by: Any) -> None:
    """Exchange the mentors of two proposed pairs, rescored from the run's snapshot (the inputs
    the run saw, so a re-run stays comparable), refusing any pair the run could not propose and
    any pair blocked since."""
    _editable(run, by)
    if first.run_id != run.pk or second.run_id != run.pk or first.pk == second.pk:
        raise Refusal("Pick two different pairs of this run.")
    if first.locked or second.locked:
        raise Refusal("Unlock a pair before swapping it.")
    if not (first.mentor_enrollment_id and second.mentor_enrollment_id):
        raise Refusal("Both pairs need a mentor to swap.")
    a, b = first.mentor_enrollment_id, second.mentor_enrollment_id
    rescore = _SnapshotScorer(run)
    new = [
        (proposal, mentor_pk, rescore.pair(proposal.mentee_enrollment_id, mentor_pk))
        for proposal, mentor_pk in ((first, b), (second, a))
    ]
    message = f"Swapped the mentors of {_pair_words(first)} and {_pair_words(second)}"
    with transaction.atomic():
        for proposal, mentor_pk, contributions in new:
            MatchProposal.objects.filter(pk=proposal.pk).update(
                mentor_enrollment_id=mentor_pk,
                score=round(sum(v for _, v in contributions), 4),
                reasons=_shown_reasons(contributions),
                edited=True,
            )
        _refresh_metrics(run)
        audit_record(actor=by, target=run, message=message)


class _SnapshotScorer:
    """Scores pairs of a run from its snapshot, as `compute` scored them."""

    def __init__(self, run: MatchRun) -> None:
        snap = run.inputs_snapshot
        # With the sealed private columns, as the run saw them: insisted preferences hold here too.
        self.mentees, self.mentors = snapshot_people(snap)
        self.weights = {k: float(v) for k, v in run.weights.items()}
        self.forbidden = {
            (int(x), int(y)) for x, y in [*run.forbidden_pairs, *snap.get("blocked", [])]
        }
        self.index = scoring.MentorIndex(self.mentors)
        self.rows = scoring.MenteeRows(self.mentees, self.index)

    def pair(self, mentee_pk: int, mentor_pk: int) -> list[tuple[str, float]]:
        """The pair's score contributions, or a refusal saying why the pair is not allowed."""
        i = self.mentees.enrollment_ids.index(mentee_pk)
        j = self.mentors.enrollment_ids.index(mentor_pk)
        # Blocks filed since the snapshot count too: a block is never overridden.
        if (mentee_pk, mentor_pk) in self.forbidden or Block.objects.between(
            self.mentees.member_ids[i], self.mentors.member_ids[j]
        ).exists():
            raise Refusal("That swap would pair two members who may not be paired.")
        scores, factors = scoring.score_rows(self.index, self.rows, np.asarray([i]), self.weights)
        if not np.isfinite(scores[0, j]):
            raise Refusal("That swap would pair a mentee with a mentor they are not eligible for.")
        return scoring.contributions(factors, 0, j, self.weights)


def proposal_lock(*, run: MatchRun, proposal: MatchProposal, locked: bool, by: Any) -> None:
    _editable(run, by)
    message = f"{'Locked' if locked else 'Unlocked'} the pair {_pair_words(proposal)}"
    with transaction.atomic():
        MatchProposal.objects.filter(pk=proposal.pk, run=run).update(locked=locked)
        audit_record(actor=by, target=run, message=message)


def proposal_remove(*, run: MatchRun, proposal: MatchProposal, by: Any) -> None:
    _editable(run, by)
    if proposal.locked:
        raise Refusal("Unlock the pair before removing it.")
    message = f"Removed the pair {_pair_words(proposal)}"
    # One transaction: the pair, the preview's figures and the audit entry change together.
    with transaction.atomic():
        MatchProposal.objects.filter(pk=proposal.pk, run=run).update(
            mentor_enrollment=None,
            score=None,
            reasons=[],
            unmatched_reason="Removed by a coordinator",
            edited=True,
        )
        _refresh_metrics(run)
        audit_record(actor=by, target=run, message=message)


def _refresh_metrics(run: MatchRun) -> None:
    """Every figure of the preview, computed again from the proposals as they are now."""
    snap = run.inputs_snapshot
    mentees, mentors = snapshot_people(snap)
    pairs = {
        mentee_pk: (mentor_pk, score)
        for mentee_pk, mentor_pk, score in MatchProposal.objects.filter(run=run).values_list(
            "mentee_enrollment_id", "mentor_enrollment_id", "score"
        )
    }
    metrics = edited_metrics(
        snap=snap, before=run.metrics, mentees=mentees, mentors=mentors, pairs=pairs
    )
    MatchRun.objects.filter(pk=run.pk).update(metrics=metrics)
    run.metrics = metrics
