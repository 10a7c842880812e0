"""A short-lived, per-process cache of what the public API needs to know about an office.

Every response and survey request would otherwise read the office, its versions and departments
before doing anything. The cache keeps them for ``API_CACHE_SECONDS`` (default 10 s) and is only
trusted for "yes": a version, origin or department not found in it is looked up again in the
database before anything is refused. A change committed through this process clears the cache at
once; other processes see it within the TTL (the survey is cacheable for 300 s by HTTP anyway).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

from .extensions import db
from .models import Department, Office, Question, Survey, SurveyVersion
from .operations.origins import origin_or_none as normalize_origin
from .surveys import get_department_options

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
class OfficeContext:
    """What validating and storing a response needs about an office, as plain values."""

    id: int
    slug: str
    origins: frozenset[str]  # normalized; includes the collector's own origin (the hosted page)
    versions: dict[int, VersionInfo]
    department_keys: tuple[str, ...]  # the active departments' keys, then "other"
    fresh: bool = field(default=True, compare=False)  # read from the database for this request


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


def load_office_context(office: Office) -> OfficeContext:
    """Read an office's context from the database."""
    rows = db.session.execute(
        sa.select(SurveyVersion.id, SurveyVersion.number, SurveyVersion.status, SurveyVersion.retired_at)
        .join(Survey).where(Survey.office_id == office.id)
    ).all()
    origins = {normalize_origin(o) for o in office.allowed_origins or []}
    origins.add(normalize_origin(current_app.config["PUBLIC_URL"]))
    origins.discard(None)
    return OfficeContext(
        id=office.id, slug=office.slug, origins=frozenset(origins),  # type: ignore[arg-type]
        versions={r.number: VersionInfo(r.id, r.number, r.status, r.retired_at) for r in rows},
        department_keys=tuple(option["key"] for option in get_department_options(office)),
    )


def get_office_context(slug: str, *, fresh: bool = False) -> OfficeContext | None:
    """Return the office's context, from the cache unless ``fresh``; None for an unknown office."""
    if not fresh:
        cached = recall("office", slug)
        if cached is not None:
            return cached
    from .surveys import get_office

    office = get_office(slug)
    if office is None:
        return None
    context = load_office_context(office)
    remember("office", slug, dataclasses.replace(context, fresh=False))
    return context


def context_for(office: Office | OfficeContext, *, fresh: bool = False) -> OfficeContext:
    """Return the context of an Office (or the context itself)."""
    if isinstance(office, OfficeContext):
        return office
    context = get_office_context(office.slug, fresh=fresh)
    return context if context is not None else load_office_context(office)


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
    sa.event.listen(Session, "after_soft_rollback", lambda session, _tx: _forget_on_rollback(session))
    _listening = True
