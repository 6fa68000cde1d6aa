"""A mentor's certificate of completed mentorships, as PDF (reportlab), for a CV or a program director."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.text import slugify
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas

from mentorbridge.core import clock
from mentorbridge.core.audit import audit_record
from mentorbridge.core.notifications import notify
from mentorbridge.core.permissions import is_coordinator
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Cycle

from . import records
from .models import CertificateIssue, Meeting, Mentorship
from .records import GroupRecord


@dataclass
class MentorRecord:
    mentor: Member
    mentorships: list[Mentorship]
    completed: int
    active: int
    meetings_held: int
    hours: float
    # Groups the mentor led (mentoring circles), from the sources registered in `records`; their
    # meetings and hours are in the totals above.
    groups: list[GroupRecord] = field(default_factory=list)

    @property
    def groups_completed(self) -> int:
        return sum(1 for g in self.groups if g.completed)

    @property
    def certifiable(self) -> bool:
        return bool(self.completed or self.groups_completed)


def mentor_record(mentor: Member) -> MentorRecord:
    mentorships = list(
        Mentorship.objects.filter(mentor=mentor)
        .select_related("mentee", "program", "cycle")
        .annotate(
            held=Count("meetings", filter=Q(meetings__status=Meeting.Status.HELD)),
            minutes=Sum("meetings__minutes_held", filter=Q(meetings__status=Meeting.Status.HELD)),
        )
        .order_by("started_at")
    )
    groups = records.groups_led_by(mentor)
    minutes = sum(getattr(m, "minutes", 0) or 0 for m in mentorships) + sum(
        g.minutes for g in groups
    )
    return MentorRecord(
        mentor=mentor,
        mentorships=mentorships,
        completed=sum(1 for m in mentorships if m.completed),
        active=sum(1 for m in mentorships if m.is_active),
        meetings_held=sum(int(getattr(m, "held", 0)) for m in mentorships)
        + sum(g.meetings_held for g in groups),
        hours=round(minutes / 60, 1),
        groups=groups,
    )


def certificate_pdf(record: MentorRecord) -> bytes:
    completed = [m for m in record.mentorships if m.completed]
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=landscape(letter))
    width, height = landscape(letter)
    page.setTitle(f"Mentoring certificate — {record.mentor.display_name}")
    page.setStrokeColor(colors.HexColor("#8a1538"))
    page.setLineWidth(4)
    page.rect(0.5 * inch, 0.5 * inch, width - inch, height - inch)
    page.setFillColor(colors.HexColor("#8a1538"))
    page.setFont("Helvetica-Bold", 30)
    page.drawCentredString(width / 2, height - 1.6 * inch, "Certificate of Mentorship")
    page.setFillColor(colors.black)
    page.setFont("Helvetica", 14)
    page.drawCentredString(
        width / 2, height - 2.2 * inch, "The Mentorship Task Force certifies that"
    )
    page.setFont("Helvetica-Bold", 24)
    page.drawCentredString(width / 2, height - 2.8 * inch, record.mentor.display_name)
    page.setFont("Helvetica", 14)
    stage = f"{record.mentor.stage.name}, " if record.mentor.stage else ""
    where = record.mentor.institution.name if record.mentor.institution else ""
    page.drawCentredString(width / 2, height - 3.2 * inch, f"{stage}{where}".strip(", "))
    groups = [g for g in record.groups if g.completed]
    done = [f"{len(completed)} mentorship{'s' if len(completed) != 1 else ''}"] if completed else []
    if groups:
        done.append(f"led {len(groups)} mentoring circle{'s' if len(groups) != 1 else ''}")
    page.drawCentredString(
        width / 2,
        height - 3.8 * inch,
        f"completed {' and '.join(done)}, "
        f"with {record.meetings_held} meetings held over {record.hours:g} hours of mentoring.",
    )
    y = height - 4.4 * inch
    page.setFont("Helvetica", 11)
    lines = [
        f"{m.program.name} · {m.cycle.name} · "
        f"{m.started_at:%B %Y} – {(m.ended_at or clock.now()):%B %Y}"
        for m in completed
    ] + [
        f"{g.kind}: {g.title} · {g.program} · {g.mentees} mentees · "
        f"{g.started:%B %Y} – {g.ended:%B %Y}"
        for g in groups
    ]
    for line in lines[:8]:
        page.drawCentredString(width / 2, y, line)
        y -= 0.25 * inch
    page.setFont("Helvetica-Oblique", 10)
    page.drawCentredString(
        width / 2,
        0.9 * inch,
        f"Issued {clock.today():%-d %B %Y} by MentorBridge for the society's mentorship program.",
    )
    page.showPage()
    page.save()
    return buffer.getvalue()


def certified_mentors(cycle: Cycle) -> list[Member]:
    """Mentors with at least one completed mentorship in the cycle, or a group (a mentoring
    circle) they completed leading in it."""
    return list(
        Member.objects.filter(
            Q(mentoring_in__cycle=cycle, mentoring_in__completed=True)
            | Q(pk__in=records.certified_group_leaders(cycle))
        )
        .select_related("user")
        .distinct()
        .order_by("full_name", "pk")
    )


def certificates_issue(*, cycle: Cycle, by: Any) -> tuple[int, int]:
    """Tell every certified mentor of the cycle that their certificate is ready, once each.

    Returns (told now, told before). Safe to run again: a mentor already told is skipped, and two
    coordinators clicking at once tell each mentor once (the unique constraint decides; both walk
    the mentors in the same order). The issue goes in the audit log under `by` when it told
    anyone, in the same transaction: a failure tells no one and records nothing. `by` must be a
    coordinator (anyone else is refused before anything is written).
    """
    if not is_coordinator(by):
        raise Refusal("Coordinators issue certificates.")
    told = 0
    mentors = certified_mentors(cycle)
    with transaction.atomic():
        for mentor in mentors:
            _, created = CertificateIssue.objects.get_or_create(
                mentor=mentor, cycle=cycle, defaults={"issued_by": by}
            )
            if created:
                told += 1
                notify(
                    member=mentor,
                    kind="certificate",
                    title=f"Your mentoring certificate for {cycle} is ready",
                    url=reverse("mentorships:certificate"),
                    template="certificate_ready",
                    context={"cycle": cycle},
                )
        if told:
            audit_record(
                actor=by,
                target=cycle,
                message=f"Issued certificates: {told} mentor{'' if told == 1 else 's'} told",
            )
    return told, len(mentors) - told


def certificates_zip(cycle: Cycle) -> bytes:
    """Every certified mentor's certificate of the cycle, one PDF each, in one ZIP file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for mentor in certified_mentors(cycle):
            name = slugify(mentor.full_name) or "mentor"
            archive.writestr(
                f"mentoring-certificate-{name}-{mentor.pk}.pdf",
                certificate_pdf(mentor_record(mentor)),
            )
    return buffer.getvalue()
