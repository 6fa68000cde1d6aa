"""The program dashboard's figures for one cycle, computed by aggregate queries in the database.

Every figure is a `Table` (a title, column headers, rows), so the page, the CSV/XLSX downloads
and the cycle report show the same numbers. `cycle_figures` makes a fixed number of queries
whatever the cycle's size (asserted by a test); only the two medians read one value per pair,
because SQLite has no percentile aggregate.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from mentorbridge.core import clock
from mentorbridge.matching.models import MatchProposal, MentorshipRequest
from mentorbridge.members.models import Member, PrivateIdentity
from mentorbridge.mentorships.models import AtRisk, CheckIn, Meeting, Mentorship, Message
from mentorbridge.outcomes.models import Outcome
from mentorbridge.programs.models import Cycle, Enrollment, Preference

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

# Groups smaller than this are not shown, so nobody in a small group can be re-identified.
MIN_CELL = 5
INACTIVE_DAYS = 45
COMPARE_CYCLES = 4

Cell = int | float | str | None
HIDDEN = f"<{MIN_CELL}"
# A rate whose count is suppressed: not "<5", which would read as "under 5%".
HIDDEN_RATE = "hidden"


@dataclass
class Table:
    """Numbers with their labels; `HIDDEN` is a suppressed cell, `None` a figure not available
    (a rate of nothing, a median of no pairs)."""

    slug: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    note: str = ""

    def column(self, index: int) -> list[Cell]:
        return [row[index] for row in self.rows]


@dataclass
class CycleFigures:
    cycle: Cycle
    tables: dict[str, Table] = field(default_factory=dict)
    # Headline numbers for the cards at the top of the page.
    headline: dict[str, Cell] = field(default_factory=dict)
    # When the figures were computed (the page shows it, since it may show cached figures).
    computed_at: dt.datetime | None = None

    def add(self, table: Table) -> Table:
        self.tables[table.slug] = table
        return table


def rate(part: int | None, whole: int | None) -> float | None:
    """A share in percent with one decimal, or None when it cannot be computed."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def median_days(values: Iterable[float | None]) -> float | None:
    """The median of durations in days, leaving out unknown and negative ones (clock skew)."""
    days = [d for d in values if d is not None and d >= 0]
    return round(statistics.median(days), 1) if days else None


class DaysBetween(Func):
    """`end - start` in days, as a float computed by the database.

    Django's own datetime arithmetic on SQLite calls a Python function per row and returns a
    timedelta parsed in Python; over thousands of pairs that was most of the page's time.
    `julianday` is SQLite's native day count; PostgreSQL subtracts timestamps natively.
    """

    arity = 2
    output_field = FloatField()
    # EXTRACT returns numeric on PostgreSQL (a Decimal in Python); the figures are floats.
    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0 AS double precision)"
    arg_joiner = " - "

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> _AsSqlType:
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )


class YearMonth(Func):
    """A timestamp's month as "YYYY-MM" (UTC, the site's time zone), computed by the database.

    `TruncMonth` on SQLite calls a Python function per row (35,000 meetings and messages took
    a second); SQLite stores timestamps as UTC text, so the month is its first seven characters.
    """

    arity = 1
    output_field = CharField()
    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM')"

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> _AsSqlType:
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra)


def nps(promoters: int, detractors: int, answers: int) -> int | None:
    """Net promoter score: % answering 9–10 minus % answering 0–6, from -100 to 100."""
    if not answers:
        return None
    return round(100 * (promoters - detractors) / answers)


def _mentee_enrollments(cycle: Cycle) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(
        cycle=cycle, role=Enrollment.Role.MENTEE, status=Enrollment.Status.ACTIVE
    )


def _matched(cycle: Cycle) -> Exists:
    return Exists(Mentorship.objects.filter(cycle=cycle, mentee_enrollment=OuterRef("pk")))


def cycle_figures(cycle: Cycle, *, now: dt.datetime | None = None) -> CycleFigures:
    now = now or clock.now()
    figures = CycleFigures(cycle=cycle, computed_at=now)
    _funnel(figures, now)
    _requests(figures)
    _times(figures)
    _engagement(figures, now)
    _activity(figures)
    _satisfaction(figures)
    _load(figures)
    _breakdowns(figures)
    _concordance(figures)
    _outcomes(figures)
    _comparison(figures)
    return figures


# The page shows figures at most this old, with the time they were computed; downloads and the
# report always compute them afresh. A TTL rather than invalidation on save: the figures read a
# dozen tables that many services write (some with bulk updates that send no signals).
CACHE_SECONDS = 300
# Part of the cache key, so a deploy that changes the tables never reads the old ones.
CACHE_VERSION = 1


def _cache_key(cycle: Cycle) -> str:
    return f"dashboard:figures:v{CACHE_VERSION}:{cycle.pk}"


def cycle_figures_cached(cycle: Cycle, *, fresh: bool = False) -> CycleFigures:
    """The cycle's figures as computed in the last `CACHE_SECONDS`, else (or when `fresh`)
    computed now and kept.

    Freshness is judged against `clock.now()` (not only the cache's own expiry), so a test can
    move the clock past it and a cache that keeps entries longer serves nothing stale.
    """
    now = clock.now()
    kept = None if fresh else cache.get(_cache_key(cycle))
    if kept is not None:
        tables, headline, computed_at = kept
        if dt.timedelta(0) <= now - computed_at < dt.timedelta(seconds=CACHE_SECONDS):
            return CycleFigures(cycle, tables, headline, computed_at)
    figures = cycle_figures(cycle, now=now)
    cache.set(_cache_key(cycle), (figures.tables, figures.headline, now), timeout=CACHE_SECONDS)
    return figures


def _funnel(figures: CycleFigures, now: dt.datetime) -> None:
    cycle = figures.cycle
    profiles = Member.objects.filter(stage__in=cycle.program.mentee_stages.all()).count()
    enrolled = Enrollment.objects.filter(cycle=cycle, status=Enrollment.Status.ACTIVE).aggregate(
        mentees=Count("pk", filter=Q(role=Enrollment.Role.MENTEE)),
        mentors=Count("pk", filter=Q(role=Enrollment.Role.MENTOR)),
        seats=Coalesce(Sum("capacity", filter=Q(role=Enrollment.Role.MENTOR)), 0),
    )
    reached = (
        _mentee_enrollments(cycle)
        .filter(
            Exists(MentorshipRequest.objects.filter(mentee_enrollment=OuterRef("pk")))
            | Exists(MatchProposal.objects.filter(mentee_enrollment=OuterRef("pk")))
        )
        .count()
    )
    held = Meeting.objects.filter(mentorship=OuterRef("pk"), status=Meeting.Status.HELD)
    pairs = Mentorship.objects.filter(cycle=cycle).aggregate(
        matched=Count("mentee_enrollment", distinct=True),
        pairs=Count("pk"),
        met=Count("mentee_enrollment", distinct=True, filter=Q(Exists(held))),
        agreed=Count(
            "mentee_enrollment",
            distinct=True,
            filter=Q(
                agreement__mentee_confirmed_at__isnull=False,
                agreement__mentor_confirmed_at__isnull=False,
            ),
        ),
        completed=Count("mentee_enrollment", distinct=True, filter=Q(completed=True)),
    )
    mentees, seats = enrolled["mentees"], enrolled["seats"]
    steps = [
        ("Members who could be mentees (with a training stage)", profiles),
        ("Enrolled as mentees", mentees),
        ("Requested a mentor or were in a match run", reached),
        ("Matched", pairs["matched"]),
        ("Held a first meeting", pairs["met"]),
        ("Confirmed their agreement", pairs["agreed"]),
        ("Completed the term", pairs["completed"]),
    ]
    figures.add(
        Table(
            "funnel",
            "Funnel: from profile to completed term (mentees)",
            ["Step", "Mentees", "% of enrolled"],
            [[label, n, rate(n, mentees) if i else ""] for i, (label, n) in enumerate(steps)],
        )
    )
    possible = min(mentees, seats)
    figures.add(
        Table(
            "enrollment",
            "Enrollment and match rate",
            ["Figure", "Value"],
            [
                ["Mentees enrolled", mentees],
                ["Mentors enrolled", enrolled["mentors"]],
                ["Seats offered by mentors", seats],
                ["Mentees matched", pairs["matched"]],
                ["Match rate (%)", rate(pairs["matched"], mentees)],
                ["Most mentees that could be matched with these seats", possible],
                ["Highest possible match rate (%)", rate(possible, mentees)],
            ],
        )
    )
    figures.headline.update(
        enrolled=mentees,
        mentors=enrolled["mentors"],
        matched=pairs["matched"],
        match_rate=rate(pairs["matched"], mentees),
        max_rate=rate(possible, mentees),
        pairs=pairs["pairs"],
    )


def _requests(figures: CycleFigures) -> None:
    counts = MentorshipRequest.objects.filter(cycle=figures.cycle).aggregate(
        total=Count("pk"),
        in_time=Count(
            "pk",
            filter=Q(
                state__in=[MentorshipRequest.State.ACCEPTED, MentorshipRequest.State.DECLINED],
                answered_at__lte=F("deadline"),
            ),
        ),
        late=Count(
            "pk",
            filter=Q(
                state__in=[MentorshipRequest.State.ACCEPTED, MentorshipRequest.State.DECLINED],
                answered_at__gt=F("deadline"),
            ),
        ),
        expired=Count("pk", filter=Q(state=MentorshipRequest.State.EXPIRED)),
        pending=Count("pk", filter=Q(state=MentorshipRequest.State.PENDING)),
        overdue=Count(
            "pk", filter=Q(state=MentorshipRequest.State.PENDING, deadline__lt=figures.computed_at)
        ),
        withdrawn=Count(
            "pk",
            filter=Q(state__in=[MentorshipRequest.State.WITHDRAWN, MentorshipRequest.State.CLOSED]),
        ),
        accepted=Count("pk", filter=Q(state=MentorshipRequest.State.ACCEPTED)),
    )
    total = counts["total"]
    figures.add(
        Table(
            "requests",
            "Requests to mentors",
            ["Outcome", "Requests", "% of requests"],
            [
                [label, counts[key], rate(counts[key], total)]
                for label, key in [
                    ("Answered in time", "in_time"),
                    ("Answered after the deadline", "late"),
                    ("Expired without an answer", "expired"),
                    ("Still waiting", "pending"),
                    ("Withdrawn, or closed when matched elsewhere", "withdrawn"),
                    ("Accepted", "accepted"),
                ]
            ]
            + [["All requests", total, None]],
        )
    )
    # The headline is of the requests that came due (answered, expired, or past their deadline
    # and not yet expired by the hourly job): counting the ones still within their deadline, or
    # withdrawn, made a new cycle read 0%.
    due = counts["in_time"] + counts["late"] + counts["expired"] + counts["overdue"]
    figures.headline["answered_in_time"] = rate(counts["in_time"], due)


def _times(figures: CycleFigures) -> None:
    pairs = Mentorship.objects.filter(cycle=figures.cycle)
    to_match = pairs.annotate(
        wait=DaysBetween(F("started_at"), F("mentee_enrollment__created_at"))
    ).values_list("wait", flat=True)
    # The first meeting of each pair: one grouped pass over the cycle's meetings (a subquery per
    # pair, ordered and limited, cost a lookup and a sort per pair).
    to_meet = (
        Meeting.objects.filter(mentorship__cycle=figures.cycle, status=Meeting.Status.HELD)
        .order_by()
        .values("mentorship", "mentorship__started_at")
        .annotate(wait=DaysBetween(Min("starts_at"), F("mentorship__started_at")))
        .values_list("wait", flat=True)
    )
    enrollment_to_match = median_days(to_match)
    match_to_meeting = median_days(to_meet)
    figures.add(
        Table(
            "times",
            "How fast",
            ["Median", "Days"],
            [
                ["From enrolling to being matched", enrollment_to_match],
                ["From being matched to the first meeting held", match_to_meeting],
            ],
        )
    )
    figures.headline.update(days_to_match=enrollment_to_match, days_to_meet=match_to_meeting)


def _engagement(figures: CycleFigures, now: dt.datetime) -> None:
    cycle = figures.cycle
    pairs = Mentorship.objects.filter(cycle=cycle).aggregate(
        pairs=Count("pk"),
        active=Count("pk", filter=Q(status=Mentorship.Status.ACTIVE)),
        quiet=Count(
            "pk",
            filter=Q(
                status=Mentorship.Status.ACTIVE,
                last_activity_at__lt=now - dt.timedelta(days=INACTIVE_DAYS),
            ),
        ),
    )
    meetings = Meeting.objects.filter(
        mentorship__cycle=cycle, status=Meeting.Status.HELD
    ).aggregate(
        held=Count("pk"),
        minutes=Coalesce(Sum(Coalesce("minutes_held", "duration_minutes")), 0),
    )
    messages = Message.objects.filter(mentorship__cycle=cycle).count()
    at_risk = (
        AtRisk.objects.filter(mentorship__cycle=cycle, resolved_at__isnull=True)
        .values("mentorship")
        .distinct()
        .count()
    )
    n = pairs["pairs"]
    hours = round(meetings["minutes"] / 60, 1)
    figures.add(
        Table(
            "engagement",
            "Engagement",
            ["Figure", "Value"],
            [
                ["Pairs", n],
                ["Pairs still active", pairs["active"]],
                ["Meetings held", meetings["held"]],
                ["Meetings per pair", round(meetings["held"] / n, 1) if n else None],
                ["Hours met", hours],
                ["Hours per pair", round(hours / n, 1) if n else None],
                ["Messages", messages],
                ["Messages per pair", round(messages / n, 1) if n else None],
                [f"Active pairs with no activity in {INACTIVE_DAYS} days", pairs["quiet"]],
                ["Pairs at risk (open)", at_risk],
            ],
        )
    )
    figures.headline.update(quiet=pairs["quiet"], at_risk=at_risk, meetings=meetings["held"])


def _activity(figures: CycleFigures) -> None:
    cycle = figures.cycle
    meetings = dict(
        Meeting.objects.filter(mentorship__cycle=cycle, status=Meeting.Status.HELD)
        .annotate(month=YearMonth("starts_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    messages = dict(
        Message.objects.filter(mentorship__cycle=cycle)
        .annotate(month=YearMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )

    by_month: dict[str, list[int]] = {}
    for month, n in meetings.items():
        by_month.setdefault(month, [0, 0])[0] = n
    for month, n in messages.items():
        by_month.setdefault(month, [0, 0])[1] = n
    figures.add(
        Table(
            "activity",
            "Activity by month",
            ["Month", "Meetings held", "Messages"],
            [[month, *counts] for month, counts in sorted(by_month.items())],
        )
    )


def _satisfaction(figures: CycleFigures) -> None:
    answered = CheckIn.objects.filter(mentorship__cycle=figures.cycle, answered_at__isnull=False)
    side = Case(When(member_id=F("mentorship__mentee_id"), then=Value(1)), default=Value(0))
    ratings = {
        (rating, is_mentee): n
        for rating, is_mentee, n in answered.filter(rating__isnull=False)
        .annotate(is_mentee=side)
        .values_list("rating", "is_mentee")
        .annotate(n=Count("pk"))
        .values_list("rating", "is_mentee", "n")
    }
    figures.add(
        Table(
            "ratings",
            "Check-in ratings (1 = poor, 5 = excellent)",
            ["Rating", "Mentees", "Mentors"],
            [[r, ratings.get((r, 1), 0), ratings.get((r, 0), 0)] for r in range(1, 6)],
        )
    )
    final = answered.filter(kind=CheckIn.Kind.FINAL, recommend__isnull=False)
    mentee = Q(member_id=F("mentorship__mentee_id"))
    counts = final.aggregate(
        mentee_n=Count("pk", filter=mentee),
        mentee_pro=Count("pk", filter=mentee & Q(recommend__gte=9)),
        mentee_det=Count("pk", filter=mentee & Q(recommend__lte=6)),
        mentor_n=Count("pk", filter=~mentee),
        mentor_pro=Count("pk", filter=~mentee & Q(recommend__gte=9)),
        mentor_det=Count("pk", filter=~mentee & Q(recommend__lte=6)),
    )
    rows: list[list[Cell]] = []
    for who in ("mentee", "mentor"):
        n, pro, det = counts[f"{who}_n"], counts[f"{who}_pro"], counts[f"{who}_det"]
        rows.append([f"{who.title()}s", n, pro, n - pro - det, det, nps(pro, det, n)])
    figures.add(
        Table(
            "nps",
            "End-of-term net promoter score (promoters 9–10 minus detractors 0–6)",
            ["Side", "Answers", "Promoters", "Passives", "Detractors", "NPS"],
            rows,
        )
    )
    figures.headline.update(nps_mentees=rows[0][5], nps_mentors=rows[1][5])


def _load(figures: CycleFigures) -> None:
    mentors = Enrollment.objects.filter(
        cycle=figures.cycle, role=Enrollment.Role.MENTOR, status=Enrollment.Status.ACTIVE
    )
    rows = list(
        mentors.values_list("capacity", "mentee_count")
        .annotate(n=Count("pk"))
        .order_by("capacity", "mentee_count")
        .values_list("capacity", "mentee_count", "n")
    )
    seats = sum(capacity * n for capacity, _, n in rows)
    used = sum(count * n for _, count, n in rows)
    figures.add(
        Table(
            "load",
            "Mentor load: mentees held against capacity",
            ["Capacity", "Mentees held", "Mentors", "Unused seats"],
            [[capacity, count, n, (capacity - count) * n] for capacity, count, n in rows]
            + [["All", used, sum(n for *_, n in rows), seats - used]],
        )
    )
    figures.headline["unused_seats"] = seats - used


def _group_rows(
    counts: Sequence[tuple[str, int, int]],
) -> list[list[Cell]]:
    """Rows of (group, enrolled, matched, rate) with small cells suppressed.

    A group under MIN_CELL is hidden whole; the matched count (and the rate) is hidden when
    either it or the unmatched rest is under MIN_CELL, since one gives away the other.
    """
    rows: list[list[Cell]] = []
    for label, enrolled, matched in counts:
        if enrolled < MIN_CELL:
            rows.append([label, HIDDEN, HIDDEN, HIDDEN_RATE])
        elif matched < MIN_CELL or enrolled - matched < MIN_CELL:
            rows.append([label, enrolled, HIDDEN, HIDDEN_RATE])
        else:
            rows.append([label, enrolled, matched, rate(matched, enrolled)])
    return rows


BREAKDOWNS: list[tuple[str, str, str, dict[object, str]]] = [
    (
        "by_ct_program",
        "Mentees by whether their school has a CT surgery program",
        "member__institution__has_ct_program",
        {True: "School with a CT program", False: "School without a CT program"},
    ),
    ("by_stage", "Mentees by training stage", "member__stage__name", {}),
    ("by_region", "Mentees by region", "member__institution__region", {}),
]


def _identity_groups() -> list[tuple[str, Q]]:
    """The consented identity groups, each as a condition on the mentee's private answers."""
    consent = Q(member__private__consent=True)
    return [
        ("First-generation students", consent & Q(member__private__first_generation=True)),
        (
            "Underrepresented in medicine",
            consent & Q(member__private__underrepresented_in_medicine=True),
        ),
        ("International graduates", consent & Q(member__private__international_graduate=True)),
        *(
            (f"Gender: {label}", consent & Q(member__private__gender=value))
            for value, label in PrivateIdentity.Gender.choices
        ),
    ]


def _breakdowns(figures: CycleFigures) -> None:
    """Every breakdown from one query grouped by (CT program, stage, region), summed here.

    The groups are few (two × stages × regions), so one grouped query with the consented
    identity counts alongside replaces one scan of the cycle's enrollments per breakdown.
    """
    groups = _identity_groups()
    aggregates: dict[str, Count] = {"enrolled": Count("pk")}
    for i, (_, condition) in enumerate(groups):
        aggregates[f"e{i}"] = Count("pk", filter=condition)
    keys = [by for _, _, by, _ in BREAKDOWNS]
    # `matched` is grouped on rather than counted with a FILTER: each FILTER would evaluate the
    # EXISTS subquery again for every row (fourteen times; most of the page's time before).
    cells = list(
        _mentee_enrollments(figures.cycle)
        .annotate(matched=_matched(figures.cycle))
        .order_by()
        .values(*keys, "matched")
        .annotate(**aggregates)
    )
    for slug, title, by, labels in BREAKDOWNS:
        merged: dict[str, list[int]] = {}
        for cell in cells:
            group = cell[by]
            label = labels.get(group, str(group) if group not in (None, "") else "Not given")
            total = merged.setdefault(label, [0, 0])
            total[0] += cell["enrolled"]
            total[1] += cell["enrolled"] if cell["matched"] else 0
        ordered = sorted(merged.items(), key=lambda item: (item[0] == "Not given", item[0]))
        figures.add(
            Table(
                slug,
                title,
                ["Group", "Mentees enrolled", "Matched", "Match rate (%)"],
                _group_rows([(label, e, m) for label, (e, m) in ordered]),
                note=f"Groups and counts under {MIN_CELL} are hidden.",
            )
        )
    # Consented identity answers: only counts, only for groups of MIN_CELL or more.
    counts: dict[str, int] = {}
    for i in range(len(groups)):
        counts[f"e{i}"] = sum(cell[f"e{i}"] for cell in cells)
        counts[f"m{i}"] = sum(cell[f"e{i}"] for cell in cells if cell["matched"])
    figures.add(
        Table(
            "by_group",
            "Mentees by consented identity group",
            ["Group", "Mentees enrolled", "Matched", "Match rate (%)"],
            _group_rows(
                [(label, counts[f"e{i}"], counts[f"m{i}"]) for i, (label, _) in enumerate(groups)]
            ),
            note=(
                "Only members who consented to share these answers are counted, only in "
                f"aggregate; groups and counts under {MIN_CELL} are hidden."
            ),
        )
    )


def _concordance(figures: CycleFigures) -> None:
    """Concordance preferences asked for and met, in aggregate only (never per pair)."""
    pairs = Mentorship.objects.filter(cycle=figures.cycle)
    asked_gender = ~Q(mentee_enrollment__same_gender=Preference.NONE)
    asked_background = ~Q(mentee_enrollment__shared_background=Preference.NONE)
    same_gender = Q(
        mentee__private__consent=True,
        mentor__private__consent=True,
        mentee__private__gender=F("mentor__private__gender"),
    ) & ~Q(mentee__private__gender="")

    def shared(name: str) -> Q:
        return Q(
            **{
                "mentee__private__consent": True,
                "mentor__private__consent": True,
                f"mentee__private__{name}": True,
                f"mentor__private__{name}": True,
            }
        )

    same_background = shared("first_generation") | shared("underrepresented_in_medicine")
    counts = pairs.aggregate(
        gender=Count("pk", filter=asked_gender),
        gender_met=Count("pk", filter=asked_gender & same_gender),
        background=Count("pk", filter=asked_background),
        background_met=Count("pk", filter=asked_background & same_background),
    )
    rows: list[list[Cell]] = []
    for label, key in [
        ("A mentor of the same gender", "gender"),
        ("A shared background", "background"),
    ]:
        asked, met = counts[key], counts[f"{key}_met"]
        if asked < MIN_CELL:
            rows.append([label, HIDDEN, HIDDEN, HIDDEN_RATE])
        elif met < MIN_CELL or asked - met < MIN_CELL:
            rows.append([label, asked, HIDDEN, HIDDEN_RATE])
        else:
            rows.append([label, asked, met, rate(met, asked)])
    figures.add(
        Table(
            "concordance",
            "Concordance preferences of matched mentees",
            ["Preference", "Pairs where the mentee asked", "Met", "% met"],
            rows,
            note=f"Aggregate only; counts under {MIN_CELL} are hidden.",
        )
    )


MEETING_BUCKETS = [("No meeting held", 0, 0), ("1–2 meetings", 1, 2), ("3–5 meetings", 3, 5)]


def _outcomes(figures: CycleFigures) -> None:
    """Mentees' consented outcomes by how many meetings their pair held (the cohort's dose)."""
    held = (
        Meeting.objects.filter(mentorship=OuterRef("pk"), status=Meeting.Status.HELD)
        .order_by()
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    consented = Outcome.objects.filter(member=OuterRef("mentee"), consent=True)
    ct = [Outcome.Match.INTEGRATED, Outcome.Match.TRADITIONAL]
    # Only pairs whose mentee reported an outcome count, so they are filtered first and the
    # meetings are counted for those alone; pairs are grouped by their number of meetings and
    # bucketed here (a CASE over the count would run the count's subquery once per branch).
    by_held = (
        Mentorship.objects.filter(Exists(consented), cycle=figures.cycle)
        .annotate(
            held=Coalesce(Subquery(held), Value(0)),
            matched_ct=Exists(consented.filter(match__in=ct)),
        )
        .order_by()
        .values_list("held")
        .annotate(reported_n=Count("pk"), ct_n=Count("pk", filter=Q(matched_ct=True)))
        .values_list("held", "reported_n", "ct_n")
    )
    counts: dict[str, tuple[int, int]] = {}
    for n_held, reported_n, ct_n in by_held:
        label = next(
            (label for label, low, high in MEETING_BUCKETS if low <= n_held <= high),
            "6 or more meetings",
        )
        old_reported, old_ct = counts.get(label, (0, 0))
        counts[label] = (old_reported + reported_n, old_ct + ct_n)
    labels = [label for label, _, _ in MEETING_BUCKETS] + ["6 or more meetings"]
    rows = _group_rows([(label, *counts.get(label, (0, 0))) for label in labels])
    reported = sum(r for r, _ in counts.values())
    matched = sum(m for _, m in counts.values())
    rows += _group_rows([("All mentees with outcomes", reported, matched)])
    figures.add(
        Table(
            "outcomes",
            "Mentees who matched into CT surgery, by meetings held",
            [
                "Meetings held",
                "Mentees who reported outcomes",
                "Matched into CT surgery",
                "Share (%)",
            ],
            rows,
            note=(
                "Only outcomes members agreed to share in aggregate; "
                f"groups and counts under {MIN_CELL} are hidden."
            ),
        )
    )


def _comparison(figures: CycleFigures) -> None:
    cycle = figures.cycle
    recent = Cycle.objects.filter(
        program=cycle.program, enrollment_opens__lte=cycle.enrollment_opens
    )
    mentees = (
        Enrollment.objects.filter(
            cycle=OuterRef("pk"), role=Enrollment.Role.MENTEE, status=Enrollment.Status.ACTIVE
        )
        .order_by()
        .values("cycle")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pairs = Mentorship.objects.filter(cycle=OuterRef("pk")).order_by().values("cycle")
    matched = pairs.annotate(n=Count("mentee_enrollment", distinct=True)).values("n")
    completed = pairs.annotate(n=Count("pk", filter=Q(completed=True))).values("n")
    meetings = (
        Meeting.objects.filter(mentorship__cycle=OuterRef("pk"), status=Meeting.Status.HELD)
        .order_by()
        .values("mentorship__cycle")
        .annotate(n=Count("pk"))
        .values("n")
    )
    zero = Value(0)
    rows = (
        recent.annotate(
            mentees=Coalesce(Subquery(mentees), zero),
            matched=Coalesce(Subquery(matched), zero),
            completed=Coalesce(Subquery(completed), zero),
            held=Coalesce(Subquery(meetings), zero),
        )
        .order_by("-enrollment_opens", "-pk")
        .values_list("name", "mentees", "matched", "completed", "held")[:COMPARE_CYCLES]
    )
    figures.add(
        Table(
            "comparison",
            f"The last {COMPARE_CYCLES} cycles of this program",
            [
                "Cycle",
                "Mentees enrolled",
                "Matched",
                "Match rate (%)",
                "Completed",
                "Meetings held",
            ],
            [
                [name, n, m, rate(m, n), done, held]
                for name, n, m, done, held in reversed(list(rows))
            ],
        )
    )
