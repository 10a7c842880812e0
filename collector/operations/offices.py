"""Offices: create one (with its default survey published) and set its allowed origins."""

from __future__ import annotations

import re

import sqlalchemy as sa

from ..audit import Actor, audit_change, model_values
from ..extensions import db
from ..models import Office
from ..surveys import create_office as create_office_records
from .origins import check_allowed_origin, normalize_origin
from .problems import DomainError

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
MAX_ORIGINS = 20


def check_slug(slug: str) -> str:
    """Return the slug if it is well formed and free; refuse ``slug_format`` or ``slug_taken``."""
    if not SLUG_RE.match(slug):
        raise DomainError("slug_format", field="slug", slug=slug)
    if db.session.scalar(sa.select(Office.id).where(Office.slug == slug)):
        raise DomainError("slug_taken", field="slug", slug=slug)
    return slug


def check_origins(lines: list[str]) -> list[str]:
    """Return the allowed origins typed, normalised, without repeats; refuse a bad one or too many."""
    origins: list[str] = []
    for line in lines:
        origin = check_allowed_origin(line)
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        raise DomainError("origins_too_many", field="allowed_origins", max=MAX_ORIGINS)
    return origins


def create_office(
    slug: str,
    name: str,
    *,
    origins: list[str] | None = None,
    privacy_url: str = "",
    actor: Actor | None,
    strict_origins: bool = True,
) -> Office:
    """Create an office with its departments and the default survey, published as version 1.

    ``actor`` None: the caller audits the creation itself (the panel's model views audit every
    record they create). ``strict_origins`` False takes configured origins (the demo's) that only
    need to be origins, not https.
    """
    check_slug(slug)
    if strict_origins:
        origins = check_origins(list(origins or []))
    else:
        origins = list(dict.fromkeys(normalize_origin(o) for o in origins or []))
    office = create_office_records(slug, name, origins=origins, privacy_url=privacy_url)
    if actor is not None:
        audit_change("create", office, actor=actor, after=model_values(office))
    return office


def add_origin(office: Office, origin: str, actor: Actor) -> bool:
    """Allow one more origin (as configured, e.g. the demo page's); return whether it was new."""
    origin = normalize_origin(origin)
    if origin in (office.allowed_origins or []):
        return False
    before = list(office.allowed_origins or [])
    office.allowed_origins = [*before, origin]
    audit_change(
        "update",
        office,
        actor=actor,
        before={"allowed_origins": before},
        after={"allowed_origins": office.allowed_origins},
    )
    return True
