"""Test-data factories: build what a test needs in one call."""

from __future__ import annotations

import sqlalchemy as sa

from collector.extensions import db
from collector.models import Office, SurveyVersion, User
from collector.passwords import hash_password
from collector.surveys import create_office as _create_office
from collector.surveys import get_published_version

DEFAULT_PASSWORD = "correct horse battery staple"


def create_office(slug: str = "demo", name: str = "Urząd Miasta Demo",
                  origins: tuple[str, ...] = ("http://demo.test",), **fields) -> Office:
    """Create and commit an office with the default survey published as version 1."""
    office = _create_office(slug, name, origins=list(origins))
    for key, value in fields.items():
        setattr(office, key, value)
    db.session.commit()
    return office


def create_user(email: str = "admin@demo.test", role: str = "admin", office: Office | None = None,
                password: str = DEFAULT_PASSWORD, **fields) -> User:
    """Create and commit a panel user."""
    user = User(email=email, role=role, office_id=office.id if office else None,
                password_hash=hash_password(password), **fields)
    db.session.add(user)
    db.session.commit()
    return user


def published_version(office: Office) -> SurveyVersion:
    """Return the office's published version."""
    version = get_published_version(office)
    assert version is not None
    return version


def count(model) -> int:
    """Return how many rows the model's table holds."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
