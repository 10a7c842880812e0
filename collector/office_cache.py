"""A short-lived, per-process cache of what the public API needs to know about an office.

Every response and survey request would otherwise read the office, its versions and departments
before doing anything. The cache keeps them for ``API_CACHE_SECONDS`` (default 10 s) and is only
trusted for "yes": a version, origin or department not found in it is looked up again in the
database before anything is refused — ``OfficeContext`` does that itself, so callers just ask it.
A change committed through this process clears the cache at once; other processes see it within
the TTL (the survey is cacheable for 300 s by HTTP anyway).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from .enums import VersionStatus
from .extensions import db
from .models import Department, Office, Question, Survey, SurveyVersion
from .operations.origins import origin_or_none as normalize_origin
from .surveys import get_department_options, get_office

CONFIG_MODELS = (Office, Department, Survey, SurveyVersion, Question)
CONFIG_TABLES = frozenset(model.__tablename__ for model in CONFIG_MODELS)
MAX_ENTRIES = 1024


@dataclass(frozen=True)
class VersionInfo:
    id: int
    number: int
    status: str
    retired_at: datetime | None


@dataclass(frozen=True)
class OfficeSnapshot:
    """What the API knows about an office at one moment, as plain values (kept in the cache)."""

    id: int
    slug: str
    origins: frozenset[str]  # normalized; includes the collector's own origin (the hosted page)
    versions: dict[int, VersionInfo]
    department_keys: tuple[str, ...]  # the active departments' keys, then "other"


class OfficeContext:
    """One request's view of an office: the cached snapshot, trusted only for "yes".

    A version, origin or department the snapshot does not know is looked up again in the
    database, at most once per request, before the answer is "no"; the new snapshot replaces
    the cached one. So a newly added origin or newly published version works at once, while a
    removal takes up to ``API_CACHE_SECONDS``.
    """

    def __init__(self, snapshot: OfficeSnapshot, *, fresh: bool) -> None:
        self._snapshot = snapshot
        self._fresh = fresh  # read from the database during this request

    @property
    def id(self) -> int:
        return self._snapshot.id

    @property
    def slug(self) -> str:
        return self._snapshot.slug

    @property
    def department_keys(self) -> tuple[str, ...]:
        """Return the keys a department question accepts (as known now)."""
        return self._snapshot.department_keys

    def has_origin(self, origin: str, *, refresh: bool = True) -> bool:
        """Tell whether the office accepts responses posted from ``origin`` (normalized).

        ``refresh=False``: trust the snapshot's "no" too (advice that must not cost a read).
        """
        if not refresh:
            return origin in self._snapshot.origins
        return self._knows(lambda snapshot: origin in snapshot.origins)

    def has_department(self, key: str) -> bool:
        """Tell whether ``key`` is one of the office's active departments (or "other")."""
        return self._knows(lambda snapshot: key in snapshot.department_keys)

    def version(self, number: int) -> VersionInfo | None:
        """Return the office's version ``number`` unless it is unknown or still a draft."""
        if self._knows(lambda snapshot: _is_issued(snapshot.versions.get(number))):
            return self._snapshot.versions[number]
        return None

    def _knows(self, test: Callable[[OfficeSnapshot], bool]) -> bool:
        if test(self._snapshot):
            return True
        if self._fresh:
            return False
        self._fresh = True
        snapshot = read_office_snapshot(self.slug)
        if snapshot is None:  # the office is gone: nothing more is known
            return False
        self._snapshot = snapshot
        return test(snapshot)


def _is_issued(version: VersionInfo | None) -> bool:
    return version is not None and version.status != VersionStatus.DRAFT


def get_cache(name: str) -> dict[Any, Any]:
    """Return the app's cache called ``name``."""
    caches = current_app.extensions.setdefault("ocen_caches", {})
    return caches.setdefault(name, {})


def cache_seconds() -> float:
    return float(current_app.config.get("API_CACHE_SECONDS", 10))


def remember(name: str, key: Any, value: Any) -> None:
    """Keep ``value`` under ``key`` for API_CACHE_SECONDS (no-op when that is 0)."""
    ttl = cache_seconds()
    if ttl <= 0:
        return
    cache = get_cache(name)
    if len(cache) >= MAX_ENTRIES:
        cache.clear()
    cache[key] = (time.monotonic() + ttl, value)


def recall(name: str, key: Any) -> Any | None:
    """Return the value kept under ``key`` if it has not expired, else None."""
    hit = get_cache(name).get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    return None


def clear_caches(app: Flask | None = None) -> None:
    """Forget everything cached (after a change to an office, its survey or departments)."""
    app = app or current_app
    for cache in app.extensions.get("ocen_caches", {}).values():
        cache.clear()


def load_office_snapshot(office: Office) -> OfficeSnapshot:
    """Read an office's snapshot from the database."""
    rows = db.session.execute(
        sa.select(
            SurveyVersion.id, SurveyVersion.number, SurveyVersion.status, SurveyVersion.retired_at
        )
        .join(Survey)
        .where(Survey.office_id == office.id)
    ).all()
    origins = {normalize_origin(o) for o in office.allowed_origins or []}
    origins.add(normalize_origin(current_app.config["PUBLIC_URL"]))
    origins.discard(None)
    return OfficeSnapshot(
        id=office.id,
        slug=office.slug,
        origins=frozenset(origins),  # type: ignore[arg-type]
        versions={r.number: VersionInfo(r.id, r.number, r.status, r.retired_at) for r in rows},
        department_keys=tuple(option["key"] for option in get_department_options(office)),
    )


def read_office_snapshot(slug: str) -> OfficeSnapshot | None:
    """Read the office's snapshot from the database and cache it; None for an unknown office."""
    office = get_office(slug)
    if office is None:
        return None
    snapshot = load_office_snapshot(office)
    remember("office", slug, snapshot)
    return snapshot


def get_office_context(slug: str) -> OfficeContext | None:
    """Return the office's context for one request (from the cache if fresh enough); None if unknown.

    Resolve it once per request and ask it (``has_origin``, ``version``, ``has_department``):
    it refreshes itself on a miss.
    """
    cached = recall("office", slug)
    if cached is not None:
        return OfficeContext(cached, fresh=False)
    snapshot = read_office_snapshot(slug)
    return OfficeContext(snapshot, fresh=True) if snapshot is not None else None


# -- clear the cache when this process commits a change to the configuration -----------------------


def _note_config_flush(session: Session, _context: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, CONFIG_MODELS):
            session.info["ocen_config_changed"] = True
            return


def _note_config_statement(state: Any) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        if state.bind_mapper.local_table.name in CONFIG_TABLES:
            state.session.info["ocen_config_changed"] = True


def _clear_after_commit(session: Session) -> None:
    if session.info.pop("ocen_config_changed", False) and has_app_context():
        clear_caches()


def _forget_on_rollback(session: Session) -> None:
    session.info.pop("ocen_config_changed", None)


_listening = False


def init_app(app: Flask) -> None:
    """Listen for committed configuration changes (once per process)."""
    global _listening
    if _listening:
        return
    sa.event.listen(Session, "after_flush", _note_config_flush)
    sa.event.listen(Session, "do_orm_execute", _note_config_statement)
    sa.event.listen(Session, "after_commit", _clear_after_commit)
    sa.event.listen(
        Session, "after_soft_rollback", lambda session, _tx: _forget_on_rollback(session)
    )
    _listening = True
