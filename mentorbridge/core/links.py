"""Links repeated down a page, reversed once per page instead of once per row.

`reverse()` costs tens of microseconds (Find a mentor's twenty cards reversed two links each);
`url_former("members:detail")` reverses the pattern once with placeholder ids and returns a
function that fills in the ids by plain string joining. Only for patterns whose arguments are all
`<int:…>` (an int's URL form is its digits, so the join is exactly what reverse() would give);
a pattern where the placeholders cannot be found falls back to reverse() for each link.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

# Unlikely digits: each must appear exactly once in the reversed placeholder URL.
_PLACEHOLDERS = (918273645, 827364519, 736451928)


def url_former(viewname: str, arity: int = 1) -> Callable[..., str]:
    marks = [str(n) for n in _PLACEHOLDERS[:arity]]
    template = reverse(viewname, args=[int(m) for m in marks])

    def one_by_one(*args: int) -> str:
        return reverse(viewname, args=list(args))

    if any(template.count(mark) != 1 for mark in marks):
        return one_by_one
    pieces: list[str] = []
    rest = template
    for mark in marks:
        head, sep, rest = rest.partition(mark)
        if not sep:  # out of order
            return one_by_one
        pieces.append(head)
    pieces.append(rest)

    def form(*args: int) -> str:
        if len(args) != arity or any(not isinstance(a, int) or a < 0 for a in args):
            return one_by_one(*args)  # what reverse() makes of it, or its NoReverseMatch
        out = [pieces[0]]
        for arg, piece in zip(args, pieces[1:], strict=True):
            out.append(str(arg))
            out.append(piece)
        return "".join(out)

    return form
