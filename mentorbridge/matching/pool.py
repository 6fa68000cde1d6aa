"""The mentor pool behind Find a mentor, and the one place that decides when it is stale.

A cycle's active mentors, as the engine's table and index, are cached per process: building them
for 10,000 mentors takes about a second, a page then scores against them in about 40 ms
(bench/workflow.py, docs/matching.md). The cache is keyed by `Cycle.pool_version`, and only this
module moves that version, from the models' own signals, so every path that changes what the
table reads invalidates it: services, forms, the admin, imports, deletes.

What the table reads, and so what bumps the version:
- an enrollment of a mentor (created, changed in a field below, deleted, its topics);
- a member who mentors (a field below changed, their languages or interests);
- an institution, a training stage (names, regions, rungs; rare: every cycle's pool) and the
  deletion of an interest, topic or language.

A queryset `.update()` or `bulk_create` sends no signal: code that changes these rows in bulk
calls `pools_changed` itself (the demo's seeding does).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from mentorbridge.members.models import (
    Institution,
    Interest,
    Language,
    Member,
    Topic,
    TrainingStage,
)
from mentorbridge.programs.models import Cycle, Enrollment

from . import features
from .engine.scoring import MentorIndex

# The columns of each model that `features.load_people` reads for a mentor (or that decide who
# is in the pool), as attribute names.
MEMBER_FIELDS = (
    "full_name",
    "time_zone",
    "bio",
    "goals",
    "meeting_formats",
    "stage_id",
    "institution_id",
    "home_has_ct_program",
)
ENROLLMENT_FIELDS = ("member_id", "cycle_id", "role", "status", "goals")

_cache_lock = threading.Lock()
_mentor_cache: dict[int, tuple[int, features.People, MentorIndex]] = {}


def mentor_pool(cycle: Cycle) -> tuple[features.People, MentorIndex]:
    """All active mentors of a cycle and their scoring index, cached per process until the pool
    changes."""
    version = Cycle.objects.filter(pk=cycle.pk).values_list("pool_version", flat=True).first() or 0
    with _cache_lock:
        cached = _mentor_cache.get(cycle.pk)
    if cached and cached[0] == version:
        return cached[1], cached[2]
    people = features.load_people(
        queryset=Enrollment.objects.filter(cycle=cycle).active().mentors()
    )
    index = MentorIndex(people)
    with _cache_lock:
        _mentor_cache[cycle.pk] = (version, people, index)
    return people, index


def clear_cache() -> None:
    with _cache_lock:
        _mentor_cache.clear()


def pools_changed(*, cycle_ids: Iterable[int] | None = None) -> None:
    """Make the given cycles' pools (every cycle's, by default) rebuild on their next read."""
    cycles: QuerySet[Cycle] = Cycle.objects.all()
    if cycle_ids is not None:
        cycles = cycles.filter(pk__in=list(cycle_ids))
    _bump(cycles)


def _bump(cycles: QuerySet[Cycle]) -> None:
    cycles.update(pool_version=F("pool_version") + 1)


def _mentor_cycles(member_ids: Iterable[int]) -> QuerySet[Cycle]:
    mentoring = Enrollment.objects.filter(
        member_id__in=list(member_ids), role=Enrollment.Role.MENTOR
    )
    return Cycle.objects.filter(pk__in=mentoring.values("cycle_id"))


def _stored_row(
    instance: Model, fields: tuple[str, ...], update_fields: Any
) -> tuple[Any, ...] | None:
    """The stored values of `fields` when saving `instance` may change them (else None)."""
    if update_fields is not None and not {f.removesuffix("_id") for f in fields} & {
        f.removesuffix("_id") for f in update_fields
    }:
        return None
    row = type(instance)._default_manager.filter(pk=instance.pk).values_list(*fields).first()
    return tuple(row) if row is not None else None


def _current(instance: Model, fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(instance, f) for f in fields)


# The decision is made before the write (the stored row still holds the old values) and the
# version is bumped after it, so a rebuild can never cache the old rows under the new version.
_STALE = "_mentor_pool_stale"


@receiver(pre_save, sender=Member)
def _member_will_save(sender: type[Member], instance: Member, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return  # a new member mentors nobody yet
    stored = _stored_row(instance, MEMBER_FIELDS, kwargs.get("update_fields"))
    setattr(instance, _STALE, stored is not None and stored != _current(instance, MEMBER_FIELDS))


@receiver(post_save, sender=Member)
def _member_saved(sender: type[Member], instance: Member, **kwargs: Any) -> None:
    if getattr(instance, _STALE, False):
        _bump(_mentor_cycles([instance.pk]))
    setattr(instance, _STALE, False)


@receiver(pre_save, sender=Enrollment)
def _enrollment_will_save(sender: type[Enrollment], instance: Enrollment, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    stored = _stored_row(instance, ENROLLMENT_FIELDS, kwargs.get("update_fields"))
    if stored is None or stored == _current(instance, ENROLLMENT_FIELDS):
        return
    # A mentor's enrollment changed, or one became or stopped being a mentor's (its old cycle too).
    old = dict(zip(ENROLLMENT_FIELDS, stored, strict=True))
    cycles = {instance.cycle_id} if instance.role == Enrollment.Role.MENTOR else set()
    if old["role"] == Enrollment.Role.MENTOR:
        cycles.add(old["cycle_id"])
    setattr(instance, _STALE, cycles)


@receiver(post_save, sender=Enrollment)
def _enrollment_saved(
    sender: type[Enrollment], instance: Enrollment, created: bool, **kwargs: Any
) -> None:
    cycles: set[int] = getattr(instance, _STALE, set())
    if created and instance.role == Enrollment.Role.MENTOR and not kwargs.get("raw"):
        cycles = {instance.cycle_id}
    if cycles:
        pools_changed(cycle_ids=cycles)
    setattr(instance, _STALE, set())


@receiver(post_delete, sender=Enrollment)
def _enrollment_deleted(sender: type[Enrollment], instance: Enrollment, **kwargs: Any) -> None:
    if instance.role == Enrollment.Role.MENTOR:
        pools_changed(cycle_ids=[instance.cycle_id])


@receiver(post_save, sender=Institution)
@receiver(post_save, sender=TrainingStage)
def _place_or_stage_saved(
    sender: type[Model], instance: Model, created: bool, **kwargs: Any
) -> None:
    if not created and not kwargs.get("raw"):
        pools_changed()


@receiver(post_delete, sender=Institution)
@receiver(post_delete, sender=TrainingStage)
@receiver(post_delete, sender=Interest)
@receiver(post_delete, sender=Topic)
@receiver(post_delete, sender=Language)
def _term_deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    pools_changed()


@receiver(m2m_changed, sender=Member.languages.through)
@receiver(m2m_changed, sender=Member.interests.through)
def _member_terms_changed(
    sender: type[Model], instance: Model, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        if action == "post_clear" or pk_set:
            _bump(_mentor_cycles([instance.pk]))
    elif action == "post_clear":  # a term lost all its members: whose, it no longer says
        pools_changed()
    elif pk_set:
        _bump(_mentor_cycles(pk_set))


@receiver(m2m_changed, sender=Enrollment.topics.through)
def _enrollment_topics_changed(
    sender: type[Model], instance: Model, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        if (
            isinstance(instance, Enrollment)
            and instance.role == Enrollment.Role.MENTOR
            and (action == "post_clear" or pk_set)
        ):
            pools_changed(cycle_ids=[instance.cycle_id])
    elif action == "post_clear":
        pools_changed()
    elif pk_set:
        mentors = Enrollment.objects.filter(pk__in=pk_set, role=Enrollment.Role.MENTOR)
        _bump(Cycle.objects.filter(pk__in=mentors.values("cycle_id")))
