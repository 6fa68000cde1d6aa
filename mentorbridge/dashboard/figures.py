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

from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from mentorbridge.core import clock
from mentorbridge.matching.models import MatchProposal, MentorshipRequest
from mentorbridge.members.models import Member, PrivateIdentity
from mentorbridge.mentorships.models import AtRisk, CheckIn, Meeting, Mentorship, Message
from mentorbridge.outcomes.models import Outcome
from mentorbridge.programs.models import Cycle, Enrollment, Preference

# Groups smaller than this are not shown, so nobody in a small group can be re-identified.
MIN_CELL = 5
INACTIVE_DAYS = 45
COMPARE_CYCLES = 4

Cell = int | float | str | None
HIDDEN = f"<{MIN_CELL}"


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

    def add(self, table: Table) -> Table:
        self.tables[table.slug] = table
        return table


def rate(part: int | None, whole: int | None) -> float | None:
    """A share in percent with one decimal, or None when it cannot be computed."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def _days(delta: dt.timedelta | None) -> float | None:
    return None if delta is None else delta.total_seconds() / 86400


def median_days(values: Iterable[dt.timedelta | None]) -> float | None:
    days = [d for d in (_days(v) for v in values) if d is not None and d >= 0]
    return round(statistics.median(days), 1) if days else None


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
    figures = CycleFigures(cycle=cycle)
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
    figures.headline["answered_in_time"] = rate(counts["in_time"], total)


def _times(figures: CycleFigures) -> None:
    pairs = Mentorship.objects.filter(cycle=figures.cycle)
    to_match = pairs.annotate(
        wait=ExpressionWrapper(
            F("started_at") - F("mentee_enrollment__created_at"), output_field=DurationField()
        )
    ).values_list("wait", flat=True)
    first_meeting = Meeting.objects.filter(
        mentorship=OuterRef("pk"), status=Meeting.Status.HELD
    ).order_by("starts_at")
    to_meet = (
        pairs.annotate(first=Subquery(first_meeting.values("starts_at")[:1]))
        .filter(first__isnull=False)
        .annotate(
            wait=ExpressionWrapper(F("first") - F("started_at"), output_field=DurationField())
        )
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
        .annotate(month=TruncMonth("starts_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    messages = dict(
        Message.objects.filter(mentorship__cycle=cycle)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )

    def key(month: dt.date | dt.datetime) -> str:
        return month.strftime("%Y-%m")

    by_month: dict[str, list[int]] = {}
    for month, n in meetings.items():
        by_month.setdefault(key(month), [0, 0])[0] = n
    for month, n in messages.items():
        by_month.setdefault(key(month), [0, 0])[1] = n
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
            rows.append([label, HIDDEN, HIDDEN, HIDDEN])
        elif matched < MIN_CELL or enrolled - matched < MIN_CELL:
            rows.append([label, enrolled, HIDDEN, HIDDEN])
        else:
            rows.append([label, enrolled, matched, rate(matched, enrolled)])
    return rows


def _breakdown(
    figures: CycleFigures, slug: str, title: str, by: str, labels: dict[object, str]
) -> None:
    counts = (
        _mentee_enrollments(figures.cycle)
        .annotate(group=F(by), matched=_matched(figures.cycle))
        .values_list("group")
        .annotate(enrolled=Count("pk"), matched_n=Count("pk", filter=Q(matched=True)))
        .values_list("group", "enrolled", "matched_n")
    )
    merged: dict[str, list[int]] = {}
    for group, enrolled, matched in counts:
        label = labels.get(group, str(group) if group not in (None, "") else "Not given")
        merged.setdefault(label, [0, 0])
        merged[label][0] += enrolled
        merged[label][1] += matched
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


def _breakdowns(figures: CycleFigures) -> None:
    _breakdown(
        figures,
        "by_ct_program",
        "Mentees by whether their school has a CT surgery program",
        "member__institution__has_ct_program",
        {True: "School with a CT program", False: "School without a CT program"},
    )
    _breakdown(figures, "by_stage", "Mentees by training stage", "member__stage__name", {})
    _breakdown(figures, "by_region", "Mentees by region", "member__institution__region", {})
    # Consented identity answers: only counts, only for groups of MIN_CELL or more.
    cycle = figures.cycle
    consented = _mentee_enrollments(cycle).filter(member__private__consent=True)
    matched = _matched(cycle)
    groups = [
        ("First-generation students", Q(member__private__first_generation=True)),
        ("Underrepresented in medicine", Q(member__private__underrepresented_in_medicine=True)),
        ("International graduates", Q(member__private__international_graduate=True)),
        *(
            (f"Gender: {label}", Q(member__private__gender=value))
            for value, label in PrivateIdentity.Gender.choices
        ),
    ]
    aggregates: dict[str, Count] = {}
    for i, (_, condition) in enumerate(groups):
        aggregates[f"e{i}"] = Count("pk", filter=condition)
        aggregates[f"m{i}"] = Count("pk", filter=condition & Q(matched=True))
    counts = consented.annotate(matched=matched).aggregate(**aggregates)
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
            rows.append([label, HIDDEN, HIDDEN, HIDDEN])
        elif met < MIN_CELL or asked - met < MIN_CELL:
            rows.append([label, asked, HIDDEN, HIDDEN])
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
    bucket = Case(
        *(
            When(held__gte=low, held__lte=high, then=Value(label))
            for label, low, high in MEETING_BUCKETS
        ),
        default=Value("6 or more meetings"),
    )
    counts = {
        label: (reported, matched)
        for label, reported, matched in Mentorship.objects.filter(cycle=figures.cycle)
        .annotate(
            held=Coalesce(Subquery(held), Value(0)),
            reported=Exists(consented),
            matched_ct=Exists(consented.filter(match__in=ct)),
        )
        .annotate(bucket=bucket)
        .values_list("bucket")
        .annotate(
            reported_n=Count("pk", filter=Q(reported=True)),
            ct_n=Count("pk", filter=Q(matched_ct=True)),
        )
        .values_list("bucket", "reported_n", "ct_n")
    }
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
