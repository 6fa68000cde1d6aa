"""`python -m mentorbridge.matching.engine stable|optimal`: a JSON instance on stdin, the assignment
on stdout as {"assignment": [...]}. Bad input: one line on stderr and exit status 2."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

import numpy as np
import scipy.sparse as sp

from .assign import OBJECTIVES, optimal_assign
from .stable import stable_match

USAGE = "usage: python -m mentorbridge.matching.engine stable|optimal < instance.json"


class InputError(ValueError):
    pass


def _int(value: Any, what: str, *, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{what} must be an integer, not {json.dumps(value)}")
    if value < low:
        raise InputError(f"{what} must be at least {low}, not {value}")
    return int(value)


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{what} must be a list")
    return value


def _object(data: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InputError("the instance must be a JSON object")
    missing = [k for k in keys if k not in data]
    if missing:
        raise InputError(f"missing key(s): {', '.join(missing)}")
    return data


def run_stable(data: Any) -> list[int]:
    data = _object(data, ("mentee_prefs", "mentor_prefs", "capacities"))
    mentee_prefs = [
        _list(r, f"mentee_prefs[{i}]")
        for i, r in enumerate(_list(data["mentee_prefs"], "mentee_prefs"))
    ]
    mentor_prefs = [
        _list(r, f"mentor_prefs[{j}]")
        for j, r in enumerate(_list(data["mentor_prefs"], "mentor_prefs"))
    ]
    capacities = [
        _int(c, f"capacities[{j}]") for j, c in enumerate(_list(data["capacities"], "capacities"))
    ]
    n, m = len(mentee_prefs), len(mentor_prefs)
    if len(capacities) != m:
        raise InputError(f"capacities has {len(capacities)} entries for {m} mentors")
    for side, prefs, bound in (
        ("mentee_prefs", mentee_prefs, m),
        ("mentor_prefs", mentor_prefs, n),
    ):
        for who, row in enumerate(prefs):
            for x in row:
                _int(x, f"{side}[{who}] entry")
                if x >= bound:
                    raise InputError(f"{side}[{who}] ranks {x}, out of range 0..{bound - 1}")
            if len(set(row)) != len(row):
                raise InputError(f"{side}[{who}] ranks the same index twice")
    return stable_match(mentee_prefs, mentor_prefs, capacities)


def run_optimal(data: Any) -> list[int]:
    data = _object(data, ("n_mentees", "n_mentors", "capacities", "edges"))
    n = _int(data["n_mentees"], "n_mentees")
    m = _int(data["n_mentors"], "n_mentors")
    capacities = [
        _int(c, f"capacities[{j}]") for j, c in enumerate(_list(data["capacities"], "capacities"))
    ]
    if len(capacities) != m:
        raise InputError(f"capacities has {len(capacities)} entries for {m} mentors")
    objective = data.get("objective", "total")
    if objective not in OBJECTIVES:
        raise InputError(
            f"objective must be one of {', '.join(OBJECTIVES)}, not {json.dumps(objective)}"
        )
    edges = _list(data["edges"], "edges")
    rows, cols, vals = [], [], []
    seen: set[tuple[int, int]] = set()
    for k, edge in enumerate(edges):
        if not isinstance(edge, list) or len(edge) != 3:
            raise InputError(f"edges[{k}] must be [mentee, mentor, score]")
        i, j, score = edge
        _int(i, f"edges[{k}] mentee")
        _int(j, f"edges[{k}] mentor")
        if i >= n:
            raise InputError(f"edges[{k}] mentee {i} out of range 0..{n - 1}")
        if j >= m:
            raise InputError(f"edges[{k}] mentor {j} out of range 0..{m - 1}")
        if (
            isinstance(score, bool)
            or not isinstance(score, int | float)
            or not np.isfinite(score)
            or score <= 0
        ):
            raise InputError(f"edges[{k}] score must be a number > 0, not {json.dumps(score)}")
        if (i, j) in seen:
            raise InputError(f"edges[{k}] repeats the pair ({i}, {j})")
        seen.add((i, j))
        rows.append(i)
        cols.append(j)
        vals.append(float(score))
    scores = sp.csr_matrix((vals, (rows, cols)), shape=(n, m))
    return [int(x) for x in optimal_assign(scores, capacities, objective=objective)]


def main(
    argv: list[str],
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> int:
    if len(argv) != 1 or argv[0] not in {"stable", "optimal"}:
        print(USAGE, file=stderr)
        return 2
    try:
        data = json.load(stdin)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        print(f"error: the input is not valid JSON ({error})", file=stderr)
        return 2
    try:
        assignment = run_stable(data) if argv[0] == "stable" else run_optimal(data)
    except ValueError as error:
        print(f"error: {error}", file=stderr)
        return 2
    json.dump({"assignment": assignment}, stdout)
    stdout.write("\n")
    return 0
