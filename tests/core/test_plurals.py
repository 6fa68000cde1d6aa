"""A count printed before a noun follows the plural rule ("1 meeting", "2 meetings"): no template
prints a variable count before a fixed plural noun (issue 14.11 found "1 meetings")."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "mentorbridge" / "templates"
NOUNS = (
    "meetings|mentorships|mentees|mentors|requests|pairs|seats|messages|hours|minutes|goals|"
    "members|questions|answers|runs|items|days|weeks|rounds|tables|enrollments|emails|rows"
)
# `{{ count }} meetings`, where the count is a variable (not a literal number) and no pluralize.
FIXED_PLURAL = re.compile(r"\{\{\s*([a-z_.]+)\s*\}\}\s+(" + NOUNS + r")\b")


def test_no_template_prints_a_count_before_a_fixed_plural() -> None:
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.*"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        for match in FIXED_PLURAL.finditer(line)
    ]
    assert not offenders, "use |pluralize: " + "; ".join(offenders)
