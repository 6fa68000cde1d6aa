"""The mentor pool behind Find a mentor, and the one place that decides when it is stale.

A cycle's active mentors, as the engine's table and index, plus the names and filter choices the
page shows with them, are built once per pool version and shared by every app process through
Django's cache (Redis in production): building them for 2,000 mentors takes about a second of CPU
(TF-IDF and SVD of the texts, loading the mentors), reading them back about 20 ms. Each process
also keeps the entry it uses in memory, so a page then scores against it in a few milliseconds.
Entries are keyed by `Cycle.pool_version`, and only this module moves that version, from the
models' own signals, so every path that changes what the table reads invalidates it: services,
forms, the admin, imports, deletes.

What the table reads, and so what bumps the version:
- an enrollment of a mentor (created, changed in a field below, deleted, its topics);
- a member who mentors (a field below changed, their languages or interests);
- an institution, a training stage (names, regions, rungs; rare: every cycle's pool) and the
  saving or deletion of an interest, topic or language (their names are part of the entry).

A queryset `.update()` or `bulk_create` sends no signal: code that changes these rows in bulk
calls `pools_changed` itself (the demo's seeding does).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import connection
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

logger = logging.getLogger(__name__)

# Shared entries outlive no process for long: a restored database can move a cycle's version back
# to numbers the cache already holds for other rows, and the key's database identity below only
# tells databases apart that were created anew (a clone, a restore into a scratch database).
SHARED_SECONDS = 30 * 60
# While one process builds a pool, the others wait for its entry this long before building it too.
BUILD_WAIT_SECONDS = 20.0


def _code_fingerprint() -> str:
    """The code that builds and pickles an entry, and scikit-learn's version (its fitted text
    model is pickled): a deploy that changes either never reads the entries of the old code."""
    import sklearn

    from .engine import scoring, tables

    digest = hashlib.sha256(sklearn.__version__.encode())
    for module in (sys.modules[__name__], features, scoring, tables):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Pool:
    """One cycle's mentor pool at one version: the table, its index, and what the page shows."""

    version: int
    # This entry's name in the shared cache; fragments rendered from it are cached under it too.
    key: str
    people: features.People
    index: MentorIndex
    # "interest", "topic", "language" -> {pk: name}, in each taxonomy's order.
    names: dict[str, dict[int, str]]
    # Find a mentor's filters: (name, label, [(value, text), ...]) in the page's order.
    choices: list[tuple[str, str, list[tuple[Any, str]]]]
    # HTML rendered from this entry alone, by this process (recommendations.filter_fields): it
    # goes when the entry does.
    fragments: dict[str, str] = field(default_factory=dict, compare=False)


_cache_lock = threading.Lock()
_mentor_cache: dict[int, Pool] = {}
_database_identity = ""
_code = ""


def mentor_pool(cycle: Cycle) -> tuple[features.People, MentorIndex]:
    """All active mentors of a cycle and their scoring index, cached until the pool changes."""
    entry = pool_for(cycle)
    return entry.people, entry.index


def pool_for(cycle: Cycle, *, version: int | None = None) -> Pool:
    """The cycle's pool at its current version: this process's copy, else the shared one, else
    built (by one process at a time; the others wait for its entry). `version` is the cycle's
    `pool_version` when the caller has just read the row in this request (saves a query)."""
    if version is None:
        version = (
            Cycle.objects.filter(pk=cycle.pk).values_list("pool_version", flat=True).first() or 0
        )
    with _cache_lock:
        cached = _mentor_cache.get(cycle.pk)
    if cached is not None and cached.version == version:
        return cached
    entry = _shared(cycle, version)
    with _cache_lock:
        _mentor_cache[cycle.pk] = entry
    return entry


def _shared_key(cycle_id: int, version: int) -> str:
    global _code
    if not _code:
        _code = _code_fingerprint()
    return f"mentor-pool:{_code}:{_database()}:{cycle_id}:{version}"


def _database() -> str:
    """This database's name and, on PostgreSQL, its oid: a clone or a restored copy under the same
    name is another database, whose versions mean other rows."""
    global _database_identity
    if not _database_identity:
        name = str(connection.settings_dict["NAME"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
                row = cursor.fetchone()
            name = f"{name}.{row[0] if row else ''}"
        _database_identity = name
    return _database_identity


def _shared(cycle: Cycle, version: int) -> Pool:
    key = _shared_key(cycle.pk, version)
    entry = _read(key)
    if entry is not None:
        return entry
    lock, seconds = f"{key}:building", int(BUILD_WAIT_SECONDS) + 10
    held = _quietly(cache.add, lock, 1, seconds, failed=True)
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while not held and time.monotonic() < deadline:
        time.sleep(0.1)
        entry = _read(key)
        if entry is not None:
            return entry
        held = _quietly(cache.add, lock, 1, seconds, failed=True)  # the builder may have died
    # Built here: this process holds the lock, or waited long enough rather than fail the page.
    try:
        entry = build(cycle, version)
        blob = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        _quietly(cache.set, key, blob, SHARED_SECONDS)
    finally:
        if held:
            _quietly(cache.delete, lock)
    return entry


def _quietly(call: Any, *args: Any, failed: Any = None) -> Any:
    """A cache call; when the cache is down, `failed`: each process then builds its own pool, as
    before pools were shared, and the page still answers."""
    try:
        return call(*args)
    except Exception:
        logger.warning("the shared cache failed: the mentor pool is built here", exc_info=True)
        return failed


def _read(key: str) -> Pool | None:
    blob = _quietly(cache.get, key)
    if blob is None:
        return None
    try:
        entry = pickle.loads(blob)  # noqa: S301 - written by this module to our own cache
    except Exception:  # an entry from other code: build a fresh one
        logger.warning("unreadable mentor pool entry %s", key, exc_info=True)
        return None
    return entry if isinstance(entry, Pool) else None


def build(cycle: Cycle, version: int) -> Pool:
    """Load and index the cycle's active mentors, with the names and filter choices they use."""
    people = features.load_people(
        queryset=Enrollment.objects.filter(cycle=cycle).active().mentors()
    )
    names = {
        "interest": dict(Interest.objects.values_list("pk", "name")),
        "topic": dict(Topic.objects.values_list("pk", "name")),
        "language": dict(Language.objects.values_list("pk", "name")),
    }
    return Pool(
        version=version,
        key=_shared_key(cycle.pk, version),
        people=people,
        index=MentorIndex(people),
        names=names,
        choices=_choices(people, names),
    )


def _choices(
    people: features.People, names: dict[str, dict[int, str]]
) -> list[tuple[str, str, list[tuple[Any, str]]]]:
    """Each filter's options on Find a mentor: only values some mentor of the pool has."""

    def present(name: str, sets: list[set[int]]) -> list[tuple[Any, str]]:
        held = set().union(*sets) if sets else set()
        return sorted(
            ((pk, names[name][pk]) for pk in held if pk in names[name]), key=lambda x: x[1]
        )

    institutions = sorted(
        {
            (i, n)
            for i, n in zip(people.institution_ids, people.institution_names, strict=True)
            if i
        },
        key=lambda x: x[1],
    )
    regions = sorted({r for r in people.regions if r})
    stages = list(
        TrainingStage.objects.filter(order__in=set(people.stage_order))
        .order_by("order")
        .values_list("pk", "name")
    )
    return [
        ("interest", "Interest", present("interest", people.interests)),
        ("topic", "Topic", present("topic", people.topics)),
        ("institution", "Institution", institutions),
        ("stage", "Mentor's stage", stages),
        ("region", "Region", [(r, r) for r in regions]),
        ("language", "Language", present("language", people.languages)),
    ]


def clear_cache() -> None:
    """Forget this process's pools (tests; the shared entries go with `cache.clear()`)."""
    global _database_identity
    with _cache_lock:
        _mentor_cache.clear()
        _database_identity = ""


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


@receiver(post_save, sender=Interest)
@receiver(post_save, sender=Topic)
@receiver(post_save, sender=Language)
def _term_saved(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    # The entry holds every term's name: a renamed interest shows renamed. A new term belongs to
    # no mentor yet.
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
