"""The plain tables the engine scores: one row per person, Python lists (no Django objects)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PeopleTable:
    """One side's rows (mentees or mentors). Sets hold ids of taxonomy terms; `stage_order` is the
    rung on the training ladder; `formats` is a bitmask (1 video, 2 phone, 4 in person); `genders`
    and `backgrounds` (bits: 1 under-represented, 2 first generation, 4 international graduate)
    are 0 when unknown; preference codes are 0 none, 1 soft, 2 hard."""

    enrollment_ids: list[int]
    member_ids: list[int]
    names: list[str]
    stage_order: list[int]
    institution_ids: list[int]
    institution_names: list[str]
    institution_has_ct: list[bool]
    regions: list[str]
    utc_offsets: list[float]
    languages: list[set[int]]
    interests: list[set[int]]
    topics: list[set[int]]
    formats: list[int]
    genders: list[int]
    backgrounds: list[int]
    texts: list[str]
    # Mentee-only preferences (empty on the mentor side).
    target_institutions: list[set[int]]
    same_gender: list[int]
    shared_background: list[int]
    institution_preference: list[str]
    same_region: list[bool]
    language_required: list[int]
    # True: the mentee insists on a shared language (their `language_required` when set, else any
    # of theirs). Optional: an empty list means nobody insists.
    language_insisted: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.enrollment_ids)
