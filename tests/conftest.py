"""Fixtures: an app per test on each database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from collector.extensions import db
from wsgi import create_app

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"

if IN_CI and not TEST_DATABASE_URL:
    raise pytest.UsageError("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run must not be skipped.")

DATABASES = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
_prepared: set[str] = set()


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory) -> str:
    """Give the URL of one test database; every test runs once per database."""
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.db")
    return TEST_DATABASE_URL


def make_app(database_url: str, **config):
    """Build an app on the test database, with the schema created once per test session."""
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-0123456789abcdef",
        "RATELIMIT_ENABLED": False,
        "PUBLIC_URL": "http://collector.test",
        "DEMO_ORIGIN": "http://demo.test",
    }
    settings.update(config)
    app = create_app(settings)
    if database_url not in _prepared:
        with app.app_context():
            db.drop_all()
            db.create_all()
        _prepared.add(database_url)
    return app


def clear_database(app) -> None:
    """Delete every row, children first, so the next test starts empty."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url, app_config):
    app = make_app(database_url, **app_config)
    with app.app_context():
        yield app
    clear_database(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    return db.session
