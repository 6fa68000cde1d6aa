"""What else counts toward a mentor's record and certificate besides their pairs.

Mentoring circles live in `community`, a room above this app, so this app cannot read them. A
higher app registers a `GroupSource` here from its `AppConfig.ready()`; the record, the
certificate and the list of certified mentors then ask every registered source. Nothing here
knows what a circle is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mentorbridge.members.models import Member
    from mentorbridge.programs.models import Cycle


@dataclass(frozen=True)
class GroupRecord:
    """One group a mentor led (e.g. a mentoring circle), as the record and certificate show it."""

    kind: str  # "Mentoring circle"
    title: str
    program: str
    cycle: str
    started: dt.date
    ended: dt.date
    mentees: int
    meetings_held: int
    minutes: int
    completed: bool
    active: bool


class GroupSource(Protocol):
    def led_by(self, mentor: Member) -> list[GroupRecord]:
        """Every group `mentor` led, oldest first."""
        ...

    def certified_in(self, cycle: Cycle) -> set[int]:
        """Ids of members who completed leading a group in `cycle`."""
        ...


_sources: list[GroupSource] = []


def register(source: GroupSource) -> None:
    """Called once per source from an AppConfig.ready(); registering again is harmless."""
    if not any(type(s) is type(source) for s in _sources):
        _sources.append(source)


def groups_led_by(mentor: Member) -> list[GroupRecord]:
    return [record for source in _sources for record in source.led_by(mentor)]


def certified_group_leaders(cycle: Cycle) -> set[int]:
    return {pk for source in _sources for pk in source.certified_in(cycle)}
