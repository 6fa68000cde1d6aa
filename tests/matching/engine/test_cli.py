"""The command line: the contract's JSON in and out; one clear line and status 2 for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(mode: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mentorbridge.matching.engine", mode],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_stable() -> None:
    instance = {
        "mentee_prefs": [[0, 1], [0], [1, 0]],
        "mentor_prefs": [[1, 0, 2], [2, 0]],
        "capacities": [1, 1],
    }
    result = run("stable", json.dumps(instance))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"assignment": [-1, 0, 1]}


@pytest.mark.parametrize(
    ("objective", "expected"),
    [("total", [1, 0, -1]), ("coverage", [1, 0, -1]), ("maximin", [1, 0, -1])],
)
def test_optimal(objective: str, expected: list[int]) -> None:
    instance = {
        "n_mentees": 3,
        "n_mentors": 2,
        "capacities": [1, 1],
        "edges": [[0, 0, 0.9], [1, 0, 0.5], [2, 1, 0.3], [0, 1, 0.8]],
        "objective": objective,
    }
    result = run("optimal", json.dumps(instance))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"assignment": expected}


GOOD_OPTIMAL = {"n_mentees": 2, "n_mentors": 1, "capacities": [1], "edges": [[0, 0, 0.5]]}


@pytest.mark.parametrize(
    ("mode", "stdin", "message"),
    [
        ("optimal", "{not json", "not valid JSON"),
        ("optimal", "[]", "must be a JSON object"),
        ("optimal", json.dumps({"n_mentees": 1}), "missing key"),
        ("optimal", json.dumps({**GOOD_OPTIMAL, "edges": [[5, 0, 0.5]]}), "out of range"),
        ("optimal", json.dumps({**GOOD_OPTIMAL, "edges": [[0, 3, 0.5]]}), "out of range"),
        ("optimal", json.dumps({**GOOD_OPTIMAL, "capacities": [-1]}), "at least 0"),
        ("optimal", json.dumps({**GOOD_OPTIMAL, "edges": [[0, 0, 0]]}), "> 0"),
        ("optimal", json.dumps({**GOOD_OPTIMAL, "edges": [[0, 0, -2.5]]}), "> 0"),
        (
            "optimal",
            json.dumps({**GOOD_OPTIMAL, "edges": [[0, 0, 0.5], [0, 0, 0.7]]}),
            "repeats the pair",
        ),
        ("optimal", json.dumps({**GOOD_OPTIMAL, "edges": [[0, 0]]}), "[mentee, mentor, score]"),
        ("optimal", json.dumps({**GOOD_OPTIMAL, "objective": "fast"}), "objective must be"),
        ("optimal", json.dumps({**GOOD_OPTIMAL, "capacities": [1, 1]}), "capacities has 2"),
        ("optimal", json.dumps({**GOOD_OPTIMAL, "n_mentees": "2"}), "must be an integer"),
        (
            "stable",
            json.dumps({"mentee_prefs": [[0, 0]], "mentor_prefs": [[0]], "capacities": [1]}),
            "twice",
        ),
        (
            "stable",
            json.dumps({"mentee_prefs": [[1]], "mentor_prefs": [[0]], "capacities": [1]}),
            "out of range",
        ),
        (
            "stable",
            json.dumps({"mentee_prefs": [[0]], "mentor_prefs": [[0]], "capacities": [-2]}),
            "at least 0",
        ),
        (
            "stable",
            json.dumps({"mentee_prefs": "x", "mentor_prefs": [], "capacities": []}),
            "must be a list",
        ),
        ("fastest", "{}", "usage"),
    ],
)
def test_bad_input_gives_one_line_and_status_2(mode: str, stdin: str, message: str) -> None:
    result = run(mode, stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
